// Vulnerability reports from outside the organisation, as the security
// team sees them (the reporters' own pages are the server-rendered
// /security/report): the list with its state and overdue filters and the
// reporters to credit, and a report's page with its deadlines, the
// conversation with the reporter, the team's notes and the log, and the
// actions of coordinated disclosure — acknowledge, triage, move on,
// credit, mark, link to an incident or open one. Reading is report.read;
// everything else is report.triage (opening an incident needs
// finding.triage too); the API checks each again and shows only reports
// released to the caller.

import { h } from '../dom.js';
import { t, label, fmtDateTime, fmtDay } from '../i18n.js';
import { api } from '../api.js';
import { navigate, pathWith, refresh } from '../router.js';
import {
  setTitle, table, dl, field, select, input, textarea, submitter, localISO, toLocal, card, folded, formStatus, flash, mono, options,
} from '../ui.js';
import { tlpBadge, TLPS, CATEGORIES, SEVERITIES } from './incidents.js';

const STATES = ['received', 'acknowledged', 'triaged', 'accepted', 'rejected', 'duplicate', 'fixed', 'disclosed'];
const DECISIONS = ['triaged', 'accepted', 'rejected', 'duplicate'];
const DEADLINES = ['ack', 'triage', 'disclosure'];
// met is the time a deadline was met: the report reached its state.
const MET = { ack: 'acknowledged', triage: 'triaged', disclosure: 'disclosed' };

function stateBadge(s) {
  const cls = { received: 'warn', rejected: 'muted', duplicate: 'muted', disclosed: 'ok', fixed: 'ok' }[s];
  return h('span', { class: ['badge', 'state', cls], dataset: { state: s } }, label('disclosure.state', s));
}

function overdueBadges(r) {
  return (r.overdue || []).map((d) => [h('span', { class: 'badge danger overdue-deadline', dataset: { deadline: d } }, t('disclosure.overdue', { deadline: label('disclosure.deadline', d) })), ' ']);
}

export async function disclosureListPage({ query }) {
  setTitle(t('disclosures.title'));
  const f = {
    state: STATES.includes(query.get('state')) ? query.get('state') : '',
    open: query.get('open') === 'true',
    overdue: query.get('overdue') === 'true',
  };
  const [got, credits] = await Promise.all([api('GET', '/api/v1/disclosures', { query: f }), api('GET', '/api/v1/disclosures/credits')]);
  const stateSel = select('state', options('disclosure.state', STATES, true), f.state);
  stateSel.id = 'disclosure-state';
  const openBox = input('open', 'checkbox', '', { checked: f.open, id: 'disclosure-open' });
  const overdueBox = input('overdue', 'checkbox', '', { checked: f.overdue, id: 'disclosure-overdue' });
  const filters = h('form', {
    class: 'filters', role: 'search', id: 'disclosure-filters',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        navigate(pathWith('/disclosures', { state: stateSel.value, open: openBox.checked ? 'true' : '', overdue: overdueBox.checked ? 'true' : '' }));
      },
    },
  },
  field(t('disclosure.stateLabel'), stateSel),
  field(t('disclosures.openOnly'), openBox),
  field(t('disclosures.overdueOnly'), overdueBox),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    f.state || f.open || f.overdue ? h('a', { href: '/disclosures', class: 'reset' }, t('common.reset')) : null));
  const link = (r, text) => h('a', { href: '/disclosures/' + r.id }, text);
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('disclosures.title')), h('p', { class: 'muted' }, t('disclosures.intro')),
      h('p', { class: 'small' }, t('disclosures.intake'), ' ', h('a', { href: '/security/report', target: '_blank', rel: 'noopener' }, '/security/report'))),
    filters,
    table([
      { label: t('disclosure.code'), cell: (r) => link(r, mono(r.code)), class: 'nowrap' },
      { label: t('disclosure.titleLabel'), cell: (r) => link(r, r.title), class: 'wrap' },
      { label: t('disclosure.product'), cell: (r) => [r.product || '', r.version ? ' ' + r.version : ''] },
      { label: t('disclosure.stateLabel'), cell: (r) => [stateBadge(r.state), ' ', overdueBadges(r)] },
      { label: t('disclosure.received'), cell: (r) => fmtDateTime(r.received), class: 'nowrap' },
      { label: t('disclosure.disclosureBy'), cell: (r) => fmtDay(r.deadlines.disclosure), class: 'nowrap' },
      { label: t('incident.tlp'), cell: (r) => tlpBadge(r.marking && r.marking.tlp) },
    ], got.items, { class: 'disclosures', empty: t('disclosures.none'), row: (r) => ({ dataset: { id: String(r.id), code: r.code, state: r.state } }) }),
    card('credits', t('disclosures.credits'), t('disclosures.creditsIntro'),
      table([
        { label: t('disclosure.creditName'), cell: (c) => c.name },
        { label: t('disclosure.titleLabel'), cell: (c) => h('a', { href: '/disclosures/' + c.report }, c.title), class: 'wrap' },
        { label: t('disclosure.product'), cell: (c) => c.product || '' },
        { label: t('disclosure.state.disclosed'), cell: (c) => fmtDay(c.disclosed), class: 'nowrap' },
      ], credits.items, { class: 'credits', empty: t('disclosures.noCredits') })));
}

