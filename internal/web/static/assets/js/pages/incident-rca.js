// An incident's root-cause analysis (SAMM VM3): the free text, the
// causes (technical with their CWE, component and configuration, or of
// people and process), "where else?" per cause, the recommendations with
// their owners and due days, and management's review of each: schedule
// the fix, which opens a task, or accept the risk until a day. Writing is
// finding.triage; deciding is finding.accept, offered only to those who
// hold it (the API checks both).

import { h } from '../dom.js';
import { t, label, fmtDateTime, fmtDay } from '../i18n.js';
import { api } from '../api.js';
import { refresh } from '../router.js';
import {
  table, field, select, input, textarea, submitter, actionButton, card, folded, formStatus, flash, mono, options, day,
} from '../ui.js';
import { TASK_KINDS } from './incidents.js';

// The kinds of cause (incident.CauseKinds), technical and of people and
// process.
const TECHNICAL = ['code_vulnerability', 'misconfiguration', 'missing_patch', 'vulnerable_component', 'design_weakness', 'monitoring_gap', 'other_technical'];
const PEOPLE = ['social_engineering', 'procedure_not_followed', 'missing_procedure', 'missing_training', 'human_error', 'third_party', 'insufficient_resources', 'other_process'];

function component(c) {
  const p = c.component;
  if (!p) return '';
  return mono(p.purl || [p.ecosystem, p.name + (p.version ? '@' + p.version : '')].filter(Boolean).join(' '));
}

function causeName(a, id) {
  const c = a.causes.find((x) => x.id === id);
  return c ? '#' + c.id + ' ' + label('rca.cause', c.kind) : '';
}

function statusBadge(r) {
  const cls = { undecided: 'warn', scheduled: 'muted', implemented: 'ok', risk_accepted: 'muted', review_due: 'danger' }[r.status] || 'muted';
  return [h('span', { class: ['badge', cls, 'rec-status'], dataset: { status: r.status } }, label('rca.status', r.status)),
    r.overdue ? [' ', h('span', { class: 'badge danger rec-overdue' }, t('rca.overdue'))] : null];
}

function decisionText(r) {
  const d = (r.decisions || []).at(-1);
  if (!d) return '';
  return h('div', { class: 'small decision' },
    h('strong', null, label('rca.decision', d.decision)), ' ', t('rca.decidedBy', { by: d.decided_by, at: fmtDateTime(d.decided) }),
    d.decision === 'schedule' && r.task ? h('div', null, t('rca.fixTask', { id: r.task.id, owner: r.task.owner, due: r.task.due ? fmtDay(r.task.due) : t('common.none') })) : null,
    d.decision === 'accept_risk' ? h('div', null, t('rca.acceptedUntil', { until: fmtDay(d.expires) })) : null,
    d.reason ? h('div', { class: 'muted' }, d.reason) : null);
}

export function rcaSection(x, a, write, decide) {
  const whereElse = h('div', { id: 'where-else' });
  return card('rca', t('rca.title'), t('rca.intro'),
    h('p', { id: 'rca-documented' }, a.documented
      ? h('span', { class: 'badge ok', dataset: { documented: 'true' } }, t('rca.documented'))
      : h('span', { class: 'badge warn', dataset: { documented: 'false' } }, t('rca.undocumented'))),
    a.text ? h('div', { class: 'rca-text' }, h('p', { class: 'pre' }, a.text), h('p', { class: 'muted small' }, t('rca.updated', { by: a.updated_by, at: fmtDateTime(a.updated) }))) : null,
    write ? folded(a.text ? t('rca.editText') : t('rca.writeText'), textForm(x, a)) : null,
    h('h3', null, t('rca.causes')),
    table([
      { label: '#', cell: (c) => String(c.id), class: 'num' },
      { label: t('rca.kind'), cell: (c) => [label('rca.cause', c.kind), h('div', { class: 'muted small' }, t(TECHNICAL.includes(c.kind) ? 'rca.technical' : 'rca.people'))] },
      { label: 'CWE', cell: (c) => (c.cwe ? [mono(c.cwe), c.cwe_name ? h('div', { class: 'small' }, c.cwe_name) : null] : ''), class: 'wrap' },
      { label: t('rca.component'), cell: component, class: 'wrap' },
      { label: t('rca.configuration'), cell: (c) => (c.configuration ? mono(c.configuration) : ''), class: 'wrap' },
      { label: t('rca.description'), cell: (c) => c.description, class: 'wrap' },
      { label: '', cell: (c) => whereElseButton(x, c, whereElse, write), class: 'nowrap' },
    ], a.causes, { class: 'causes', empty: t('rca.noCauses'), row: (c) => ({ dataset: { id: String(c.id), cwe: c.cwe || '' } }) }),
    whereElse,
    write ? folded(t('rca.addCause'), causeForm(x)) : null,
    h('h3', null, t('rca.recommendations')),
    table([
      { label: t('rca.recommendation'), cell: (r) => r.text, class: 'wrap' },
      { label: t('rca.cause'), cell: (r) => (r.cause ? causeName(a, r.cause) : ''), class: 'small' },
      { label: t('rca.owner'), cell: (r) => r.owner },
      { label: t('rca.due'), cell: (r) => (r.due ? fmtDay(r.due) : ''), class: 'nowrap' },
      { label: t('rca.status'), cell: statusBadge },
      {
        label: t('rca.review'),
        cell: (r) => [decisionText(r), decide && (r.status === 'undecided' || r.status === 'review_due') ? decisionForm(x, r) : null],
        class: 'wrap',
      },
    ], a.recommendations, { class: 'recommendations', empty: t('rca.noRecommendations'), row: (r) => ({ dataset: { id: String(r.id), status: r.status } }) }),
    write ? folded(t('rca.addRecommendation'), recommendationForm(x, a)) : null);
}

