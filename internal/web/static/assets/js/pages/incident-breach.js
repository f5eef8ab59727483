// A personal data breach: what an incident's personal data is (the
// categories, how many people, the jurisdictions, when the organisation
// became aware), each jurisdiction's notification deadline and where it
// stands, and management's decision record for each: notify, not notify
// (with the reason), or notified (when, the regulator's reference, and
// the reasons for a delay). Recording the facts is finding.triage; the
// decisions are finding.accept (the API checks both).

import { h } from '../dom.js';
import { t, label, fmtDateTime, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { refresh } from '../router.js';
import {
  table, field, select, input, textarea, submitter, splitList, localISO, toLocal, nowLocal, card, folded, formStatus, mono, options,
  checkGroup,
} from '../ui.js';

const CATEGORIES = ['contact', 'identity', 'credentials', 'financial', 'communications', 'location', 'health', 'biometric', 'genetic', 'minors',
  'racial_ethnic', 'political', 'religious', 'trade_union', 'sex_life', 'criminal', 'other'];
const ACTIONS = ['notify', 'no_notify', 'notified'];

function statusBadge(s) {
  const cls = { pending: 'warn', overdue: 'danger', notified: 'ok', notified_late: 'warn', not_notifying: 'muted', not_applicable: 'muted', no_rule: 'muted' }[s] || 'muted';
  return h('span', { class: ['badge', cls, 'obligation-status'], dataset: { status: s } }, label('breach.status', s));
}

function within(rule) {
  return rule.hours ? t('unit.hours', { n: rule.hours }) : t('unit.days', { n: rule.days });
}

function decisionText(d) {
  if (!d) return '';
  return h('div', { class: 'small' }, h('strong', null, label('breach.action', d.action)), ' ',
    t('rca.decidedBy', { by: d.decided_by, at: fmtDateTime(d.decided) }),
    d.notified_at ? h('div', null, t('breach.notifiedAt', { at: fmtDateTime(d.notified_at) }), d.reference ? [' · ', mono(d.reference)] : null) : null,
    d.reason ? h('div', { class: 'muted' }, d.reason) : null,
    d.delay_reason ? h('div', { class: 'muted' }, t('breach.delay', { reason: d.delay_reason })) : null);
}

export function breachSection(x, b, write, decide) {
  const f = b.facts;
  const head = f.personal_data
    ? h('p', { id: 'breach-summary' },
      h('span', { class: 'badge danger' }, t('incident.personalDataBadge')),
      b.sensitive ? [' ', h('span', { class: 'badge danger', id: 'breach-sensitive' }, t('breach.sensitive'))] : null,
      b.overdue ? [' ', h('span', { class: 'badge danger', id: 'breach-overdue' }, t('breach.overdue'))] : null,
      ' ', t('breach.facts', {
        categories: (f.data_categories || []).map((c) => label('breach.category', c)).join(', ') || t('common.none'),
        subjects: f.data_subjects ? fmtNumber(f.data_subjects, 0) : t('breach.subjectsUnknown'),
        aware: fmtDateTime(f.aware || x.detected),
      }))
    : h('p', { class: 'muted', id: 'breach-summary' }, t('breach.notFlagged'));
  return card('breach', t('breach.title'), t('breach.intro'), head,
    f.personal_data ? table([
      { label: t('breach.jurisdiction'), cell: (o) => mono(o.jurisdiction), class: 'nowrap' },
      { label: t('breach.law'), cell: (o) => (o.rule ? [o.rule.law, h('div', { class: 'muted small' }, o.rule.authority)] : t('breach.status.no_rule')), class: 'wrap' },
      {
        label: t('breach.deadlineLabel'),
        cell: (o) => (o.rule && o.deadline ? t('breach.deadline', { deadline: fmtDateTime(o.deadline), within: within(o.rule) }) : ''),
        class: 'wrap',
      },
      { label: t('breach.statusLabel'), cell: (o) => statusBadge(o.status) },
      { label: t('breach.decision'), cell: (o) => decisionText(o.decision), class: 'wrap' },
    ], b.obligations, { class: 'obligations', empty: t('breach.noJurisdictions'), row: (o) => ({ dataset: { jurisdiction: o.jurisdiction, status: o.status } }) }) : null,
    write ? folded(f.personal_data ? t('breach.changeFacts') : t('breach.flag'), factsForm(x, f)) : null,
    decide && f.personal_data && (f.jurisdictions || []).length ? folded(t('breach.decide'), decisionForm(x, f)) : null,
    b.decisions.length ? [h('h3', null, t('breach.decisions')), table([
      { label: t('breach.jurisdiction'), cell: (d) => mono(d.jurisdiction) },
      { label: t('breach.decision'), cell: decisionText, class: 'wrap' },
      { label: t('breach.authority'), cell: (d) => d.authority || '', class: 'wrap small' },
    ], [...b.decisions].reverse(), { class: 'breach-decisions' })] : null);
}

function factsForm(x, f) {
  const personal = input('personal_data', 'checkbox', '', { id: 'breach-personal', checked: true });
  const aware = input('aware', 'datetime-local', toLocal(f.aware), { id: 'breach-aware' });
  const categories = checkGroup('data_categories', t('breach.categories'), options('breach.category', CATEGORIES), f.data_categories || []);
  categories.id = 'breach-categories';
  const subjects = input('data_subjects', 'number', f.data_subjects || '', { id: 'breach-subjects', min: 0, step: 1 });
  const jurisdictions = input('jurisdictions', 'text', (f.jurisdictions || []).join(', '), { id: 'breach-jurisdictions', maxlength: 2000, placeholder: 'EU, CN' });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'breach-submit' }, t('breach.save'));
  return h('form', {
    id: 'breach-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { personal_data: personal.checked, data_categories: categories.values(), jurisdictions: splitList(jurisdictions.value).map((j) => j.toUpperCase()) };
        if (aware.value) body.aware = localISO(aware.value);
        if (subjects.value) body.data_subjects = Number(subjects.value);
        await api('PUT', '/api/v1/incidents/' + x.id + '/breach', { body });
        refresh();
      }),
    },
  },
  field(t('incident.personalData'), personal),
  h('div', { class: 'grid-form' },
    field(t('breach.aware'), aware, t('breach.awareHint')), field(t('breach.subjects'), subjects, t('breach.subjectsHint')),
    field(t('breach.jurisdictions'), jurisdictions, t('breach.jurisdictionsHint'))),
  categories,
  status, h('div', { class: 'actions' }, button));
}