function deadlineRows(r) {
  return DEADLINES.map((d) => {
    const met = r[MET[d]];
    const overdue = (r.overdue || []).includes(d);
    return { d, at: r.deadlines[d], met: met && !met.startsWith('0001-') ? met : '', overdue };
  });
}

export async function disclosurePage({ params, can }) {
  const id = encodeURIComponent(params[0]);
  const v = await api('GET', '/api/v1/disclosures/' + id);
  const r = v.report;
  setTitle(t('disclosure.heading', { code: r.code }));
  const triage = can('report.triage');
  return h('article', { class: 'disclosure' },
    h('div', { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '/disclosures' }, t('nav.disclosures'))),
      h('h1', null, t('disclosure.heading', { code: r.code }), ' ', r.title),
      h('div', { class: 'badges' }, h('span', { id: 'disclosure-state' }, stateBadge(r.state)), ' ', tlpBadge(r.marking.tlp), ' ', overdueBadges(r))),
    h('div', { class: 'grid-2' },
      card('report-facts', t('disclosure.facts'), null, dl([
        [t('disclosure.code'), mono(r.code)],
        [t('disclosure.product'), r.product || ''],
        [t('disclosure.version'), r.version || ''],
        [t('disclosure.received'), fmtDateTime(r.received)],
        [t('disclosure.reporter'), r.reporter.name || h('span', { class: 'muted' }, t('disclosure.anonymous'))],
        [t('disclosure.contact'), r.reporter.contact || ''],
        [t('disclosure.lang'), label('lang', r.lang)],
        [t('disclosure.credit'), r.credit.wanted || r.credit.given
          ? h('span', { id: 'credit' }, r.credit.name || r.reporter.name || '', ' ',
            r.credit.given && !r.credit.given.startsWith('0001-') ? h('span', { class: 'badge ok' }, t('disclosure.creditGiven', { at: fmtDay(r.credit.given) }))
              : h('span', { class: 'badge warn' }, t('disclosure.creditWanted')))
          : t('disclosure.noCredit')],
        [t('disclosure.incident'), r.incident ? h('a', { href: '/incidents/' + r.incident, id: 'report-incident' }, t('incident.heading', { id: r.incident })) : ''],
        [t('disclosure.duplicateOf'), r.duplicate_of ? h('a', { href: '/disclosures/' + r.duplicate_of }, '#' + r.duplicate_of) : ''],
      ])),
      card('deadlines', t('disclosure.deadlines'), t('disclosure.deadlinesIntro'),
        table([
          { label: t('disclosure.deadlineLabel'), cell: (x) => label('disclosure.deadline', x.d) },
          { label: t('disclosure.due'), cell: (x) => fmtDateTime(x.at), class: 'nowrap' },
          {
            label: t('disclosure.deadlineState'),
            cell: (x) => (x.met ? h('span', { class: 'badge ok' }, t('disclosure.met', { at: fmtDateTime(x.met) }))
              : x.overdue ? h('span', { class: 'badge danger' }, t('disclosure.missed')) : h('span', { class: 'badge muted' }, t('disclosure.open'))),
          },
        ], deadlineRows(r), { class: 'deadlines', row: (x) => ({ dataset: { deadline: x.d, overdue: String(x.overdue) } }) }),
        triage ? folded(t('disclosure.moveDeadline'), deadlineForm(r)) : null)),
    card('report-description', t('disclosure.description'), null, h('p', { class: 'pre advisory-text', lang: r.lang }, r.description)),
    triage ? card('report-actions', t('disclosure.actions'), null,
      v.next_states.length ? moveForm(r, v.next_states) : h('p', { class: 'muted' }, t('disclosure.final')),
      messageForm(r),
      h('div', { class: 'grid-2' }, creditForm(r), markingForm(r)),
      r.incident ? null : incidentForm(r, can('finding.triage'))) : null,
    card('report-log', t('disclosure.log'), t('disclosure.logIntro'),
      table([
        { label: t('audit.at'), cell: (e) => fmtDateTime(e.at), class: 'nowrap' },
        { label: t('audit.actor'), cell: (e) => (e.kind === 'reporter' ? h('em', null, t('disclosure.theReporter')) : e.actor) },
        { label: t('disclosure.eventKind'), cell: (e) => label('disclosure.event', e.kind) },
        { label: t('disclosure.eventText'), cell: (e) => h('span', { class: 'pre' }, e.text), class: 'wrap' },
      ], [...v.log].reverse(), { class: 'report-log', empty: t('disclosure.noLog'), row: (e) => ({ class: 'event-' + e.kind, dataset: { kind: e.kind } }) })));
}