function textForm(x, a) {
  const text = textarea('text', a.text, { id: 'rca-text', rows: 6, maxlength: 65536 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'rca-text-submit' }, t('rca.saveText'));
  return h('form', {
    id: 'rca-text-form',
    on: {
      submit: submitter(status, button, async () => {
        await api('PUT', '/api/v1/incidents/' + x.id + '/rca/text', { body: { text: text.value.trim() } });
        refresh();
      }),
    },
  }, field(t('rca.text'), text, t('rca.textHint')), status, h('div', { class: 'actions' }, button));
}

function causeForm(x) {
  const kind = h('select', { name: 'kind', id: 'cause-kind' },
    h('optgroup', { label: t('rca.technical') }, options('rca.cause', TECHNICAL).map(([v, l]) => h('option', { value: v }, l))),
    h('optgroup', { label: t('rca.people') }, options('rca.cause', PEOPLE).map(([v, l]) => h('option', { value: v }, l))));
  const cwe = input('cwe', 'text', '', { id: 'cause-cwe', maxlength: 20, placeholder: 'CWE-434', class: 'short' });
  const purl = input('purl', 'text', '', { id: 'cause-purl', maxlength: 500, placeholder: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' });
  const configuration = input('configuration', 'text', '', { id: 'cause-configuration', maxlength: 1000, placeholder: 'exposure=internet team=payments' });
  const description = textarea('description', '', { id: 'cause-description', required: true, maxlength: 4096 });
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'cause-submit' }, t('rca.addCause'));
  return h('form', {
    id: 'cause-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { kind: kind.value, description: description.value.trim() };
        if (cwe.value.trim()) body.cwe = cwe.value.trim();
        if (purl.value.trim()) body.component = { purl: purl.value.trim() };
        if (configuration.value.trim()) body.configuration = configuration.value.trim();
        await api('POST', '/api/v1/incidents/' + x.id + '/rca/causes', { body });
        refresh();
      }),
    },
  },
  h('div', { class: 'grid-form' },
    field(t('rca.kind'), kind), field('CWE', cwe, t('rca.cweHint')),
    field(t('rca.component'), purl, t('rca.componentHint')), field(t('rca.configuration'), configuration, t('rca.configurationHint'))),
  field(t('rca.description'), description),
  status, h('div', { class: 'actions' }, button));
}

function recommendationForm(x, a) {
  const text = textarea('text', '', { id: 'rec-text', required: true, maxlength: 4096 });
  const owner = input('owner', 'text', '', { id: 'rec-owner', required: true, maxlength: 200 });
  const due = input('due', 'date', '', { id: 'rec-due' });
  const cause = select('cause', [['', t('common.none')], ...a.causes.map((c) => [String(c.id), '#' + c.id + ' ' + label('rca.cause', c.kind) + (c.cwe ? ' ' + c.cwe : '')])], '');
  cause.id = 'rec-cause';
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary', id: 'rec-submit' }, t('rca.addRecommendation'));
  return h('form', {
    id: 'rec-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { text: text.value.trim(), owner: owner.value.trim() };
        if (due.value) body.due = due.value;
        if (cause.value) body.cause = Number(cause.value);
        await api('POST', '/api/v1/incidents/' + x.id + '/rca/recommendations', { body });
        refresh();
      }),
    },
  },
  field(t('rca.recommendation'), text),
  h('div', { class: 'grid-form' }, field(t('rca.owner'), owner, t('rca.ownerHint')), field(t('rca.due'), due), field(t('rca.cause'), cause)),
  status, h('div', { class: 'actions' }, button));
}

