// Findings: the filtered list, and one finding with its plain-language
// explanation, assessment, history and the decision forms.

import { h } from '../dom.js';
import { t, label, currentLang, fmtDate, fmtDay, fmtDateTime, fmtNumber, fmtPercent } from '../i18n.js';
import { api } from '../api.js';
import { navigate, refresh, pathWith } from '../router.js';
import {
  setTitle, table, dl, section, field, select, input, pager, errorBox, stateBadge, priorityBadge, kevBadge,
  getLifecycle, mono, changeView,
} from '../ui.js';
import { assetHref } from './assets.js';

const cursors = { key: '', stack: [] };

// flash is a message for the next rendering of a page (after a decision
// the page is rendered again from the server's answer).
let flash = null;

function isOverdue(f, lc) {
  return f.due && lc.open.includes(f.state) && new Date(f.due) < new Date();
}

function dueCell(f, lc) {
  if (!f.due) return '';
  return isOverdue(f, lc)
    ? h('span', { class: 'overdue', title: t('finding.overdue') }, fmtDay(f.due), ' ', h('span', { class: 'badge danger' }, t('finding.overdue')))
    : fmtDay(f.due);
}

export async function findingListPage({ query }) {
  setTitle(t('nav.findings'));
  const lc = await getLifecycle();
  const state = query.get('state') || '';
  const all = query.get('all') === '1' || query.get('all') === 'true';
  const asset = query.get('asset') || '';
  const vuln = query.get('vuln') || '';
  const overdue = query.get('overdue') === '1' || query.get('overdue') === 'true';
  const after = query.get('after') || '';
  const key = JSON.stringify([state, all, asset, vuln, overdue]);
  if (cursors.key !== key || !after) { cursors.key = key; cursors.stack = []; }

  const page = await api('GET', '/api/v1/findings', { query: { state, all: all && !state, asset, vuln, overdue, after, limit: 50 } });

  // The state filter: open findings (the API's default), every finding,
  // or one state.
  const stateSel = select('state', [
    ['', t('findings.openOnly')],
    ['*', t('findings.allStates')],
    ...lc.states.map((s) => [s, label('state', s)]),
  ], state || (all ? '*' : ''));
  stateSel.id = 'filter-state';
  const assetIn = input('asset', 'text', asset, { id: 'filter-asset', maxlength: 512 });
  const vulnIn = input('vuln', 'text', vuln, { id: 'filter-vuln', maxlength: 128 });
  const overdueIn = input('overdue', 'checkbox', '', { id: 'filter-overdue', checked: overdue });
  const form = h('form', {
    class: 'filters', role: 'search',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        const s = stateSel.value;
        navigate(pathWith('/findings', {
          state: s === '*' ? '' : s, all: s === '*', asset: assetIn.value.trim(), vuln: vulnIn.value.trim(), overdue: overdueIn.checked,
        }));
      },
    },
  },
  field(t('finding.state'), stateSel),
  field(t('finding.asset'), assetIn),
  field(t('finding.vuln'), vulnIn),
  field(t('findings.overdueOnly'), overdueIn),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.filter'))));

  const rows = page.items || [];
  const q = { state, all, asset, vuln, overdue };
  const prev = after ? () => navigate(pathWith('/findings', { ...q, after: cursors.stack.pop() || '' })) : null;
  const next = page.next ? () => { cursors.stack.push(after); navigate(pathWith('/findings', { ...q, after: page.next })); } : null;

  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('findings.title'))),
    form,
    table([
      { label: t('finding.id'), cell: (f) => h('a', { href: '/findings/' + f.id, class: 'finding-link' }, '#' + f.id), class: 'nowrap' },
      { label: t('finding.asset'), cell: (f) => h('a', { href: assetHref(f.asset) }, f.asset) },
      { label: t('finding.package'), cell: (f) => [f.package, h('div', { class: 'muted small mono' }, (f.versions || []).join(', '))] },
      { label: t('finding.vuln'), cell: (f) => h('a', { href: '/vulns/' + encodeURIComponent(f.vuln), class: 'mono' }, f.vuln), class: 'nowrap' },
      { label: t('finding.state'), cell: (f) => stateBadge(f.state) },
      { label: t('finding.priority'), cell: (f) => [priorityBadge(f.priority), f.assessment && f.assessment.kev ? [' ', kevBadge()] : null] },
      { label: t('finding.due'), cell: (f) => dueCell(f, lc), class: 'nowrap' },
      { label: t('finding.assignee'), cell: (f) => f.assignee || '' },
      { label: t('finding.firstSeen'), cell: (f) => fmtDate(f.first_seen), class: 'nowrap' },
    ], rows, { empty: t('findings.none'), class: 'findings' }),
    pager(prev, next));
}

