// Automation (docs/automation.md): event rules, each at its latest
// version (GET /api/v1/rules), a form that saves a new rule or a new
// version of one (POST, PUT /api/v1/rules[/{id}], policy.write), a
// selected rule's versions and runs, a dry-run of the form's rule on past
// events (POST /api/v1/rules/dry-run, which changes nothing), and the
// signed-in user's own watchlist (/api/v1/watches).

import { h } from '../dom.js';
import { t, fmtDateTime, fmtNumber } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { setTitle, table, field, select, input, textarea, checkGroup, submitter, actionButton, section, card, link, mono, formStatus, flash } from '../ui.js';
import { navigate } from '../router.js';

// KINDS are the event kinds a rule may listen to (rules.Kinds).
const KINDS = ['advisory.created', 'advisory.changed', 'finding.created', 'finding.changed', 'sla.near', 'sla.breached',
  'acceptance.expiring', 'incident.opened', 'report.received', 'baseline.drift', 'review.due', 'review.overdue',
  'audit.due', 'audit.overdue', 'sync.failed'];

const WATCH_KINDS = ['vendor', 'product', 'purl', 'cpe', 'keyword'];

function enabledBadge(on) {
  return h('span', { class: ['badge', on ? 'ok' : 'muted'] }, on ? t('rules.enabled') : t('rules.disabled'));
}

function kinds(on) {
  return on && on.length ? mono(on.join(', ')) : h('span', { class: 'muted' }, t('rules.everyKind'));
}

function actionText(a) {
  return `${a.verb}(${(a.args || []).map((s) => JSON.stringify(s)).join(', ')})`;
}

function outcome(o) {
  if (o.error) return h('span', { class: 'badge error', title: o.error }, o.error);
  return (o.actions || []).length ? h('ul', { class: 'plain' }, o.actions.map((a) => h('li', null, mono(actionText(a)))))
    : h('span', { class: 'muted' }, t('rules.noActions'));
}

function rulesTable(list) {
  return table([
    { label: t('rules.name'), cell: (r) => link('/rules?id=' + r.id, r.name) },
    { label: t('rules.on'), cell: (r) => kinds(r.on) },
    { label: t('rules.state'), cell: (r) => enabledBadge(r.enabled) },
    { label: t('rules.version'), cell: (r) => 'v' + r.version, class: 'num' },
    { label: t('rules.by'), cell: (r) => r.by },
    { label: t('rules.at'), cell: (r) => fmtDateTime(r.at), class: 'nowrap' },
  ], list, { class: 'rules', empty: t('rules.none'), row: (r) => ({ dataset: { rule: r.id } }) });
}

function versionsTable(vs) {
  return table([
    { label: t('rules.version'), cell: (r) => 'v' + r.version, class: 'num' },
    { label: t('rules.at'), cell: (r) => fmtDateTime(r.at), class: 'nowrap' },
    { label: t('rules.by'), cell: (r) => r.by },
    { label: t('rules.state'), cell: (r) => enabledBadge(r.enabled) },
    { label: t('rules.when'), cell: (r) => mono(r.when || 'true') },
    { label: t('rules.then'), cell: (r) => mono(r.then) },
    { label: t('rules.reason'), cell: (r) => r.reason || '' },
  ], [...vs].reverse(), { class: 'rule-versions' });
}

function runsTable(runs) {
  return table([
    { label: t('rules.event'), cell: (r) => String(r.event), class: 'num' },
    { label: t('rules.version'), cell: (r) => 'v' + r.version, class: 'num' },
    { label: t('rules.at'), cell: (r) => fmtDateTime(r.at), class: 'nowrap' },
    { label: t('rules.status'), cell: (r) => h('span', { class: ['badge', r.status === 'done' ? 'ok' : r.status === 'failed' ? 'error' : 'warn'] }, t('rules.run.' + r.status)) },
    { label: t('rules.actions'), cell: (r) => outcome(r.outcome) },
    { label: t('rules.results'), cell: (r) => (r.results || []).join('; ') },
  ], runs, { class: 'rule-runs', empty: t('rules.noRuns') });
}

