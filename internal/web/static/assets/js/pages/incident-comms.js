// An incident's communication tree: its stakeholders with the TLP label
// each is cleared for, the escalation path, messages to the tree by
// e-mail and signed webhook, and the record of every delivery — sent,
// failed, held under an embargo, or withheld beyond a stakeholder's
// clearance — with how many stakeholders were informed. The disclosure
// control is the API's: the UI sends and shows what it decided.
// Everything but reading is finding.triage (the API checks).

import { h } from '../dom.js';
import { t, label, fmtDateTime } from '../i18n.js';
import { api } from '../api.js';
import { refresh } from '../router.js';
import {
  table, field, select, input, textarea, submitter, actionButton, card, folded, formStatus, flash, mono, options, checkGroup,
} from '../ui.js';
import { tlpBadge, TLPS, SEVERITIES } from './incidents.js';

const ROLES = ['commander', 'responder', 'management', 'legal', 'pr', 'operator', 'customer', 'regulator', 'vendor'];
const KINDS = ['briefing', 'new', 'state', 'advisory'];

function deliveryBadge(s) {
  const cls = { sent: 'ok', failed: 'danger', withheld: 'danger', held: 'warn', pending: 'muted', cancelled: 'muted' }[s] || 'muted';
  return h('span', { class: ['badge', cls, 'delivery-status'], dataset: { status: s } }, label('comms.status', s));
}

// counts says what became of a message's deliveries: "1 sent, 1 withheld".
function counts(ds) {
  const by = {};
  for (const d of ds) by[d.status] = (by[d.status] || 0) + 1;
  return Object.entries(by).map(([s, n]) => t('comms.countOf', { n, status: label('comms.status', s) })).join(', ');
}

export function commsSection(x, tree, escalation, deliveries, write) {
  const status = formStatus('comms-status');
  const informed = deliveries.informed;
  return card('communication', t('comms.title'), t('comms.intro'),
    h('h3', null, t('comms.stakeholders')),
    table([
      { label: t('comms.name'), cell: (s) => [s.name, s.external ? h('div', { class: 'muted small' }, t('comms.external')) : null] },
      { label: t('comms.role'), cell: (s) => label('comms.role', s.role) },
      { label: t('comms.reach'), cell: (s) => [s.email ? h('div', null, mono(s.email)) : null, s.webhook ? h('div', { class: 'small' }, t('comms.webhook'), ' ', mono(s.webhook)) : null], class: 'wrap' },
      { label: t('comms.lang'), cell: (s) => label('lang', s.lang) },
      { label: t('comms.clearance'), cell: (s) => tlpBadge(s.clearance) },
      { label: '', cell: (s) => (write ? actionButton(t('comms.remove'), status, async () => {
        await api('DELETE', '/api/v1/incidents/' + x.id + '/stakeholders/' + s.id);
        refresh();
      }, { class: 'secondary small stakeholder-remove' }) : '') },
    ], tree, { class: 'stakeholders', empty: t('comms.noStakeholders'), row: (s) => ({ dataset: { id: String(s.id), name: s.name, clearance: s.clearance } }) }),
    status,
    write ? folded(t('comms.addStakeholder'), stakeholderForm(x)) : null,
    h('h3', null, t('comms.escalation')),
    table([
      { label: t('comms.level'), cell: (l) => String(l.level), class: 'num' },
      { label: t('comms.fromSeverity'), cell: (l) => label('incident.severity', l.severity) },
      { label: t('comms.after'), cell: (l) => (l.after_minutes ? t('comms.afterMinutes', { n: l.after_minutes }) : t('comms.atOnce')) },
      { label: t('comms.notify'), cell: (l) => l.notify.join(', '), class: 'wrap' },
      { label: '', cell: (l) => (write ? actionButton(t('comms.remove'), status, async () => {
        await putLevels(x, escalation.levels.filter((o) => o !== l));
        refresh();
      }, { class: 'secondary small level-remove' }) : '') },
    ], escalation.levels || [], { class: 'escalation', empty: t('comms.noEscalation'), row: (l) => ({ dataset: { level: String(l.level) } }) }),
    write && tree.length ? folded(t('comms.addLevel'), levelForm(x, tree, escalation.levels || [])) : null,
    write ? h('div', { class: 'actions' },
      actionButton(t('comms.acknowledge'), status, async () => {
        const a = await api('POST', '/api/v1/incidents/' + x.id + '/acknowledgements', { body: {} });
        flash(t('comms.acknowledged', { by: a.by, at: fmtDateTime(a.at) }));
        refresh();
      }, { id: 'acknowledge' }),
      actionButton(t('comms.escalateNow'), status, async () => {
        const got = await api('POST', '/api/v1/incidents/' + x.id + '/escalations');
        flash(got.items.length ? t('comms.escalated', { what: counts(got.items) }) : t('comms.nothingToEscalate'));
        refresh();
      }, { id: 'escalate' })) : null,
    write && tree.length ? folded(t('comms.send'), sendForm(x, tree), { id: 'send-message' }) : null,
    h('h3', null, t('comms.deliveries')),
    informed ? h('p', { id: 'informed', dataset: { informed: String(informed.informed), stakeholders: String(informed.stakeholders) } },
      t('comms.informed', { informed: informed.informed, stakeholders: informed.stakeholders })) : null,
    table([
      { label: t('comms.at'), cell: (d) => fmtDateTime(d.created), class: 'nowrap' },
      { label: t('comms.to'), cell: (d) => [d.name, h('div', { class: 'muted small' }, label('comms.channel', d.channel), ' ', mono(d.address))], class: 'wrap' },
      { label: t('comms.kind'), cell: (d) => [label('comms.kind', d.kind), d.level ? ' ' + t('comms.levelN', { n: d.level }) : ''] },
      { label: t('comms.subject'), cell: (d) => [d.subject, d.text ? h('div', { class: 'muted small' }, d.text) : null], class: 'wrap' },
      {
        label: t('comms.statusLabel'),
        cell: (d) => [deliveryBadge(d.status), d.held_until ? h('div', { class: 'small' }, t('comms.heldUntil', { until: fmtDateTime(d.held_until) })) : null,
          d.reason ? h('div', { class: 'muted small reason' }, d.reason) : null],
        class: 'wrap',
      },
      { label: t('comms.attempts'), cell: (d) => String(d.attempts), class: 'num' },
    ], [...deliveries.items].reverse(), { class: 'deliveries', empty: t('comms.noDeliveries'), row: (d) => ({ dataset: { id: String(d.id), status: d.status, name: d.name, channel: d.channel } }) }));
}