// decisionForm is management's review of one recommendation; the fields
// of the other kind of decision are hidden.
function decisionForm(x, r) {
  const kind = select('decision', options('rca.decision', ['schedule', 'accept_risk']), 'schedule');
  kind.classList.add('decision-kind');
  const reason = textarea('reason', '', { class: 'decision-reason', rows: 2, maxlength: 4096 });
  const owner = input('owner', 'text', '', { class: 'decision-owner', maxlength: 200, placeholder: r.owner });
  const due = input('due', 'date', day(r.due), { class: 'decision-due' });
  const taskKind = select('task_kind', options('incident.taskKind', TASK_KINDS), 'change');
  taskKind.classList.add('decision-task-kind');
  const expires = input('expires', 'date', '', { class: 'decision-expires' });
  const scheduleFields = [field(t('rca.fixOwner'), owner, t('rca.fixOwnerHint')), field(t('rca.fixDue'), due), field(t('rca.taskKind'), taskKind)];
  const acceptFields = [field(t('rca.expires'), expires, t('rca.expiresHint'))];
  const show = () => {
    scheduleFields.forEach((f) => { f.hidden = kind.value !== 'schedule'; });
    acceptFields.forEach((f) => { f.hidden = kind.value !== 'accept_risk'; });
  };
  kind.addEventListener('change', show);
  show();
  const status = formStatus();
  const button = h('button', { type: 'submit', class: 'primary decision-submit' }, t('rca.decide'));
  return folded(t('rca.decide'), h('form', {
    class: 'decision-form',
    on: {
      submit: submitter(status, button, async () => {
        const body = { decision: kind.value };
        if (reason.value.trim()) body.reason = reason.value.trim();
        if (kind.value === 'schedule') {
          if (owner.value.trim()) body.owner = owner.value.trim();
          if (due.value) body.due = due.value;
          body.task_kind = taskKind.value;
        } else if (expires.value) {
          body.expires = expires.value;
        }
        await api('POST', '/api/v1/incidents/' + x.id + '/rca/recommendations/' + r.id + '/decisions', { body });
        refresh();
      }),
    },
  }, field(t('rca.decisionLabel'), kind), field(t('rca.reason'), reason, t('rca.reasonHint')), scheduleFields, acceptFields,
  status, h('div', { class: 'actions' }, button)), { class: 'decide' });
}

// whereElseButton loads, under the causes, the assets where the cause
// may be too, each with why, and offers to open tasks for them.
function whereElseButton(x, c, box, write) {
  const status = formStatus();
  return [actionButton(t('rca.whereElse'), status, async () => {
    box.replaceChildren();
    const got = await api('GET', '/api/v1/incidents/' + x.id + '/rca/causes/' + c.id + '/where-else');
    box.replaceChildren(whereElsePanel(x, c, got.hits, write));
  }, { class: 'secondary small where-else' }), status];
}

function whereElsePanel(x, c, hits, write) {
  const status = formStatus();
  const open = hits.filter((hit) => !hit.in_incident && !hit.task);
  return h('div', { class: 'where-else-panel', dataset: { cause: String(c.id) } },
    h('h4', null, t('rca.whereElseFor', { id: c.id, kind: label('rca.cause', c.kind) })),
    table([
      { label: t('rca.asset'), cell: (hit) => [h('a', { href: '/inventory/' + encodeURIComponent(hit.asset.name) }, hit.asset.name), hit.asset.team ? h('div', { class: 'muted small' }, hit.asset.team) : null] },
      { label: t('rca.match'), cell: (hit) => label('rca.match', hit.match) },
      { label: t('rca.why'), cell: (hit) => hit.reason, class: 'wrap' },
      { label: t('rca.finding'), cell: (hit) => (hit.finding ? [h('a', { href: '/findings/' + hit.finding }, '#' + hit.finding), hit.vuln ? [' ', mono(hit.vuln)] : null] : '') },
      {
        label: t('rca.taskState'),
        cell: (hit) => (hit.in_incident ? t('rca.inIncident') : hit.task ? t('rca.taskOpened', { id: hit.task }) : h('span', { class: 'muted' }, t('rca.noTask'))),
        class: 'small',
      },
    ], hits, { class: 'where-else-hits', empty: t('rca.nowhereElse'), row: (hit) => ({ dataset: { asset: hit.asset.name, match: hit.match } }) }),
    write && open.length ? h('div', { class: 'actions' }, actionButton(t('rca.openTasks', { n: new Set(open.map((hit) => hit.asset.name)).size }), status, async () => {
      const got = await api('POST', '/api/v1/incidents/' + x.id + '/rca/causes/' + c.id + '/where-else/tasks', { body: {} });
      flash(t('rca.tasksOpened', { n: got.items.length }));
      refresh();
    }, { class: 'primary', id: 'where-else-tasks' })) : null,
    status);
}
