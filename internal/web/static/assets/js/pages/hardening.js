// Environment hardening (OWASP SAMM O-EM, NIST SP 800-40r4), four tabs
// over /api/v1/hardening:
//   - maintenance: maintenance groups with their members, windows and
//     maintenance plan, the findings triggering emergency patching now,
//     and patch plans whose progress is what re-scans verified;
//   - environment (EH1): environment specifications, versioned with an
//     owner, and the critical security upgrades per environment;
//   - verification (EH3): protective tools with each asset's gaps, and
//     audit plans, overdue first, with their results and follow-ups;
//   - SAMM: the practice's questions answered per project, scored.
// Reading is process.read; the forms show for process.write, which the
// API checks again.

import { h } from '../dom.js';
import { t, label, fmtDateTime, fmtDay, fmtNumber, currentLang } from '../i18n.js';
import { api } from '../api.js';
import {
  setTitle, table, dl, field, select, input, textarea, submitter, section, link, mono, splitList, localISO, folded, formStatus,
} from '../ui.js';

const RISKS = ['low', 'medium', 'high', 'critical'];
const ENVS = ['prod', 'staging', 'test', 'dev'];
const STATUSES = ['planned', 'approved', 'deploying', 'deployed', 'rolled_back', 'cancelled'];
const TOOL_KINDS = ['waf', 'edr', 'rasp', 'host_firewall', 'fim'];
const OUTCOMES = ['pass', 'fail', 'na'];
const STATUS_CLASS = { planned: 'muted', approved: 'muted', deploying: 'warn', deployed: 'ok', rolled_back: 'danger', cancelled: 'muted' };

const dash = (v) => (v === undefined || v === null || v === '' ? '—' : v);
const lines = (xs) => (xs || []).join('\n');

const TABS = [
  ['/hardening', 'hardening.tab.maintenance'],
  ['/hardening/environment', 'hardening.tab.environment'],
  ['/hardening/verification', 'hardening.tab.verification'],
  ['/hardening/samm', 'hardening.tab.samm'],
];

// head is the section's heading and its tabs, the current one marked.
function head(current) {
  return [
    h('div', { class: 'page-head' }, h('h1', null, t('hardening.title'))),
    h('p', { class: 'muted' }, t('hardening.intro')),
    h('nav', { class: 'tabs', 'aria-label': t('hardening.tabs') },
      h('ul', null, TABS.map(([href, key]) => h('li', null,
        h('a', { href, 'aria-current': href === current ? 'page' : undefined }, t(key)))))),
  ];
}

// page is a tab of the section: its content is drawn by draw(), again
// after every change a form makes, with what the change did shown.
async function page(current, draw) {
  setTitle(t('hardening.title'));
  const body = h('div', null);
  const render = async (message) => {
    const nodes = await draw(render);
    body.replaceChildren(...head(current),
      message ? h('div', { class: 'alert ok', role: 'status', id: 'hardening-done' }, message) : '',
      ...nodes);
  };
  await render();
  return body;
}

// form is a card-less form with a status area and a submit button; send()
// does the work and returns the message the redrawn page shows.
function form(id, buttonText, fields, send, done) {
  const status = formStatus(id + '-status');
  const button = h('button', { type: 'submit', class: 'primary', id: id + '-save' }, buttonText);
  return h('form', { id, class: 'hardening-form', on: { submit: submitter(status, button, async () => done(await send())) } },
    h('div', { class: 'grid-form' }, fields), status, h('div', { class: 'actions' }, button));
}

// --- Maintenance groups and patch plans (EH2) ---

function windowsText(ws) {
  return (ws || []).map((w) => `${w.day} ${w.start} ${w.hours}h`).join('; ');
}

// parseWindows reads "sun 02:00 4h; wed 22:00 2h"; the API checks each.
function parseWindows(s) {
  return s.split(/[;\n]/).map((x) => x.trim()).filter(Boolean).map((x) => {
    const [day = '', start = '', hours = ''] = x.split(/\s+/);
    return { day: day.toLowerCase(), start, hours: Number.parseInt(hours, 10) || 0 };
  });
}