function dryRunView(d) {
  return h('div', { id: 'dry-run-result' },
    h('p', { class: 'dry-run-summary' }, t('rules.dryRunSummary', { evaluated: fmtNumber(d.evaluated), matched: fmtNumber(d.results.length) })),
    table([
      { label: t('rules.event'), cell: (r) => String(r.event), class: 'num' },
      { label: t('rules.kind'), cell: (r) => mono(r.kind) },
      { label: t('rules.object'), cell: (r) => mono(r.object) },
      { label: t('rules.actions'), cell: (r) => outcome(r) },
      { label: t('rules.findings'), cell: (r) => fmtNumber(r.findings || 0), class: 'num' },
    ], d.results, { class: 'dry-run', empty: t('rules.dryRunNone') }));
}

// ruleForm edits rule (null for a new one). The server compiles the rule
// when it is saved and when it is dry-run; a compile error is shown under
// the expression it is in, with the server's line and column.
function ruleForm(rule, canSave, saved) {
  const name = input('name', 'text', rule ? rule.name : '', { id: 'rule-name', maxlength: 200, required: true });
  const on = checkGroup('rule-on', t('rules.on'), KINDS.map((k) => [k, k]), rule ? rule.on || [] : []);
  const when = textarea('when', rule ? rule.when : '', { id: 'rule-when', rows: 3, class: 'mono', spellcheck: 'false' });
  const then = textarea('then', rule ? rule.then : '', { id: 'rule-then', rows: 3, class: 'mono', spellcheck: 'false', required: true });
  const enabled = input('enabled', 'checkbox', '', { id: 'rule-enabled', checked: rule ? rule.enabled : true });
  const reason = input('reason', 'text', '', { id: 'rule-reason', maxlength: 2000 });
  const errs = { when: h('div', { class: 'field-error', id: 'rule-when-error', role: 'alert' }), then: h('div', { class: 'field-error', id: 'rule-then-error', role: 'alert' }) };
  const status = formStatus('rule-status');
  const result = h('div', { id: 'dry-run' });
  const body = () => ({ name: name.value, on: on.values(), when: when.value, then: then.value, enabled: enabled.checked, reason: reason.value });
  const clearErrors = () => { errs.when.replaceChildren(); errs.then.replaceChildren(); };
  // showCheck shows a dry-run answer's compile error at its expression,
  // or another refusal in the status area; it says whether there was one.
  const showCheck = (c) => {
    if (c.error) {
      const box = errs[c.error.part] || errs.then;
      box.dataset.line = c.error.line;
      box.dataset.column = c.error.column;
      box.replaceChildren(h('span', { class: 'badge error' }, t('rules.position', { line: c.error.line, column: c.error.column })), ' ', c.message);
      return true;
    }
    if (c.message) {
      status.append(h('div', { class: 'alert error', role: 'alert' }, c.message));
      return true;
    }
    return false;
  };
  const dryRun = async (limit) => {
    const b = body();
    return api('POST', '/api/v1/rules/dry-run', { body: { name: b.name, on: b.on, when: b.when, then: b.then, limit } });
  };
  const save = h('button', { type: 'submit', class: 'primary', id: 'rule-save', hidden: !canSave }, rule ? t('rules.saveVersion') : t('rules.create'));
  const form = h('form', {
    class: 'card', id: 'rule-form',
    on: {
      submit: submitter(status, save, async () => {
        clearErrors();
        result.replaceChildren();
        try {
          const got = await api(rule ? 'PUT' : 'POST', rule ? '/api/v1/rules/' + rule.id : '/api/v1/rules', { body: body() });
          await saved(got);
        } catch (err) {
          // The save's 422 words the error; the dry-run names its part
          // too, so that it is shown under the right expression.
          if (!(err instanceof ApiError) || err.status !== 422 || !showCheck(await dryRun(1))) throw err;
          save.disabled = false;
        }
      }),
    },
  },
  h('h2', null, rule ? t('rules.edit', { name: rule.name, version: rule.version }) : t('rules.new')),
  h('p', { class: 'muted small' }, t('rules.formIntro')),
  field(t('rules.name'), name),
  on,
  field(t('rules.when'), when, t('rules.whenHint')), errs.when,
  field(t('rules.then'), then, t('rules.thenHint')), errs.then,
  canSave ? field(t('rules.enabled'), enabled) : null,
  canSave ? field(t('rules.reason'), reason) : null,
  status,
  h('div', { class: 'actions' }, save,
    actionButton(t('rules.dryRun'), status, async () => {
      clearErrors();
      result.replaceChildren();
      const c = await dryRun(0);
      if (!showCheck(c)) result.append(dryRunView(c.dry_run));
    }, { id: 'rule-dry-run' })),
  result);
  return form;
}