// decisionForm moves the state, assigns, or overrides the priority. The
// state list offers only the moves the lifecycle allows from the current
// state; a risk acceptance has its own form, since it needs an approver.
function decisionForm(f, nextStates, lc, done) {
  const stateSel = select('state', [
    ['', t('decide.keepState', { state: label('state', f.state) })],
    ...nextStates.filter((s) => s !== 'risk_accepted').map((s) => [s, label('state', s)]),
  ], '');
  stateSel.id = 'decide-state';
  const assignee = input('assignee', 'text', '', { id: 'decide-assignee', maxlength: 200, placeholder: f.assignee || '' });
  const prio = select('priority', [['', t('decide.keepPriority')], ...[...lc.priorities].reverse().map((p) => [p, label('priority', p)])], '');
  prio.id = 'decide-priority';
  const reason = h('textarea', { name: 'reason', id: 'decide-reason', rows: 3, maxlength: 2000, required: true });
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'decide-submit' }, t('decide.submit'));
  return h('form', {
    class: 'decision', id: 'decision-form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        status.replaceChildren();
        const body = { reason: reason.value.trim() };
        if (stateSel.value) body.state = stateSel.value;
        if (assignee.value.trim()) body.assignee = assignee.value.trim();
        if (prio.value) body.priority = prio.value;
        if (!body.state && !body.assignee && !body.priority) {
          status.append(h('div', { class: 'alert error', role: 'alert' }, t('decide.nothing')));
          return;
        }
        button.disabled = true;
        try {
          await api('POST', '/api/v1/findings/' + f.id + '/decisions', { body });
          done(t('decide.saved'));
        } catch (err) {
          status.append(errorBox(err));
          button.disabled = false;
        }
      },
    },
  },
  h('div', { class: 'grid-form' },
    field(t('decide.state'), stateSel),
    field(t('decide.assignee'), assignee),
    field(t('decide.priority'), prio)),
  field(t('decide.reason'), reason, t('decide.reasonHint')),
  status,
  h('div', { class: 'actions' }, button));
}

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

// acceptanceForm requests a time-limited risk acceptance, which another
// person (the approver) must be allowed to grant.
function acceptanceForm(f, users, done) {
  const approver = input('approver', 'text', '', { id: 'accept-approver', required: true, maxlength: 64, list: users.length ? 'approvers' : undefined, autocomplete: 'off' });
  const controls = h('textarea', { name: 'compensating_controls', id: 'accept-controls', rows: 3, maxlength: 4000, required: true });
  const day = 864e5;
  const until = input('until', 'date', isoDate(new Date(Date.now() + 90 * day)), {
    id: 'accept-until', required: true, min: isoDate(new Date(Date.now() + day)), max: isoDate(new Date(Date.now() + 365 * day)),
  });
  const reason = h('textarea', { name: 'reason', id: 'accept-reason', rows: 3, maxlength: 2000, required: true });
  const status = h('div', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('accept.submit'));
  return h('form', {
    class: 'acceptance', id: 'acceptance-form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        status.replaceChildren();
        button.disabled = true;
        try {
          await api('POST', '/api/v1/findings/' + f.id + '/decisions', {
            body: { reason: reason.value.trim(), acceptance: { approver: approver.value.trim(), compensating_controls: controls.value.trim(), until: until.value } },
          });
          done(t('accept.saved'));
        } catch (err) {
          status.append(errorBox(err));
          button.disabled = false;
        }
      },
    },
  },
  users.length ? h('datalist', { id: 'approvers' }, users.map((u) => h('option', { value: u.name }, u.display || u.name))) : null,
  h('div', { class: 'grid-form' },
    field(t('accept.approver'), approver, t('accept.approverHint')),
    field(t('accept.until'), until)),
  field(t('accept.controls'), controls),
  field(t('accept.reason'), reason),
  status,
  h('div', { class: 'actions' }, button));
}