function decisionForm(x, f) {
  const jurisdiction = select('jurisdiction', f.jurisdictions.map((j) => [j, j]), f.jurisdictions[0]);
  jurisdiction.id = 'breach-decision-jurisdiction';
  const action = select('action', options('breach.action', ACTIONS), 'notify');
  action.id = 'breach-decision-action';
  const reason = textarea('reason', '', { id: 'breach-decision-reason', rows: 2, maxlength: 4096 });
  const authority = input('authority', 'text', '', { id: 'breach-decision-authority', maxlength: 4096, placeholder: t('breach.authorityHint') });
  const reference = input('reference', 'text', '', { id: 'breach-decision-reference', maxlength: 500 });
  const notifiedAt = input('notified_at', 'datetime-local', nowLocal(), { id: 'breach-decision-notified-at' });
  const delay = textarea('delay_reason', '', { id: 'breach-decision-delay', rows: 2, maxlength: 4096 });
  const notifiedFields = [field(t('breach.reference'), reference), field(t('breach.notifiedAtLabel'), notifiedAt), field(t('breach.delayReason'), delay, t('breach.delayHint'))];
  const show = () => notifiedFields.forEach((el) => { el.hidden = action.value !== 'notified'; });
  action.addEventListener('change', show);
  show();
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'breach-decision-submit' }, t('breach.record'));
  return h('form', {
    id: 'breach-decision-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { jurisdiction: jurisdiction.value, action: action.value };
        if (reason.value.trim()) body.reason = reason.value.trim();
        if (authority.value.trim()) body.authority = authority.value.trim();
        if (action.value === 'notified') {
          if (reference.value.trim()) body.reference = reference.value.trim();
          if (notifiedAt.value) body.notified_at = localISO(notifiedAt.value);
          if (delay.value.trim()) body.delay_reason = delay.value.trim();
        }
        await api('POST', '/api/v1/incidents/' + x.id + '/breach/decisions', { body });
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' }, field(t('breach.jurisdiction'), jurisdiction), field(t('breach.decision'), action), field(t('breach.authority'), authority)),
  field(t('breach.reason'), reason, t('breach.reasonHint')),
  h('div', { class: 'grid-form' }, notifiedFields),
  status, h('div', { class: 'actions' }, button));
}
