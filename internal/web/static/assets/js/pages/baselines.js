// Baseline configuration monitoring (SAMM EH2): the hardening baselines
// vmc ships (GET /api/v1/baselines), a baseline's rules with the source
// each cites (GET /api/v1/baselines/{id}), and a host's compliance
// (GET /api/v1/assets/{name}/compliance): each baseline's latest results
// rule by rule with expected and actual values, what drifted since the
// previous snapshot, and the history. Those who may import (import.write)
// upload configuration files as a new snapshot
// (POST /api/v1/assets/{name}/snapshots).

import { h } from '../dom.js';
import { t, label, fmtDateTime, fmtNumber, currentLang } from '../i18n.js';
import { api } from '../api.js';
import { setTitle, table, field, select, submitter, section, link, mono } from '../ui.js';

const STATUS_CLASS = { pass: 'ok', fail: 'danger', not_applicable: 'muted', unknown: 'warn' };

function statusBadge(s) {
  return h('span', { class: ['badge', STATUS_CLASS[s] || 'muted'], dataset: { status: s } }, label('baseline.status', s));
}

function severityBadge(s) {
  return h('span', { class: ['badge', 'prio', s === 'info' ? 'muted' : 'prio-' + s] }, label('baseline.severity', s));
}

// text picks a rule's or baseline's title in the UI's language.
function text(x) {
  return currentLang() === 'zh-CN' ? (x['zh-CN'] || x.en) : x.en;
}

function citation(src) {
  return h('a', { href: src.url, rel: 'noopener noreferrer', target: '_blank' }, src.section ? `${src.name}, ${src.section}` : src.name);
}

function rulesTable(b) {
  return table([
    { label: t('baseline.rule'), cell: (r) => mono(r.id), class: 'nowrap' },
    { label: t('baseline.severityCol'), cell: (r) => severityBadge(r.severity) },
    { label: t('baseline.check'), cell: (r) => mono(`${r.check.kind}:${r.check.key}${r.check.field ? ':' + r.check.field : ''}`) },
    { label: t('baseline.titleCol'), cell: (r) => h('div', null, h('strong', null, text(r.title)), h('div', { class: 'muted' }, text(r.rationale))) },
    { label: t('baseline.source'), cell: (r) => citation(r.source) },
  ], b.rules, { class: 'baseline-rules', row: (r) => ({ dataset: { rule: r.id } }) });
}

export async function baselinesPage({ query }) {
  setTitle(t('baseline.title'));
  const [list, assets] = await Promise.all([api('GET', '/api/v1/baselines'), api('GET', '/api/v1/assets')]);
  const chosen = list.find((b) => b.id === query.get('id')) || list[0];
  const detail = chosen ? await api('GET', '/api/v1/baselines/' + encodeURIComponent(chosen.id)) : null;
  const hosts = (assets || []).filter((a) => a.kind === 'host');
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('baseline.title'))),
    h('p', { class: 'muted' }, t('baseline.intro')),
    table([
      { label: t('baseline.id'), cell: (b) => link('/baselines?id=' + encodeURIComponent(b.id), b.id) },
      { label: t('baseline.version'), cell: (b) => b.version },
      { label: t('baseline.titleCol'), cell: (b) => text(b.title) },
      { label: t('baseline.applies'), cell: (b) => b.applies },
      { label: t('baseline.rules'), cell: (b) => fmtNumber(b.rules), class: 'num' },
    ], list, { class: 'baselines', empty: t('common.empty') }),
    detail ? section(t('baseline.rulesOf', { id: detail.id, version: detail.version }), rulesTable(detail)) : null,
    section(t('baseline.hosts'),
      hosts.length === 0 ? h('p', { class: 'muted' }, t('baseline.noHosts'))
        : h('ul', { class: 'baseline-hosts' }, hosts.map((a) => h('li', null, link('/baselines/hosts/' + encodeURIComponent(a.name), a.name))))));
}

function resultsTable(ev) {
  const drifted = new Set((ev.changes || []).filter((c) => c.from === 'pass' && c.to === 'fail').map((c) => c.rule));
  return table([
    { label: t('baseline.rule'), cell: (r) => mono(r.rule), class: 'nowrap' },
    { label: t('baseline.status'), cell: (r) => h('span', null, statusBadge(r.status), drifted.has(r.rule) ? h('span', { class: 'badge warn' }, t('baseline.drift')) : null) },
    { label: t('baseline.severityCol'), cell: (r) => severityBadge(r.severity) },
    { label: t('baseline.check'), cell: (r) => mono(r.place) },
    { label: t('baseline.expected'), cell: (r) => r.expected },
    { label: t('baseline.actual'), cell: (r) => h('span', null, r.actual || '', r.note ? h('div', { class: 'muted' }, r.note) : null) },
    { label: t('baseline.titleCol'), cell: (r) => h('span', null, text(r.title), ' ', citation(r.source)) },
  ], ev.results, { class: 'baseline-results', row: (r) => ({ dataset: { rule: r.rule, status: r.status } }) });
}