function groupForm(g, done) {
  const p = (g && g.plan) || { routine_days: 30, emergency_hours: 48, on_kev: true, on_ssvc_act: true };
  const name = input('name', 'text', g ? g.name : '', { id: 'group-name', required: true, maxlength: 200, readonly: !!g });
  const fn = input('function', 'text', g ? g.function : '', { id: 'group-function', required: true, maxlength: 1000 });
  const risk = select('risk', RISKS.map((r) => [r, label('crit', r)]), g ? g.risk : 'high');
  risk.id = 'group-risk';
  const owner = input('owner', 'text', g ? g.owner : '', { id: 'group-owner', required: true, maxlength: 200 });
  const windows = input('windows', 'text', g ? windowsText(g.windows) : '', { id: 'group-windows', maxlength: 1000, placeholder: 'sun 02:00 4h; wed 22:00 2h' });
  const routine = input('routine_days', 'number', p.routine_days, { id: 'group-routine', min: 1, max: 366, required: true });
  const emergency = input('emergency_hours', 'number', p.emergency_hours, { id: 'group-emergency', min: 1, max: 720, required: true });
  const kev = input('on_kev', 'checkbox', '', { id: 'group-kev', checked: !!p.on_kev });
  const act = input('on_ssvc_act', 'checkbox', '', { id: 'group-act', checked: !!p.on_ssvc_act });
  const mitigation = textarea('mitigation', p.mitigation, { id: 'group-mitigation', maxlength: 4000, required: true });
  const isolation = textarea('isolation', p.isolation, { id: 'group-isolation', maxlength: 4000, required: true });
  const acceptance = textarea('acceptance', p.acceptance, { id: 'group-acceptance', maxlength: 4000, required: true });
  return form(g ? 'group-edit-' + g.name : 'group-form', t('hardening.group.save'), [
    field(t('hardening.group.name'), name),
    field(t('hardening.group.function'), fn),
    field(t('hardening.group.risk'), risk),
    field(t('hardening.owner'), owner),
    field(t('hardening.group.windows'), windows, t('hardening.group.windowsHint')),
    field(t('hardening.group.routineDays'), routine),
    field(t('hardening.group.emergencyHours'), emergency),
    field(t('hardening.group.onKEV'), kev),
    field(t('hardening.group.onAct'), act),
    field(t('hardening.group.mitigation'), mitigation),
    field(t('hardening.group.isolation'), isolation),
    field(t('hardening.group.acceptance'), acceptance),
  ], async () => {
    const got = await api('PUT', '/api/v1/hardening/groups/' + encodeURIComponent(name.value.trim()), {
      body: {
        function: fn.value.trim(), risk: risk.value, owner: owner.value.trim(), windows: parseWindows(windows.value),
        plan: {
          routine_days: Number(routine.value), emergency_hours: Number(emergency.value), on_kev: kev.checked, on_ssvc_act: act.checked,
          mitigation: mitigation.value.trim(), isolation: isolation.value.trim(), acceptance: acceptance.value.trim(),
        },
      },
    });
    return t('hardening.group.saved', { name: got.group.name, members: fmtNumber(got.members.length) });
  }, done);
}

function progressView(pr) {
  const p = pr.progress;
  return h('div', { class: 'patch-progress', dataset: { percent: String(p.percent) } },
    h('progress', { max: 100, value: p.percent, 'aria-label': t('hardening.plan.progress') }),
    ' ', h('span', { class: 'percent' }, t('hardening.plan.progressText', {
      pct: fmtNumber(p.percent), patched: fmtNumber(p.patched), n: fmtNumber(p.findings),
    })),
    p.claimed ? h('div', { class: 'muted small claimed' }, t('hardening.plan.claimed', { n: fmtNumber(p.claimed) })) : null);
}

function statusBadge(s) {
  return h('span', { class: ['badge', STATUS_CLASS[s] || 'muted'], dataset: { status: s } }, label('hardening.status', s));
}

function triggersTable(ts) {
  return table([
    { label: t('hardening.trigger.finding'), cell: (x) => link('/findings/' + x.finding, '#' + x.finding) },
    { label: t('hardening.trigger.vuln'), cell: (x) => link('/vulns/' + encodeURIComponent(x.vuln), x.vuln) },
    { label: t('hardening.trigger.package'), cell: (x) => mono(x.package) },
    { label: t('hardening.asset'), cell: (x) => x.asset },
    { label: t('hardening.trigger.reasons'), cell: (x) => (x.reasons || []).map((r) => label('hardening.reason', r)).join(', ') },
    { label: t('hardening.trigger.fix'), cell: (x) => dash(x.fixed_version) },
    { label: t('hardening.trigger.due'), cell: (x) => fmtDateTime(x.due), class: 'nowrap' },
  ], ts, { class: 'triggers', empty: t('hardening.trigger.none') });
}