function watchesCard(ws, refresh) {
  const status = formStatus('watch-status');
  const kind = select('kind', WATCH_KINDS.map((k) => [k, t('rules.watch.' + k)]), 'keyword');
  kind.id = 'watch-kind';
  const value = input('value', 'text', '', { id: 'watch-value', maxlength: 512, required: true });
  const to = input('to', 'text', '', { id: 'watch-to', maxlength: 512, required: true, placeholder: 'me@example.com' });
  const add = h('button', { type: 'submit', class: 'primary', id: 'watch-add' }, t('rules.watchAdd'));
  return card('watches', t('rules.watches'), t('rules.watchesIntro'),
    table([
      { label: t('rules.kind'), cell: (w) => t('rules.watch.' + w.kind) },
      { label: t('rules.watchValue'), cell: (w) => mono(w.value) },
      { label: t('rules.watchTo'), cell: (w) => mono(w.to) },
      { label: t('rules.at'), cell: (w) => fmtDateTime(w.created), class: 'nowrap' },
      {
        label: '', cell: (w) => actionButton(t('rules.watchRemove'), status, async () => {
          await api('DELETE', '/api/v1/watches/' + w.id);
          await refresh();
        }, { dataset: { remove: w.id } }),
      },
    ], ws, { class: 'watches', empty: t('rules.noWatches'), row: (w) => ({ dataset: { watch: w.id } }) }),
    h('form', {
      id: 'watch-form',
      on: {
        submit: submitter(status, add, async () => {
          await api('POST', '/api/v1/watches', { body: { kind: kind.value, value: value.value, to: to.value } });
          await refresh();
        }),
      },
    }, h('div', { class: 'grid-form' }, field(t('rules.kind'), kind), field(t('rules.watchValue'), value), field(t('rules.watchTo'), to)),
    status, h('div', { class: 'actions' }, add)));
}

export async function rulesPage({ query, can, current }) {
  setTitle(t('rules.title'));
  const id = Number(query.get('id')) || 0;
  const [list, ws] = await Promise.all([api('GET', '/api/v1/rules'), api('GET', '/api/v1/watches')]);
  const rule = list.find((r) => r.id === id) || null;
  const [versions, runs] = rule
    ? await Promise.all([api('GET', `/api/v1/rules/${rule.id}/versions`), api('GET', `/api/v1/rules/${rule.id}/runs`)])
    : [null, null];
  const watches = h('div', null);
  // After a change the watch card is drawn again with its own refresh.
  const redraw = async () => {
    const fresh = await api('GET', '/api/v1/watches');
    if (current()) watches.replaceChildren(watchesCard(fresh, redraw));
  };
  watches.append(watchesCard(ws, redraw));
  // A saved rule is shown as the selected one, with its versions.
  const saved = async (got) => {
    flash(t('rules.saved', { name: got.name, version: got.version }));
    navigate('/rules?id=' + got.id);
  };
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('rules.title'))),
    h('p', { class: 'muted' }, t('rules.intro')),
    section(t('rules.list'), rulesTable(list), rule ? h('p', null, link('/rules', t('rules.new'))) : null),
    ruleForm(rule, can('policy.write'), saved),
    rule ? section(t('rules.versions'), versionsTable(versions)) : null,
    rule ? section(t('rules.runs'), runsTable(runs)) : null,
    watches);
}