function evaluationCard(ev) {
  return h('section', { class: 'card baseline-eval', dataset: { baseline: ev.baseline } },
    h('h2', null, `${ev.baseline} ${ev.version}`),
    h('p', { class: 'compliance' }, t('baseline.compliance', {
      pct: fmtNumber(ev.compliance, 1), pass: ev.passed, fail: ev.failed, na: ev.not_applicable, unknown: ev.unknown,
    })),
    resultsTable(ev));
}

function historyTable(hist) {
  return table([
    { label: t('baseline.snapshot'), cell: (e) => String(e.snapshot), class: 'num' },
    { label: t('baseline.at'), cell: (e) => fmtDateTime(e.at), class: 'nowrap' },
    { label: t('baseline.id'), cell: (e) => `${e.baseline} ${e.version}` },
    { label: t('baseline.complianceCol'), cell: (e) => fmtNumber(e.compliance, 1) + '%', class: 'num' },
    { label: t('baseline.drift'), cell: (e) => (e.changes || []).filter((c) => c.from === 'pass' && c.to === 'fail').map((c) => c.rule).join(', ') },
  ], [...hist].reverse(), { class: 'baseline-history', empty: t('common.empty') });
}

// uploadForm reads the chosen files as text and posts them as one
// snapshot.
function uploadForm(name, baselines, done) {
  const files = h('input', { type: 'file', name: 'files', id: 'snapshot-files', multiple: true, required: true });
  const which = select('baseline', [['', t('baseline.all')], ...baselines.map((b) => [b.id, b.id])], '');
  which.id = 'snapshot-baseline';
  const status = h('div', { class: 'form-status', id: 'snapshot-result', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('baseline.upload'));
  return h('form', {
    class: 'card', id: 'snapshot-form',
    // On success the page is drawn again, the form with it.
    on: {
      submit: submitter(status, button, async () => {
        // Browsers give a file's name without its directory: a .conf
        // file is taken as one of sshd_config.d, which sshd_config's
        // Include picks.
        const nameOf = (f) => f.webkitRelativePath || (f.name.endsWith('.conf') ? 'sshd_config.d/' + f.name : f.name);
        const body = {
          files: await Promise.all([...files.files].map(async (f) => ({ name: nameOf(f), content: await f.text() }))),
          baselines: which.value ? [which.value] : [],
        };
        const got = await api('POST', '/api/v1/assets/' + encodeURIComponent(name) + '/snapshots', { body });
        await done(t('baseline.imported', { id: got.snapshot.id, opened: got.findings.opened, moved: got.findings.moved }));
      }),
    },
  },
  h('h2', null, t('baseline.uploadTitle')),
  h('p', { class: 'muted' }, t('baseline.uploadIntro')),
  field(t('baseline.files'), files),
  field(t('baseline.against'), which),
  status,
  h('div', { class: 'actions' }, button));
}

export async function hostCompliancePage({ params, can }) {
  const name = params[0];
  setTitle(name);
  const body = h('div', null);
  const baselines = await api('GET', '/api/v1/baselines');
  const render = async (message) => {
    const got = await api('GET', '/api/v1/assets/' + encodeURIComponent(name) + '/compliance');
    body.replaceChildren(
      h('div', { class: 'page-head' }, h('h1', null, t('baseline.hostTitle', { name }))),
      h('p', null, link('/inventory/' + encodeURIComponent(name), t('baseline.toAsset')), ' · ', link('/findings?asset=' + encodeURIComponent(name), t('baseline.toFindings'))),
      message ? h('div', { class: 'alert ok', id: 'snapshot-done' }, message) : null,
      can('import.write') ? uploadForm(name, baselines, render) : null,
      // replaceChildren takes nodes, not arrays: the cards are spread.
      ...(got.latest.length === 0 ? [h('p', { class: 'muted', id: 'no-snapshot' }, t('baseline.noSnapshot'))] : got.latest.map(evaluationCard)),
      section(t('baseline.history'), historyTable(got.history)));
  };
  await render();
  return body;
}