function groupCard(r, can, done) {
  const g = r.group;
  const p = g.plan;
  const triggers = [p.on_kev && 'KEV', p.on_ssvc_act && t('hardening.group.ssvcAct')].filter(Boolean).join(', ');
  return h('section', { class: 'card maintenance-group', dataset: { group: g.name } },
    h('h2', null, g.name, ' ', h('span', { class: ['badge', 'prio', 'prio-' + g.risk] }, label('crit', g.risk))),
    dl([
      [t('hardening.group.function'), g.function],
      [t('hardening.owner'), g.owner],
      [t('hardening.group.members'), h('span', { class: 'members' }, r.members.length ? r.members.join(', ') : t('hardening.group.noMembers'))],
      [t('hardening.group.windows'), h('span', { class: 'windows' }, g.windows && g.windows.length ? windowsText(g.windows) + ' UTC' : t('hardening.group.noWindows'))],
      [t('hardening.group.nextWindow'), r.next_window ? fmtDateTime(r.next_window) : ''],
      [t('hardening.group.routine'), h('span', { class: 'routine' }, t('hardening.group.routineText', { days: fmtNumber(p.routine_days) }))],
      [t('hardening.group.emergency'), h('span', { class: 'emergency' }, t('hardening.group.emergencyText', { hours: fmtNumber(p.emergency_hours), triggers }))],
      [t('hardening.group.noPatch'), h('ul', { class: 'plain no-patch' },
        h('li', null, h('strong', null, t('hardening.group.mitigation')), ': ', p.mitigation),
        h('li', null, h('strong', null, t('hardening.group.isolation')), ': ', p.isolation),
        h('li', null, h('strong', null, t('hardening.group.acceptance')), ': ', p.acceptance))],
      [t('hardening.group.open'), fmtNumber(r.open)],
    ]),
    h('h3', null, t('hardening.group.emergencyNow', { n: fmtNumber(r.triggers.length) })),
    triggersTable(r.triggers),
    can('process.write') ? folded(t('hardening.group.edit'), groupForm(g, done), { class: 'edit-group' }) : null);
}

function statusForm(pr, done) {
  const next = select('status', STATUSES.map((s) => [s, label('hardening.status', s)]), pr.plan.status);
  next.id = 'plan-status-' + pr.plan.id;
  next.setAttribute('aria-label', t('hardening.plan.status'));
  const status = h('span', { class: 'form-status' });
  const button = h('button', { type: 'submit', class: 'secondary small-button' }, t('hardening.plan.move'));
  return h('form', {
    class: 'plan-status',
    on: {
      submit: submitter(status, button, async () => {
        const got = await api('POST', `/api/v1/hardening/patch-plans/${pr.plan.id}/status`, { body: { status: next.value } });
        await done(t('hardening.plan.moved', { id: got.plan.id, status: label('hardening.status', got.plan.status) }));
      }),
    },
  }, next, ' ', button, status);
}

function plansTable(plans, can, done) {
  return table([
    { label: t('hardening.plan.id'), cell: (r) => String(r.plan.id), class: 'num' },
    { label: t('hardening.plan.group'), cell: (r) => r.plan.group },
    { label: t('hardening.plan.title'), cell: (r) => h('div', null, h('strong', null, r.plan.title),
      (r.plan.updates || []).length ? h('ul', { class: 'plain small' }, r.plan.updates.map((u) => h('li', null, mono(u)))) : null) },
    { label: t('hardening.plan.scheduled'), cell: (r) => fmtDateTime(r.plan.scheduled), class: 'nowrap' },
    { label: t('hardening.plan.status'), cell: (r) => h('div', null, statusBadge(r.plan.status), can('process.write') ? statusForm(r, done) : null) },
    { label: t('hardening.plan.progress'), cell: progressView },
    { label: t('hardening.plan.open'), cell: (r) => fmtNumber(r.progress.open), class: 'num' },
    { label: t('hardening.plan.rollback'), cell: (r) => r.plan.rollback },
  ], plans, { class: 'patch-plans', empty: t('hardening.plan.none'), row: (r) => ({ dataset: { plan: String(r.plan.id) } }) });
}

function planForm(groups, done) {
  const group = select('group', groups.map((g) => [g.group.name, g.group.name]), groups[0].group.name);
  group.id = 'plan-group';
  const title = input('title', 'text', '', { id: 'plan-title', required: true, maxlength: 1000 });
  const pkg = input('package', 'text', '', { id: 'plan-package', maxlength: 512 });
  const findings = input('findings', 'text', '', { id: 'plan-findings', maxlength: 4000, placeholder: '12, 15' });
  const updates = textarea('updates', '', { id: 'plan-updates', maxlength: 8000 });
  const scheduled = input('scheduled', 'datetime-local', '', { id: 'plan-scheduled' });
  const rollback = textarea('rollback', '', { id: 'plan-rollback', maxlength: 4000, required: true });
  const owner = input('owner', 'text', '', { id: 'plan-owner', maxlength: 200 });
  return form('plan-form', t('hardening.plan.create'), [
    field(t('hardening.plan.group'), group),
    field(t('hardening.plan.title'), title),
    field(t('hardening.plan.package'), pkg, t('hardening.plan.packageHint')),
    field(t('hardening.plan.findings'), findings, t('hardening.plan.findingsHint')),
    field(t('hardening.plan.updates'), updates, t('hardening.linesHint')),
    field(t('hardening.plan.scheduled'), scheduled, t('hardening.plan.scheduledHint')),
    field(t('hardening.plan.rollback'), rollback),
    field(t('hardening.owner'), owner),
  ], async () => {
    const ids = splitList(findings.value).map(Number);
    const got = await api('POST', '/api/v1/hardening/patch-plans', {
      body: {
        group: group.value, title: title.value.trim(), package: pkg.value.trim() || undefined, findings: ids.length ? ids : undefined,
        updates: splitLines(updates.value), scheduled: scheduled.value ? localISO(scheduled.value) : undefined,
        rollback: rollback.value.trim(), owner: owner.value.trim() || undefined,
      },
    });
    return t('hardening.plan.created', { id: got.plan.id, n: fmtNumber(got.progress.findings) });
  }, done);
}

