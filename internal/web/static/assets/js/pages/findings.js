// Findings: the filtered list, and one finding with its plain-language
// explanation, assessment, history and the decision forms.

import { h } from '../dom.js';
import { t, label, currentLang, fmtDate, fmtDay, fmtDateTime, fmtNumber, fmtPercent } from '../i18n.js';
import { api } from '../api.js';
import { navigate, refresh, pathWith } from '../router.js';
import {
  setTitle, table, dl, section, field, select, input, pager, errorBox, stateBadge, priorityBadge, kevBadge,
  getLifecycle, mono, changeView, checkGroup, listParam, flag, reportLinks,
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

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const SSVC = ['act', 'attend', 'track*', 'track'];
const PRIORITIES = ['critical', 'high', 'medium', 'low'];

// SORTS are the orders offered; '' is the API's default, by number.
const SORTS = [
  ['', 'findings.sort.id'],
  ['-priority', 'findings.sort.priority'],
  ['due', 'findings.sort.due'],
  ['-first_seen', 'findings.sort.firstSeen'],
  ['-last_seen', 'findings.sort.lastSeen'],
  ['-epss', 'findings.sort.epss'],
  ['-score', 'findings.sort.score'],
];

// findingFilters reads the list's filters from the page's query, keeping
// only values the API accepts. They are the API's own parameters, so the
// same object asks for the list and for its report.
function findingFilters(query, lc) {
  const state = query.get('state') || '';
  const epss = Number(query.get('epss_min'));
  const sort = query.get('sort') || '';
  const priority = query.get('priority') || '';
  return {
    state: lc.states.includes(state) ? state : '',
    all: flag(query, 'all') && !state,
    asset: query.get('asset') || '',
    vuln: query.get('vuln') || '',
    team: query.get('team') || '',
    q: query.get('q') || '',
    priority: PRIORITIES.includes(priority) ? priority : '',
    overdue: flag(query, 'overdue'),
    kev: flag(query, 'kev'),
    severity: listParam(query, 'severity', SEVERITIES).join(','),
    ssvc: listParam(query, 'ssvc', SSVC).join(','),
    epss_min: epss > 0 && epss <= 1 ? epss : '',
    sort: SORTS.some(([v]) => v === sort) ? sort : '',
  };
}

export async function findingListPage({ query, can }) {
  setTitle(t('nav.findings'));
  const lc = await getLifecycle();
  const f = findingFilters(query, lc);
  const after = query.get('after') || '';
  const key = JSON.stringify(f);
  if (cursors.key !== key || !after) { cursors.key = key; cursors.stack = []; }

  const page = await api('GET', '/api/v1/findings', { query: { ...f, after, limit: 50 } });

  // The state filter: open findings (the API's default), every finding,
  // or one state.
  const stateSel = select('state', [
    ['', t('findings.openOnly')],
    ['*', t('findings.allStates')],
    ...lc.states.map((s) => [s, label('state', s)]),
  ], f.state || (f.all ? '*' : ''));
  stateSel.id = 'filter-state';
  const qIn = input('q', 'search', f.q, { id: 'filter-q', maxlength: 200, placeholder: t('findings.searchPlaceholder') });
  const assetIn = input('asset', 'text', f.asset, { id: 'filter-asset', maxlength: 512 });
  const vulnIn = input('vuln', 'text', f.vuln, { id: 'filter-vuln', maxlength: 128 });
  const teamIn = input('team', 'text', f.team, { id: 'filter-team', maxlength: 200 });
  const prioSel = select('priority', [['', t('findings.anyPriority')], ...PRIORITIES.map((p) => [p, label('priority', p)])], f.priority);
  prioSel.id = 'filter-priority';
  const overdueIn = input('overdue', 'checkbox', '', { id: 'filter-overdue', checked: f.overdue });
  const kevIn = input('kev', 'checkbox', '', { id: 'filter-kev', checked: f.kev });
  const sevIn = checkGroup('severity', t('findings.severity'), SEVERITIES.map((s) => [s, label('sev', s)]), f.severity.split(','));
  const ssvcIn = checkGroup('ssvc', t('findings.ssvc'), SSVC.map((s) => [s, label('ssvcOutcome', s)]), f.ssvc.split(','));
  const epssIn = input('epss_min', 'number', f.epss_min ? String(Math.round(f.epss_min * 1000) / 10) : '',
    { id: 'filter-epss', min: 0, max: 100, step: 'any', inputmode: 'decimal', class: 'short' });
  const sortSel = select('sort', SORTS.map(([v, k]) => [v, t(k)]), f.sort);
  sortSel.id = 'filter-sort';
  const read = () => {
    const s = stateSel.value;
    const epss = Number(epssIn.value);
    return {
      state: s === '*' ? '' : s, all: s === '*', asset: assetIn.value.trim(), vuln: vulnIn.value.trim(), team: teamIn.value.trim(),
      q: qIn.value.trim(), priority: prioSel.value, overdue: overdueIn.checked, kev: kevIn.checked,
      severity: sevIn.values().join(','), ssvc: ssvcIn.values().join(','),
      epss_min: epssIn.value !== '' && epss > 0 ? Math.min(epss, 100) / 100 : '', sort: sortSel.value,
    };
  };
  const form = h('form', {
    class: 'filters', role: 'search', id: 'finding-filters',
    on: { submit: (ev) => { ev.preventDefault(); navigate(pathWith('/findings', read())); } },
  },
  field(t('findings.search'), qIn),
  field(t('finding.state'), stateSel),
  field(t('finding.priority'), prioSel),
  field(t('finding.asset'), assetIn),
  field(t('finding.vuln'), vulnIn),
  field(t('asset.team'), teamIn),
  sevIn,
  ssvcIn,
  field(t('vulns.epssMin'), epssIn),
  field(t('findings.kevOnly'), kevIn),
  field(t('findings.overdueOnly'), overdueIn),
  field(t('common.sort'), sortSel),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    key !== JSON.stringify(findingFilters(new URLSearchParams(), lc)) ? h('a', { href: '/findings', class: 'reset' }, t('common.reset')) : null));
  sortSel.addEventListener('change', () => navigate(pathWith('/findings', { ...f, sort: sortSel.value })));

  const rows = page.items || [];
  const prev = after ? () => navigate(pathWith('/findings', { ...f, after: cursors.stack.pop() || '' })) : null;
  const next = page.next ? () => { cursors.stack.push(after); navigate(pathWith('/findings', { ...f, after: page.next })); } : null;

  const triage = can('finding.triage') && rows.length > 0;
  const bulk = triage ? bulkTriage(rows, lc) : null;
  const columns = [
    bulk ? { label: bulk.selectAll, cell: (x) => bulk.box(x), class: 'select' } : null,
    { label: t('finding.id'), cell: (x) => h('a', { href: '/findings/' + x.id, class: 'finding-link' }, '#' + x.id), class: 'nowrap' },
    { label: t('finding.asset'), cell: (x) => h('a', { href: assetHref(x.asset) }, x.asset), class: 'nowrap' },
    { label: t('finding.package'), cell: (x) => [x.package, h('div', { class: 'muted small mono' }, (x.versions || []).join(', '))] },
    { label: t('finding.vuln'), cell: (x) => h('a', { href: '/vulns/' + encodeURIComponent(x.vuln), class: 'mono' }, x.vuln), class: 'nowrap' },
    { label: t('finding.state'), cell: (x) => (bulk ? bulk.state(x) : stateBadge(x.state)) },
    bulk ? { label: t('bulk.result'), cell: (x) => bulk.result(x), class: 'bulk-result nowrap' } : null,
    { label: t('finding.priority'), cell: (x) => [priorityBadge(x.priority), x.assessment && x.assessment.kev ? [' ', kevBadge()] : null] },
    { label: t('finding.due'), cell: (x) => dueCell(x, lc), class: 'nowrap' },
    { label: t('finding.assignee'), cell: (x) => x.assignee || '' },
    { label: t('finding.firstSeen'), cell: (x) => fmtDate(x.first_seen), class: 'nowrap' },
  ].filter(Boolean);

  return h('div', null,
    h('div', { class: 'page-head with-tools' },
      h('h1', null, t('findings.title')),
      h('div', { class: 'head-tools' }, h('span', { class: 'muted' }, t('report.export')), reportLinks('findings', f, 'export-findings'))),
    form,
    bulk ? bulk.form : null,
    table(columns, rows, { empty: t('findings.none'), class: 'findings', row: (x) => ({ dataset: { id: String(x.id), state: x.state } }) }),
    pager(prev, next));
}