// moveForm takes the report to one of its next states, through the
// route that state belongs to: an acknowledgement, a triage decision
// (with its reason), or a later move.
function moveForm(r, next) {
  const to = select('to', options('disclosure.state', next), next[0]);
  to.id = 'report-move-to';
  const reason = textarea('reason', '', { id: 'report-move-reason', rows: 2, maxlength: 16384 });
  const duplicateOf = input('duplicate_of', 'number', '', { id: 'report-duplicate-of', min: 1 });
  const message = textarea('message', '', { id: 'report-move-message', rows: 2, maxlength: 16384 });
  const dupField = field(t('disclosure.duplicateOf'), duplicateOf);
  const show = () => { dupField.hidden = to.value !== 'duplicate'; };
  to.addEventListener('change', show);
  show();
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'report-move-submit' }, t('disclosure.move'));
  const base = '/api/v1/disclosures/' + r.id;
  return h('form', {
    id: 'report-move-form',
    on: {
      submit: submitter(status, button, async () => {
        const say = message.value.trim();
        if (to.value === 'acknowledged') {
          await api('POST', base + '/ack', { body: say ? { message: say } : {} });
        } else if (DECISIONS.includes(to.value)) {
          const body = { decision: to.value, reason: reason.value.trim() };
          if (to.value === 'duplicate' && duplicateOf.value) body.duplicate_of = Number(duplicateOf.value);
          if (say) body.message = say;
          await api('POST', base + '/triage', { body });
        } else {
          await api('POST', base + '/moves', { body: { to: to.value, reason: reason.value.trim() } });
          if (say) await api('POST', base + '/messages', { body: { text: say } });
        }
        refresh();
      }),
    },
  },
  h('h3', null, t('disclosure.moveTitle')),
  h('div', { class: 'grid-form' }, field(t('disclosure.moveTo'), to), dupField),
  field(t('disclosure.reason'), reason, t('disclosure.reasonHint')),
  field(t('disclosure.answer'), message, t('disclosure.answerHint')),
  status, h('div', { class: 'actions' }, button));
}

function messageForm(r) {
  const text = textarea('text', '', { id: 'report-message-text', rows: 3, required: true, maxlength: 16384 });
  const internal = input('internal', 'checkbox', '', { id: 'report-message-internal' });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'report-message-submit' }, t('disclosure.sendMessage'));
  return h('form', {
    id: 'report-message-form',
    on: {
      submit: submitter(status, button, async () => {
        await api('POST', '/api/v1/disclosures/' + r.id + '/messages', { body: { text: text.value.trim(), internal: internal.checked } });
        refresh();
      }),
    },
  },
  h('h3', null, t('disclosure.messageTitle')),
  field(t('disclosure.messageText'), text), field(t('disclosure.internal'), internal),
  status, h('div', { class: 'actions' }, button));
}