// splitLines reads one item a line (an update names a version range with
// commas in it, so commas do not separate).
function splitLines(s) {
  const xs = s.split('\n').map((x) => x.trim()).filter(Boolean);
  return xs.length ? xs : undefined;
}

export function maintenancePage({ can }) {
  return page('/hardening', async (done) => {
    const [groups, plans] = await Promise.all([api('GET', '/api/v1/hardening/groups'), api('GET', '/api/v1/hardening/patch-plans')]);
    const gs = groups.items || [];
    return [
      h('div', { id: 'maintenance-groups' },
        gs.length ? gs.map((r) => groupCard(r, can, done)) : section(t('hardening.group.title'), h('p', { class: 'muted' }, t('hardening.group.none')))),
      can('process.write') ? folded(t('hardening.group.new'), h('div', { class: 'card' }, groupForm(null, done)), { class: 'new-group', id: 'new-group' }) : null,
      h('section', { class: 'card', id: 'patch-plans' },
        h('h2', null, t('hardening.plan.heading')),
        h('p', { class: 'muted small' }, t('hardening.plan.intro')),
        plansTable(plans.items || [], can, done),
        can('process.write') && gs.length ? folded(t('hardening.plan.new'), planForm(gs, done), { class: 'new-plan' }) : null),
    ];
  });
}

// --- Environment specifications and security upgrades (EH1) ---

function specTable(specs, withAsset) {
  return table([
    withAsset ? { label: t('hardening.asset'), cell: (s) => link('/inventory/' + encodeURIComponent(s.asset), s.asset) } : null,
    { label: t('hardening.spec.version'), cell: (s) => String(s.version), class: 'num' },
    { label: t('hardening.owner'), cell: (s) => s.owner },
    { label: t('hardening.spec.os'), cell: (s) => dash([s.os, s.os_version].filter(Boolean).join(' ')) },
    { label: t('hardening.spec.runtime'), cell: (s) => dash((s.runtime || []).join(', ')) },
    { label: t('hardening.spec.middleware'), cell: (s) => dash((s.middleware || []).join(', ')) },
    { label: t('hardening.spec.components'), cell: (s) => (s.components || []).map((c) => h('div', null, mono(c))) },
    { label: t('hardening.spec.config'), cell: (s) => (s.config || []).map((c) => h('div', null, mono(`${c.key}=${c.value}`))) },
    { label: t('hardening.spec.change'), cell: (s) => h('span', null, dash(s.change), h('div', { class: 'muted small' }, t('hardening.by', { at: fmtDateTime(s.created), by: s.by || '' }))) },
  ].filter(Boolean), specs, { class: 'env-specs', empty: t('hardening.spec.none'), row: (s) => ({ dataset: { asset: s.asset, version: String(s.version) } }) });
}

// history shows an asset's earlier versions when opened.
function history(name) {
  const holder = h('div', null);
  return h('details', {
    class: 'spec-history',
    on: {
      toggle: async (ev) => {
        if (!ev.target.open || holder.childElementCount) return;
        const got = await api('GET', '/api/v1/hardening/specs/' + encodeURIComponent(name));
        holder.replaceChildren(specTable(got.items || [], false));
      },
    },
  }, h('summary', null, t('hardening.spec.history', { asset: name })), holder);
}