// bulkTriage is one decision applied to many findings: a checkbox per
// row, the moves the lifecycle allows from every selected finding's state
// (a risk acceptance needs its own form, with an approver), and a reason.
// Each finding gets its own POST …/decisions, so the API checks each
// move; the row then says whether it was recorded or why not.
function bulkTriage(rows, lc) {
  const items = new Map(); // id → { f, box, state, result, row }
  const count = h('span', { id: 'bulk-count', class: 'bulk-count', 'aria-live': 'polite' });
  const stateSel = h('select', { name: 'state', id: 'bulk-state' });
  const reason = h('input', { type: 'text', name: 'reason', id: 'bulk-reason', maxlength: 2000, required: true });
  const button = h('button', { type: 'submit', class: 'primary', id: 'bulk-submit' }, t('bulk.submit'));
  const status = h('div', { id: 'bulk-status', class: 'form-status', role: 'status' });
  const all = h('input', { type: 'checkbox', id: 'bulk-all', 'aria-label': t('bulk.selectAll'), title: t('bulk.selectAll') });

  const selected = () => [...items.values()].filter((it) => it.box.checked);

  function showState(it, f) {
    it.f = f;
    it.row().dataset.state = f.state;
    it.state.replaceChildren(stateBadge(f.state));
  }

  // showResult marks a row's outcome; a refusal's detail (the API's
  // problem) gets a row of its own under it, as wide as the table.
  function showResult(it, outcome, detail) {
    it.result.replaceChildren(...(outcome ? [outcome] : []));
    const row = it.row();
    const next = row.nextElementSibling;
    if (next && next.classList.contains('bulk-detail')) next.remove();
    if (detail) {
      row.after(h('tr', { class: 'bulk-detail', dataset: { for: String(it.f.id) } },
        h('td', { colspan: row.children.length }, detail)));
    }
  }

  // update shows the count and offers the moves common to the selection.
  function update() {
    const sel = selected();
    count.textContent = t('bulk.selected', { n: fmtNumber(sel.length) });
    all.checked = sel.length > 0 && sel.length === items.size;
    all.indeterminate = sel.length > 0 && sel.length < items.size;
    let moves = null;
    for (const it of sel) {
      const next = lc.next[it.f.state] || [];
      moves = moves ? moves.filter((s) => next.includes(s)) : next.filter((s) => s !== 'risk_accepted');
    }
    moves = moves || [];
    const keep = stateSel.value;
    stateSel.replaceChildren(
      h('option', { value: '' }, sel.length === 0 ? t('bulk.selectFirst') : moves.length ? t('bulk.chooseState') : t('bulk.noCommonMove')),
      ...moves.map((s) => h('option', { value: s, selected: s === keep }, label('state', s))));
    stateSel.disabled = moves.length === 0;
    button.disabled = moves.length === 0;
  }

  all.addEventListener('change', () => {
    for (const it of items.values()) it.box.checked = all.checked;
    update();
  });

  async function apply(ev) {
    ev.preventDefault();
    const sel = selected();
    const to = stateSel.value;
    const why = reason.value.trim();
    if (!to || !why) {
      status.replaceChildren(h('div', { class: 'alert error', role: 'alert' }, t(to ? 'bulk.needReason' : 'bulk.needState')));
      return;
    }
    button.disabled = true;
    let ok = 0;
    let refused = 0;
    for (const it of sel) showResult(it, null);
    for (const [i, it] of sel.entries()) {
      status.replaceChildren(h('p', { class: 'muted' }, t('bulk.applying', { i: fmtNumber(i + 1), n: fmtNumber(sel.length) })));
      it.result.replaceChildren(h('span', { class: 'muted' }, t('common.loading')));
      try {
        showState(it, await api('POST', '/api/v1/findings/' + it.f.id + '/decisions', { body: { state: to, reason: why } }));
        showResult(it, h('span', { class: 'bulk-ok', dataset: { outcome: 'ok' } }, '✓ ', t('bulk.done')));
        it.box.checked = false;
        ok++;
      } catch (err) {
        showResult(it, h('span', { class: 'bulk-refused', dataset: { outcome: 'refused' } }, '✗ ', t('bulk.refused')), errorBox(err));
        refused++;
        // The move was refused, often because the finding changed
        // meanwhile: show its state now, so the next choice is right.
        try {
          showState(it, (await api('GET', '/api/v1/findings/' + it.f.id)).finding);
        } catch { /* the refusal is already shown */ }
      }
    }
    status.replaceChildren(h('div', { class: ['alert', refused ? 'error' : 'ok'], role: refused ? 'alert' : 'status', id: 'bulk-summary' },
      t('bulk.summary', { ok: fmtNumber(ok), refused: fmtNumber(refused), n: fmtNumber(sel.length) })));
    update();
  }

  const form = h('form', { class: 'card bulk', id: 'bulk-form', on: { submit: apply } },
    h('h2', { class: 'bulk-title' }, t('bulk.title')),
    h('div', { class: 'bulk-row' },
      count,
      field(t('decide.state'), stateSel),
      h('div', { class: 'field grow' }, h('label', { for: 'bulk-reason' }, t('decide.reason')), reason),
      h('div', { class: 'actions' }, button)),
    status);

  const bulk = {
    form,
    selectAll: all,
    box: (x) => {
      const box = h('input', { type: 'checkbox', class: 'bulk-box', value: String(x.id), 'aria-label': t('bulk.selectOne', { id: x.id }), on: { change: update } });
      const state = h('span', { class: 'state-cell' }, stateBadge(x.state));
      const result = h('div', { class: 'bulk-outcome' });
      items.set(x.id, { f: x, box, state, result, row: () => box.closest('tr') });
      return box;
    },
    state: (x) => items.get(x.id).state,
    result: (x) => items.get(x.id).result,
  };
  update();
  return bulk;
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
    h('section', { class: 'card', id: 'evidence' }, h('h2', null, t('finding.evidence')),
      h('p', { class: 'muted small' }, t('finding.evidenceKey')),
      table([
        { label: t('evidence.tool'), cell: (e) => (e.tool === 'vmc' ? t('evidence.vmc') : e.tool) },
        { label: t('evidence.report'), cell: (e) => e.report },
        { label: t('evidence.rule'), cell: (e) => (e.rule ? mono(e.rule) : '') },
        { label: t('evidence.severity'), cell: (e) => [e.severity || '', e.mapped && e.mapped !== (e.severity || '').toLowerCase() ? h('span', { class: 'muted' }, ' → ' + label('sev', e.mapped)) : ''] },
        { label: t('evidence.location'), cell: (e) => (e.location ? mono(e.location) : '') },
        { label: t('evidence.first'), cell: (e) => fmtDateTime(e.first), class: 'nowrap' },
        { label: t('evidence.last'), cell: (e) => fmtDateTime(e.last), class: 'nowrap' },
      ], f.evidence || [], { class: 'evidence', empty: t('finding.noEvidence') })),
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