function creditForm(r) {
  const name = input('name', 'text', r.credit.name || r.reporter.name || '', { id: 'report-credit-name', maxlength: 200 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'secondary', id: 'report-credit-submit' }, t('disclosure.confirmCredit'));
  return h('form', {
    id: 'report-credit-form',
    on: {
      submit: submitter(status, button, async () => {
        await api('POST', '/api/v1/disclosures/' + r.id + '/credit', { body: name.value.trim() ? { name: name.value.trim() } : {} });
        refresh();
      }),
    },
  }, h('h3', null, t('disclosure.credit')), field(t('disclosure.creditName'), name, t('disclosure.creditHint')), status, h('div', { class: 'actions' }, button));
}

function markingForm(r) {
  const tlp = select('tlp', TLPS.map((v) => [v, 'TLP:' + v]), r.marking.tlp);
  tlp.id = 'report-tlp';
  const reason = input('reason', 'text', '', { id: 'report-tlp-reason', required: true, maxlength: 16384 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'secondary', id: 'report-tlp-submit' }, t('disclosure.mark'));
  return h('form', {
    id: 'report-marking-form',
    on: {
      submit: submitter(status, button, async () => {
        await api('POST', '/api/v1/disclosures/' + r.id + '/marking', { body: { tlp: tlp.value, reason: reason.value.trim() } });
        refresh();
      }),
    },
  }, h('h3', null, t('disclosure.marking')), field(t('incident.tlp'), tlp), field(t('disclosure.reason'), reason), status, h('div', { class: 'actions' }, button));
}

// incidentForm links the report to the incident it is handled in, or
// opens one from it (which needs finding.triage as well).
function incidentForm(r, open) {
  const existing = input('incident', 'number', '', { id: 'report-link-incident', min: 1 });
  const category = select('category', options('incident.category', CATEGORIES), 'exploitation');
  category.id = 'report-incident-category';
  const severity = select('severity', options('incident.severity', SEVERITIES), 'high');
  severity.id = 'report-incident-severity';
  const status = formStatus();
  const base = '/api/v1/disclosures/' + r.id + '/incident';
  const linkButton = h('button', { type: 'submit', class: 'secondary', id: 'report-link-submit' }, t('disclosure.link'));
  const openButton = h('button', { type: 'button', class: 'primary', id: 'report-open-incident' }, t('disclosure.openIncident'));
  openButton.addEventListener('click', submitter(status, openButton, async () => {
    const got = await api('POST', base, { body: { category: category.value, severity: severity.value } });
    if (got.incident) {
      flash(t('disclosure.incidentOpened', { id: got.incident.id }), ' ', h('a', { href: '/incidents/' + got.incident.id }, t('incident.heading', { id: got.incident.id })));
    }
    refresh();
  }));
  return h('form', {
    id: 'report-incident-form',
    on: {
      submit: submitter(status, linkButton, async () => {
        await api('POST', base, { body: { incident: Number(existing.value) } });
        refresh();
      }),
    },
  },
  h('h3', null, t('disclosure.incidentTitle')),
  h('div', { class: 'grid-form' }, field(t('disclosure.linkTo'), existing, t('disclosure.linkHint')), h('div', { class: 'actions' }, linkButton)),
  open ? [h('p', { class: 'muted small' }, t('disclosure.orOpen')),
    h('div', { class: 'grid-form' }, field(t('incident.category'), category), field(t('incident.severityLabel'), severity), h('div', { class: 'actions' }, openButton))] : null,
  status);
}

function deadlineForm(r) {
  const which = select('deadline', options('disclosure.deadline', DEADLINES), 'disclosure');
  which.id = 'report-deadline';
  const at = input('at', 'datetime-local', toLocal(r.deadlines.disclosure), { id: 'report-deadline-at', required: true });
  which.addEventListener('change', () => { at.value = toLocal(r.deadlines[which.value]); });
  const reason = input('reason', 'text', '', { id: 'report-deadline-reason', required: true, maxlength: 16384 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'secondary', id: 'report-deadline-submit' }, t('disclosure.saveDeadline'));
  return h('form', {
    id: 'report-deadline-form',
    on: {
      submit: submitter(status, button, async () => {
        await api('PUT', '/api/v1/disclosures/' + r.id + '/deadlines/' + which.value, { body: { at: localISO(at.value), reason: reason.value.trim() } });
        refresh();
      }),
    },
  }, h('div', { class: 'grid-form' }, field(t('disclosure.deadlineLabel'), which), field(t('disclosure.newDate'), at)),
  field(t('disclosure.reason'), reason), status, h('div', { class: 'actions' }, button));
}