function specForm(assets, done) {
  const asset = select('asset', assets.map((a) => [a.name, a.name]), assets[0] && assets[0].name);
  asset.id = 'spec-asset';
  const owner = input('owner', 'text', '', { id: 'spec-owner', required: true, maxlength: 200 });
  const os = input('os', 'text', '', { id: 'spec-os', maxlength: 1000 });
  const osv = input('os_version', 'text', '', { id: 'spec-os-version', maxlength: 1000 });
  const runtime = textarea('runtime', '', { id: 'spec-runtime', maxlength: 8000 });
  const middleware = textarea('middleware', '', { id: 'spec-middleware', maxlength: 8000 });
  const components = textarea('components', '', { id: 'spec-components', maxlength: 8000 });
  const config = textarea('config', '', { id: 'spec-config', maxlength: 8000, placeholder: 'GIN_MODE=release' });
  const change = input('change', 'text', '', { id: 'spec-change', maxlength: 1000 });
  return form('spec-form', t('hardening.spec.save'), [
    field(t('hardening.asset'), asset),
    field(t('hardening.owner'), owner),
    field(t('hardening.spec.os'), os),
    field(t('hardening.spec.osVersion'), osv),
    field(t('hardening.spec.runtime'), runtime, t('hardening.linesHint')),
    field(t('hardening.spec.middleware'), middleware, t('hardening.linesHint')),
    field(t('hardening.spec.components'), components, t('hardening.linesHint')),
    field(t('hardening.spec.config'), config, t('hardening.spec.configHint')),
    field(t('hardening.spec.change'), change),
  ], async () => {
    // A line without "=" goes as it is, for the API to name.
    const settings = (splitLines(config.value) || []).map((l) => {
      const i = l.indexOf('=');
      return i < 0 ? { key: l, value: '' } : { key: l.slice(0, i).trim(), value: l.slice(i + 1).trim() };
    });
    const got = await api('PUT', '/api/v1/hardening/specs/' + encodeURIComponent(asset.value), {
      body: {
        owner: owner.value.trim(), os: os.value.trim() || undefined, os_version: osv.value.trim() || undefined,
        runtime: splitLines(runtime.value), middleware: splitLines(middleware.value), components: splitLines(components.value),
        config: settings.length ? settings : undefined, change: change.value.trim() || undefined,
      },
    });
    return t('hardening.spec.saved', { asset: got.asset, version: fmtNumber(got.version) });
  }, done);
}

function upgradesTable(us) {
  return table([
    { label: t('hardening.environment'), cell: (u) => label('env', u.environment) },
    { label: t('hardening.upgrade.package'), cell: (u) => h('span', null, mono(u.package), u.kev ? h('span', { class: 'badge kev' }, 'KEV') : null) },
    { label: t('hardening.upgrade.installed'), cell: (u) => (u.installed || []).join(', ') },
    { label: t('hardening.upgrade.fixed'), cell: (u) => h('strong', null, u.fixed_version) },
    { label: t('hardening.upgrade.vulns'), cell: (u) => h('span', null, (u.vulns || []).join(', '),
      (u.no_fix || []).length ? h('div', { class: 'muted small' }, t('hardening.upgrade.noFix', { vulns: u.no_fix.join(', ') })) : null) },
    { label: t('hardening.upgrade.assets'), cell: (u) => (u.assets || []).join(', ') },
  ], us, { class: 'upgrades', empty: t('hardening.upgrade.none'), row: (u) => ({ dataset: { package: u.package, env: u.environment } }) });
}

export function environmentPage({ can, query }) {
  return page('/hardening/environment', async (done) => {
    const env = ENVS.includes(query.get('env')) ? query.get('env') : '';
    const [specs, upgrades, assets] = await Promise.all([
      api('GET', '/api/v1/hardening/specs'),
      api('GET', '/api/v1/hardening/upgrades', { query: env ? { env } : {} }),
      can('process.write') ? api('GET', '/api/v1/assets') : [],
    ]);
    const items = specs.items || [];
    return [
      h('section', { class: 'card', id: 'env-specs' },
        h('h2', null, t('hardening.spec.title')),
        h('p', { class: 'muted small' }, t('hardening.spec.intro')),
        specTable(items, true),
        items.map((s) => history(s.asset)),
        can('process.write') && (assets || []).length ? folded(t('hardening.spec.new'), specForm(assets, done), { class: 'new-spec' }) : null),
      h('section', { class: 'card', id: 'upgrades' },
        h('h2', null, t('hardening.upgrade.title')),
        h('p', { class: 'muted small' }, t('hardening.upgrade.intro')),
        h('p', { class: 'env-filter' }, [['', t('common.any')], ...ENVS.map((e) => [e, label('env', e)])].map(([e, text], i) => [i ? ' · ' : '',
          e === env ? h('strong', null, text) : link('/hardening/environment' + (e ? '?env=' + e : ''), text)])),
        upgradesTable(upgrades.items || [])),
    ];
  });
}

// --- Protective tools and audit plans (EH3) ---

function kinds(ks) {
  return (ks || []).map((k) => label('hardening.toolKind', k)).join(', ');
}