function assessmentView(as) {
  if (!as) return h('p', { class: 'muted' }, t('assessment.none'));
  const cvss = as.cvss;
  const ssvc = as.ssvc || {};
  return dl([
    [t('finding.priority'), priorityBadge(as.priority)],
    [t('assessment.why'), (as.why || []).length ? h('ul', { class: 'plain' }, as.why.map((w) => h('li', null, w))) : ''],
    [t('assessment.cvss'), cvss ? h('span', null, 'CVSS ' + (cvss.version || ''), ' ', h('strong', null, fmtNumber(cvss.score ?? cvss.base, 1)),
      ' ', mono(cvss.vector || '')) : ''],
    [t('assessment.epss'), as.epss ? t('assessment.epssValue', { score: fmtPercent(as.epss.score, 2), date: fmtDay(as.epss.date) }) : ''],
    [t('assessment.kev'), as.kev ? h('span', null, kevBadge(), ' ', t('assessment.kevValue', { added: fmtDay(as.kev.date_added), due: fmtDay(as.kev.due_date) })) : ''],
    [t('assessment.ssvc'), ssvc.coordinator && ssvc.coordinator.name ? ssvc.coordinator.name + ' (' + ssvc.coordinator.value + ')' : ''],
    [t('assessment.bod'), ssvc.bod_26_04 && ssvc.bod_26_04.name ? ssvc.bod_26_04.name + ' (' + ssvc.bod_26_04.value + ')' : ''],
  ]);
}

// inputsView lists what the assessment rests on, each input with where it
// came from, and the SSVC decision points.
function inputsView(as) {
  if (!as) return h('p', { class: 'muted' }, t('assessment.none'));
  const points = (as.ssvc && as.ssvc.points) || [];
  return [
    table([
      { label: t('assessment.input'), cell: (i) => i.name, class: 'nowrap' },
      { label: t('assessment.value'), cell: (i) => i.value, class: 'wrap' },
      { label: t('assessment.source'), cell: (i) => i.source || '', class: 'wrap muted' },
    ], as.inputs || [], { class: 'inputs' }),
    points.length ? h('details', null, h('summary', null, t('assessment.points')),
      table([
        { label: t('assessment.point'), cell: (p) => mono(p.point), class: 'nowrap' },
        { label: t('assessment.value'), cell: (p) => [p.name || p.value, p.override ? [' ', h('span', { class: 'badge' }, t('assessment.overridden'))] : null] },
        { label: t('assessment.derivedWhy'), cell: (p) => [p.why || '', p.assumed ? h('span', { class: 'muted' }, ' (' + t('assessment.assumed') + ')') : null], class: 'wrap' },
      ], points)) : null,
  ];
}