function putLevels(x, levels) {
  return api('PUT', '/api/v1/incidents/' + x.id + '/escalation', {
    body: { levels: levels.map((l) => ({ level: l.level, severity: l.severity, after_minutes: l.after_minutes || 0, notify: l.notify })) },
  });
}

function stakeholderForm(x) {
  const name = input('name', 'text', '', { id: 'stakeholder-name', required: true, maxlength: 200 });
  const role = select('role', options('comms.role', ROLES), 'responder');
  role.id = 'stakeholder-role';
  const email = input('email', 'email', '', { id: 'stakeholder-email', maxlength: 254 });
  const webhook = input('webhook', 'url', '', { id: 'stakeholder-webhook', maxlength: 2048, placeholder: 'https://' });
  const lang = select('lang', options('lang', ['en', 'zh-CN']), 'en');
  lang.id = 'stakeholder-lang';
  const clearance = select('clearance', TLPS.map((v) => [v, 'TLP:' + v]), (x.marking && x.marking.tlp) || 'AMBER');
  clearance.id = 'stakeholder-clearance';
  const external = input('external', 'checkbox', '', { id: 'stakeholder-external' });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'stakeholder-submit' }, t('comms.addStakeholder'));
  return h('form', {
    id: 'stakeholder-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { name: name.value.trim(), role: role.value, lang: lang.value, clearance: clearance.value, external: external.checked };
        if (email.value.trim()) body.email = email.value.trim();
        if (webhook.value.trim()) body.webhook = webhook.value.trim();
        const got = await api('POST', '/api/v1/incidents/' + x.id + '/stakeholders', { body });
        // The webhook's signing secret is in this answer only.
        if (got.webhook_secret) {
          flash(t('comms.secretOnce', { name: got.stakeholder.name }), ' ', h('code', { id: 'webhook-secret', class: 'mono' }, got.webhook_secret));
        }
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' },
    field(t('comms.name'), name), field(t('comms.role'), role),
    field(t('comms.email'), email), field(t('comms.webhookURL'), webhook, t('comms.webhookHint')),
    field(t('comms.lang'), lang), field(t('comms.clearance'), clearance, t('comms.clearanceHint'))),
  field(t('comms.externalLabel'), external),
  status, h('div', { class: 'actions' }, button));
}

function levelForm(x, tree, levels) {
  const next = levels.reduce((m, l) => Math.max(m, l.level), 0) + 1;
  const level = input('level', 'number', next, { id: 'level-number', min: 1, max: 99, required: true });
  const severity = select('severity', options('incident.severity', SEVERITIES), 'high');
  severity.id = 'level-severity';
  const after = input('after_minutes', 'number', 0, { id: 'level-after', min: 0, max: 43200 });
  const notify = checkGroup('level-notify', t('comms.notify'), tree.map((s) => [s.name, s.name]), []);
  notify.id = 'level-notify';
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'level-submit' }, t('comms.addLevel'));
  return h('form', {
    id: 'level-form',
    on: {
      submit: submitter(status, button, async () => {
        const l = { level: Number(level.value), severity: severity.value, after_minutes: Number(after.value || 0), notify: notify.values() };
        await putLevels(x, [...levels.filter((o) => o.level !== l.level), l].sort((a, b) => a.level - b.level));
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' }, field(t('comms.level'), level), field(t('comms.fromSeverity'), severity), field(t('comms.afterLabel'), after, t('comms.afterHint'))),
  notify, status, h('div', { class: 'actions' }, button));
}

function sendForm(x, tree) {
  const kind = select('kind', options('comms.kind', KINDS), 'briefing');
  kind.id = 'message-kind';
  const text = textarea('text', '', { id: 'message-text', rows: 3, maxlength: 16384 });
  const to = checkGroup('message-to', t('comms.recipients'), tree.map((s) => [s.name, s.name + ' (TLP:' + s.clearance + ')']), []);
  to.id = 'message-to';
  const tlp = select('tlp', [['', t('comms.incidentMarking')], ...TLPS.map((v) => [v, 'TLP:' + v])], '');
  tlp.id = 'message-tlp';
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'message-submit' }, t('comms.sendButton'));
  return h('form', {
    id: 'message-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { kind: kind.value };
        if (text.value.trim()) body.text = text.value.trim();
        const names = to.values();
        if (names.length) body.to = names;
        if (tlp.value) body.tlp = tlp.value;
        const got = await api('POST', '/api/v1/incidents/' + x.id + '/notifications', { body });
        flash(t('comms.sent', { what: counts(got.items) }));
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' }, field(t('comms.kind'), kind), field(t('comms.messageTLP'), tlp, t('comms.messageTLPHint'))),
  field(t('comms.text'), text), to,
  h('p', { class: 'muted small' }, t('comms.recipientsHint')),
  status, h('div', { class: 'actions' }, button));
}