function coverageView(c) {
  return [
    table([
      { label: t('hardening.tool.scope'), cell: (x) => label('hardening.tool.scopeKind', x.scope) },
      { label: t('hardening.tool.name'), cell: (x) => x.scope === 'environment' ? label('env', x.name) : x.name },
      { label: t('hardening.tool.assets'), cell: (x) => fmtNumber(x.assets), class: 'num' },
      { label: t('hardening.tool.gaps'), cell: (x) => fmtNumber(x.gaps), class: 'num' },
      { label: t('hardening.tool.missing'), cell: (x) => Object.entries(x.missing || {}).map(([k, n]) => `${label('hardening.toolKind', k)} ×${n}`).join(', ') },
    ], c.coverage, { class: 'tool-coverage', empty: t('common.empty') }),
    h('h3', null, t('hardening.tool.gapTitle', { n: fmtNumber((c.gaps || []).length) })),
    table([
      { label: t('hardening.asset'), cell: (g) => link('/inventory/' + encodeURIComponent(g.asset), g.asset) },
      { label: t('hardening.plan.group'), cell: (g) => dash(g.group) },
      { label: t('hardening.environment'), cell: (g) => g.environment ? label('env', g.environment) : '—' },
      { label: t('hardening.tool.missing'), cell: (g) => h('span', { class: 'badge warn' }, kinds(g.missing)) },
    ], c.gaps, { class: 'tool-gaps', empty: t('hardening.tool.noGaps'), row: (g) => ({ dataset: { asset: g.asset } }) }),
    h('h3', null, t('hardening.tool.recorded')),
    table([
      { label: t('hardening.asset'), cell: (x) => x.asset },
      { label: t('hardening.tool.kind'), cell: (x) => label('hardening.toolKind', x.kind) },
      { label: t('hardening.tool.product'), cell: (x) => x.product },
      { label: t('hardening.tool.active'), cell: (x) => h('span', { class: ['badge', x.active ? 'ok' : 'muted'] }, t(x.active ? 'hardening.tool.on' : 'hardening.tool.off')) },
      { label: t('hardening.tool.note'), cell: (x) => dash(x.note) },
      { label: t('hardening.updated'), cell: (x) => t('hardening.by', { at: fmtDateTime(x.updated), by: x.by || '' }) },
    ], c.tools, { class: 'tools', empty: t('hardening.tool.none') }),
  ];
}

function toolForm(assets, done) {
  const asset = select('asset', assets.map((a) => [a.name, a.name]), assets[0].name);
  asset.id = 'tool-asset';
  const kind = select('kind', TOOL_KINDS.map((k) => [k, label('hardening.toolKind', k)]), 'edr');
  kind.id = 'tool-kind';
  const product = input('product', 'text', '', { id: 'tool-product', required: true, maxlength: 1000 });
  const active = input('active', 'checkbox', '', { id: 'tool-active', checked: true });
  const note = input('note', 'text', '', { id: 'tool-note', maxlength: 4000 });
  return form('tool-form', t('hardening.tool.save'), [
    field(t('hardening.asset'), asset), field(t('hardening.tool.kind'), kind), field(t('hardening.tool.product'), product),
    field(t('hardening.tool.active'), active), field(t('hardening.tool.note'), note),
  ], async () => {
    const got = await api('PUT', `/api/v1/hardening/tools/${encodeURIComponent(asset.value)}/${kind.value}`, {
      body: { product: product.value.trim(), active: active.checked, note: note.value.trim() || undefined },
    });
    return t('hardening.tool.saved', { asset: got.asset, kind: label('hardening.toolKind', got.kind) });
  }, done);
}

function runResults(run) {
  return h('ul', { class: 'plain audit-results' }, run.results.map((c) => h('li', { dataset: { outcome: c.outcome } },
    h('span', { class: ['badge', c.outcome === 'pass' ? 'ok' : c.outcome === 'fail' ? 'danger' : 'muted'] }, label('hardening.outcome', c.outcome)),
    ' ', c.item,
    c.follow_up ? h('span', { class: 'follow-up' }, ' → ', t('hardening.audit.followUp'), ': ', c.follow_up) : null,
    c.note ? h('span', { class: 'muted' }, ' (', c.note, ')') : null)));
}

function auditsTable(items) {
  return table([
    { label: t('hardening.plan.id'), cell: (r) => String(r.plan.id), class: 'num' },
    { label: t('hardening.audit.name'), cell: (r) => h('div', null, h('strong', null, r.plan.name), h('div', { class: 'muted small' }, r.plan.scope)) },
    { label: t('hardening.environment'), cell: (r) => label('env', r.plan.environment) },
    { label: t('hardening.audit.every'), cell: (r) => t('hardening.audit.days', { n: fmtNumber(r.plan.every_days) }) },
    { label: t('hardening.audit.checklist'), cell: (r) => h('ul', { class: 'plain small' }, r.plan.checklist.map((c) => h('li', null, c))) },
    { label: t('hardening.audit.due'), cell: (r) => h('span', null, fmtDay(r.due), ' ', r.overdue ? h('span', { class: 'badge danger overdue' }, t('hardening.audit.overdue')) : null), class: 'nowrap' },
    { label: t('hardening.audit.last'), cell: (r) => {
      const runs = r.plan.runs || [];
      if (!runs.length) return h('span', { class: 'muted' }, t('hardening.audit.never'));
      const last = runs[runs.length - 1];
      return h('div', null, h('div', { class: 'muted small' }, t('hardening.by', { at: fmtDateTime(last.at), by: last.by })), runResults(last));
    } },
  ], items, { class: 'audit-plans', empty: t('hardening.audit.none'), row: (r) => ({ class: r.overdue ? 'expiring' : undefined, dataset: { audit: String(r.plan.id), overdue: String(r.overdue) } }) });
}