export async function findingPage({ params, user }) {
  const id = params[0];
  const [data, lc] = await Promise.all([
    api('GET', '/api/v1/findings/' + id, { query: { lang: currentLang() } }),
    getLifecycle(),
  ]);
  // Approvers to suggest: only administrators may list users (user.admin);
  // others type the approver's name.
  let users = [];
  if (user.role === 'admin') {
    try {
      users = (await api('GET', '/api/v1/users')).filter((u) => !u.disabled && u.name !== user.name);
    } catch { /* the form works without suggestions */ }
  }
  const f = data.finding;
  setTitle(t('finding.title', { id: f.id }));
  // The API may say which moves are open (next_states); otherwise the
  // lifecycle the server publishes from the finding package does.
  const nextStates = data.next_states || lc.next[f.state] || [];
  const canAccept = nextStates.includes('risk_accepted') || f.state === 'risk_accepted';
  const done = (msg) => { flash = msg; refresh(); };
  const message = flash;
  flash = null;
  const v = f.explanation || {};
  const acc = f.acceptance;
  const po = f.priority_override;

  return h('article', { class: 'finding' },
    h('div', { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '/findings' }, t('nav.findings'))),
      h('h1', null, t('finding.title', { id: f.id }), ' ', h('span', { class: 'mono' }, f.vuln)),
      h('div', { class: 'badges' }, h('span', { id: 'finding-state' }, stateBadge(f.state)), ' ', priorityBadge(f.priority),
        f.regression ? [' ', h('span', { class: 'badge danger' }, t('finding.regression'))] : null,
        isOverdue(f, lc) ? [' ', h('span', { class: 'badge danger' }, t('finding.overdue'))] : null)),
    message ? h('div', { class: 'alert ok', role: 'status' }, message) : null,
    h('section', { class: 'card', id: 'explanation' }, h('h2', null, t('finding.explanation')),
      h('p', { class: 'explanation', lang: currentLang() }, data.explanation)),
    h('div', { class: 'grid-2' },
      section(t('finding.facts'), dl([
        [t('finding.asset'), h('a', { href: assetHref(f.asset) }, f.asset)],
        [t('finding.vuln'), h('a', { href: '/vulns/' + encodeURIComponent(f.vuln), class: 'mono' }, f.vuln)],
        [t('finding.also'), (f.also || []).join(', ')],
        [t('finding.package'), [f.package, f.ecosystem ? h('span', { class: 'muted' }, ' (' + f.ecosystem + ')') : null]],
        [t('finding.versions'), mono((f.versions || []).join(', '))],
        [t('finding.fixedVersion'), v.fixed_version ? mono(v.fixed_version) : ''],
        [t('finding.purl'), f.purl ? mono(f.purl) : ''],
        [t('finding.state'), stateBadge(f.state)],
        [t('finding.reason'), f.reason],
        [t('finding.assignee'), f.assignee],
        [t('finding.priority'), po ? [priorityBadge(f.priority), ' ', h('span', { class: 'muted' }, t('finding.overriddenBy', { by: po.by, at: fmtDate(po.at), reason: po.reason }))] : priorityBadge(f.priority)],
        [t('finding.due'), f.due ? [dueCell(f, lc), f.due_rule ? h('div', { class: 'muted small' }, f.due_rule) : null] : t('finding.noDue')],
        [t('finding.breached'), fmtDateTime(f.breached)],
        [t('finding.firstSeen'), fmtDateTime(f.first_seen)],
        [t('finding.lastSeen'), fmtDateTime(f.last_seen)],
        [t('finding.updated'), fmtDateTime(f.updated)],
        [t('finding.closed'), fmtDateTime(f.closed)],
        [t('finding.vex'), f.vex ? [f.vex.status, f.vex.justification ? ' (' + f.vex.justification + ')' : '', f.vex.detail ? ': ' + f.vex.detail : '', ' · ', f.vex.source] : ''],
        [t('finding.acceptance'), acc ? dl([
          [t('accept.requester'), acc.requester],
          [t('accept.approver'), acc.approver],
          [t('accept.reason'), acc.reason],
          [t('accept.controls'), acc.compensating_controls],
          [t('accept.granted'), fmtDate(acc.granted)],
          [t('accept.until'), fmtDay(acc.expires)],
        ]) : ''],
      ])),
      section(t('finding.assessment'), assessmentView(f.assessment))),
    h('section', { class: 'card', id: 'inputs' }, h('h2', null, t('assessment.inputs')), inputsView(f.assessment)),
    h('section', { class: 'card', id: 'decide' }, h('h2', null, t('decide.title')),
      decisionForm(f, nextStates, lc, done),
      canAccept ? h('details', { class: 'accept' }, h('summary', null, t('accept.title')), acceptanceForm(f, users, done)) : null),
    h('section', { class: 'card', id: 'history' }, h('h2', null, t('finding.history')),
      table([
        { label: t('audit.at'), cell: (e) => fmtDateTime(e.at), class: 'nowrap' },
        { label: t('audit.actor'), cell: (e) => e.actor },
        { label: t('audit.action'), cell: (e) => label('action', e.action) },
        { label: t('audit.change'), cell: (e) => changeView(e.before, e.after) },
        { label: t('audit.reason'), cell: (e) => e.reason || '' },
      ], [...(data.history || [])].reverse(), { class: 'history', empty: t('finding.noHistory') })));
}