function auditPlanForm(done) {
  const name = input('name', 'text', '', { id: 'audit-name', required: true, maxlength: 200 });
  const env = select('environment', ENVS.map((e) => [e, label('env', e)]), 'prod');
  env.id = 'audit-env';
  const scope = input('scope', 'text', '', { id: 'audit-scope', required: true, maxlength: 4000 });
  const checklist = textarea('checklist', '', { id: 'audit-checklist', required: true, maxlength: 8000 });
  const every = input('every_days', 'number', 90, { id: 'audit-every', min: 1, max: 3660, required: true });
  const start = input('start', 'date', '', { id: 'audit-start', required: true });
  const owner = input('owner', 'text', '', { id: 'audit-owner', maxlength: 200 });
  return form('audit-form', t('hardening.audit.create'), [
    field(t('hardening.audit.name'), name), field(t('hardening.environment'), env), field(t('hardening.audit.scope'), scope),
    field(t('hardening.audit.checklist'), checklist, t('hardening.linesHint')), field(t('hardening.audit.every'), every),
    field(t('hardening.audit.start'), start), field(t('hardening.owner'), owner),
  ], async () => {
    const got = await api('POST', '/api/v1/hardening/audits', {
      body: {
        name: name.value.trim(), environment: env.value, scope: scope.value.trim(), checklist: splitLines(checklist.value) || [],
        every_days: Number(every.value), start: start.value + 'T00:00:00Z', owner: owner.value.trim() || undefined,
      },
    });
    return t('hardening.audit.created', { id: got.plan.id, due: fmtDay(got.due) });
  }, done);
}

// runForm records an audit: each checklist item's outcome, a failure's
// follow-up, a note.
function runForm(plans, done) {
  const which = select('plan', plans.map((r) => [String(r.plan.id), `${r.plan.id}: ${r.plan.name}`]), String(plans[0].plan.id));
  which.id = 'run-plan';
  const items = h('div', { class: 'run-items' });
  const draw = () => {
    const r = plans.find((x) => String(x.plan.id) === which.value);
    items.replaceChildren(...r.plan.checklist.map((c, i) => {
      const outcome = select('outcome', OUTCOMES.map((o) => [o, label('hardening.outcome', o)]), 'pass');
      outcome.id = 'run-outcome-' + i;
      const follow = input('follow_up', 'text', '', { id: 'run-follow-' + i, maxlength: 4000 });
      const note = input('note', 'text', '', { id: 'run-note-' + i, maxlength: 4000 });
      return h('fieldset', { class: 'run-item', dataset: { item: c } }, h('legend', null, c),
        h('div', { class: 'grid-form' }, field(t('hardening.audit.outcome'), outcome), field(t('hardening.audit.followUp'), follow), field(t('hardening.audit.note'), note)));
    }));
  };
  which.addEventListener('change', draw);
  draw();
  const note = input('note', 'text', '', { id: 'run-note', maxlength: 4000 });
  return form('run-form', t('hardening.audit.record'), [field(t('hardening.audit.plan'), which), items, field(t('hardening.audit.note'), note)], async () => {
    const results = [...items.querySelectorAll('.run-item')].map((fs) => {
      const [o, f, n] = fs.querySelectorAll('select, input');
      return { item: fs.dataset.item, outcome: o.value, follow_up: f.value.trim() || undefined, note: n.value.trim() || undefined };
    });
    const got = await api('POST', `/api/v1/hardening/audits/${which.value}/runs`, { body: { results, note: note.value.trim() || undefined } });
    return t('hardening.audit.recorded', { id: got.plan.id, due: fmtDay(got.due) });
  }, done);
}

export function verificationPage({ can }) {
  return page('/hardening/verification', async (done) => {
    const [coverage, audits, assets] = await Promise.all([
      api('GET', '/api/v1/hardening/tools'), api('GET', '/api/v1/hardening/audits'),
      can('process.write') ? api('GET', '/api/v1/assets') : [],
    ]);
    const plans = audits.items || [];
    const overdue = plans.filter((r) => r.overdue).length;
    return [
      h('section', { class: 'card', id: 'protective-tools' },
        h('h2', null, t('hardening.tool.title')),
        h('p', { class: 'muted small' }, t('hardening.tool.intro')),
        ...coverageView(coverage),
        can('process.write') && (assets || []).length ? folded(t('hardening.tool.new'), toolForm(assets, done), { class: 'new-tool' }) : null),
      h('section', { class: 'card', id: 'audit-plans' },
        h('h2', null, t('hardening.audit.title')),
        h('p', { id: 'audit-overdue', class: overdue ? 'alert warn' : 'muted' }, t('hardening.audit.overdueCount', { n: fmtNumber(overdue), total: fmtNumber(plans.length) })),
        auditsTable(plans),
        can('process.write') ? folded(t('hardening.audit.new'), auditPlanForm(done), { class: 'new-audit' }) : null,
        can('process.write') && plans.length ? folded(t('hardening.audit.runTitle'), runForm(plans, done), { class: 'new-run' }) : null),
    ];
  });
}

// --- SAMM O-EM answers and maturity scores ---

const score = (n) => fmtNumber(n, 3);

function scoresTable(items, streams) {
  const name = (s) => streams[s][currentLang() === 'zh-CN' ? 'zh-CN' : 'en'];
  return table([
    { label: t('hardening.samm.project'), cell: (r) => r.project },
    { label: t('hardening.samm.practice'), cell: (r) => h('strong', { class: 'practice-score' }, score(r.score.practice)), class: 'num' },
    { label: `${t('hardening.samm.stream')} A: ${name('A')}`, cell: (r) => score(r.score.streams.A), class: 'num' },
    { label: `${t('hardening.samm.stream')} B: ${name('B')}`, cell: (r) => score(r.score.streams.B), class: 'num' },
    ...[1, 2, 3].map((l) => ({ label: t('hardening.samm.level', { n: l }), cell: (r) => score(r.score.levels[l - 1]), class: 'num' })),
    { label: t('hardening.samm.answered'), cell: (r) => `${r.score.answered}/6`, class: 'num' },
  ], items, { class: 'samm-scores', empty: t('hardening.samm.none'), row: (r) => ({ dataset: { project: r.project } }) });
}

function answerForm(qs, items, done) {
  const lang = currentLang() === 'zh-CN' ? 'zh-CN' : 'en';
  const project = input('project', 'text', '', { id: 'samm-project', required: true, maxlength: 200, list: 'samm-projects' });
  const known = h('datalist', { id: 'samm-projects' }, items.map((r) => h('option', { value: r.project })));
  const selects = qs.questions.map((q) => {
    const s = select(q.id, [['', t('hardening.samm.unanswered')], ...qs.options.map((o, i) => [String(i), o.text[lang]])], '');
    s.id = 'samm-' + q.id;
    return [q, s];
  });
  // A known project's answers fill the form, to be changed; a new
  // project's name leaves what was chosen (the change event comes when
  // the field loses focus, which may be after the answers were picked).
  project.addEventListener('change', () => {
    const r = items.find((x) => x.project === project.value.trim());
    if (r) for (const [q, s] of selects) s.value = q.id in r.answers ? String(r.answers[q.id]) : '';
  });
  return form('samm-form', t('hardening.samm.save'), [
    field(t('hardening.samm.project'), project), known,
    ...selects.map(([q, s]) => h('div', { class: 'samm-question' },
      field(`${q.id} · ${t('hardening.samm.level', { n: q.level })} · ${qs.streams[q.stream][lang]}`, s),
      h('p', null, q.text[lang]),
      h('ul', { class: 'muted small' }, q.quality.map((w) => h('li', null, w[lang]))))),
  ], async () => {
    const answers = {};
    for (const [q, s] of selects) if (s.value !== '') answers[q.id] = Number(s.value);
    const got = await api('PUT', '/api/v1/hardening/samm/' + encodeURIComponent(project.value.trim()), { body: { answers } });
    return t('hardening.samm.saved', { project: got.project, score: score(got.score.practice) });
  }, done);
}

export function sammPage({ can }) {
  return page('/hardening/samm', async (done) => {
    const [qs, scores] = await Promise.all([api('GET', '/api/v1/hardening/samm/questions'), api('GET', '/api/v1/hardening/samm')]);
    const items = scores.items || [];
    return [
      h('section', { class: 'card', id: 'samm' },
        h('h2', null, t('hardening.samm.title')),
        h('p', { class: 'muted small' }, t('hardening.samm.intro')),
        scoresTable(items, qs.streams)),
      can('process.write') ? h('section', { class: 'card', id: 'samm-answer' }, h('h2', null, t('hardening.samm.answer')), answerForm(qs, items, done)) : null,
    ];
  });
}
