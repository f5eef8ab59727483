// The dashboard: open findings by priority, overdue, MTTR and SLA
// compliance (GET /api/v1/metrics/findings), KEV, the trend charts the
// API draws (GET /api/v1/charts/{name}) and the reports to download.

import { h } from '../dom.js';
import { t, currentLang, fmtNumber, fmtPercent, fmtDays, fmtDateTime } from '../i18n.js';
import { api, allPages } from '../api.js';
import { setTitle, table, priorityBadge, section, getLifecycle, errorBox, reportLinks } from '../ui.js';
import { pathWith } from '../router.js';

// charts are drawn by the server in the UI's language, so a language
// switch (which renders the page again) asks for them anew. Each has a
// text alternative saying what it shows; the figures themselves are in
// the cards and tables above.
const CHARTS = [
  ['mttr', 'chart.mttr', 'chart.mttrAlt'],
  ['exposure', 'chart.exposure', 'chart.exposureAlt'],
  ['intake', 'chart.intake', 'chart.intakeAlt'],
];

function chart([name, title, alt]) {
  const src = '/api/v1/charts/' + name + '?' + new URLSearchParams({ lang: currentLang() });
  return h('section', { class: 'card chart', id: 'chart-' + name },
    h('h2', null, t(title)),
    h('img', { class: 'chart', src, alt: t(alt), width: 600, height: 300, decoding: 'async' }));
}

function stat(id, labelText, value, note, href) {
  const v = href ? h('a', { href }, value) : value;
  return h('div', { class: 'stat', id }, h('div', { class: 'stat-label' }, labelText), h('div', { class: 'stat-value' }, v),
    note ? h('div', { class: 'stat-note muted' }, note) : null);
}

// compliance is nil when no deadline has been decided yet, which is not
// 100%: the card says so in words, a table cell with a dash.
function compliance(b, short) {
  if (b.compliance === undefined || b.compliance === null) return short ? t('common.none') : t('dash.noDecided');
  return fmtPercent(b.compliance);
}

// kevNumbers counts KEV vulnerabilities in the database and open
// findings on them. The API has no counts, so this pages through the
// lists (filtered by the API), up to a bound.
async function kevNumbers() {
  const [vulns, findings] = await Promise.all([
    allPages('/api/v1/vulns', { kev: true }, 5000),
    allPages('/api/v1/findings', { kev: true }, 5000),
  ]);
  return {
    vulns: vulns.items.length, vulnsMore: vulns.more,
    findings: findings.items.length, findingsMore: findings.more,
  };
}

export async function dashboardPage() {
  setTitle(t('nav.dashboard'));
  const [m, lc] = await Promise.all([api('GET', '/api/v1/metrics/findings'), getLifecycle()]);
  let kev;
  let kevErr;
  try {
    kev = await kevNumbers();
  } catch (err) {
    kevErr = err;
  }
  const all = m.all;
  const by = m.by_priority || {};
  const prios = [...lc.priorities].reverse(); // critical first
  const maxOpen = Math.max(1, ...prios.map((p) => (by[p] ? by[p].open : 0)));

  const bars = h('ul', { class: 'bars', 'aria-label': t('dash.openByPriority') }, prios.map((p) => {
    const n = by[p] ? by[p].open : 0;
    const bar = h('span', { class: ['bar', 'prio-' + p, n === 0 && 'zero'] });
    // CSSOM, not a style attribute: the CSP allows no inline styles.
    bar.style.width = (100 * n / maxOpen) + '%';
    return h('li', null,
      h('span', { class: 'bar-label' }, priorityBadge(p)),
      h('span', { class: 'bar-track' }, bar),
      h('span', { class: 'bar-value' }, fmtNumber(n)));
  }));

  const kevBlock = kevErr
    ? errorBox(kevErr)
    : [
      stat('stat-kev-vulns', t('dash.kevVulns'), fmtNumber(kev.vulns) + (kev.vulnsMore ? '+' : ''), t('dash.kevVulnsNote'), pathWith('/vulns', { kev: true })),
      stat('stat-kev-findings', t('dash.kevFindings'), fmtNumber(kev.findings) + (kev.findingsMore ? '+' : ''), t('dash.kevFindingsNote'), pathWith('/findings', { kev: true })),
    ];

  return h('div', { class: 'dashboard' },
    h('div', { class: 'page-head' },
      h('h1', null, t('dash.title')),
      h('p', { class: 'muted' }, t('dash.asOf', { at: fmtDateTime(m.at) }))),
    h('div', { class: 'stats' },
      stat('stat-open', t('dash.open'), fmtNumber(all.open), t('dash.accepted', { n: fmtNumber(all.accepted) }), '/findings'),
      stat('stat-overdue', t('dash.overdue'), fmtNumber(all.overdue), null, pathWith('/findings', { overdue: true })),
      stat('stat-mttr', t('dash.mttr'), fmtDays(all.mttr_ns), t('dash.median', { d: fmtDays(all.median_ttr_ns) })),
      stat('stat-sla', t('dash.sla'), compliance(all), t('dash.slaNote', { met: fmtNumber(all.sla_met), missed: fmtNumber(all.sla_missed) })),
      kevBlock),
    h('div', { class: 'grid-dash' },
      section(t('dash.openByPriority'), bars),
      section(t('dash.byPriority'), table([
        { label: t('finding.priority'), cell: (p) => priorityBadge(p) },
        { label: t('dash.open'), cell: (p) => fmtNumber(by[p].open), class: 'num' },
        { label: t('dash.overdue'), cell: (p) => fmtNumber(by[p].overdue), class: 'num' },
        { label: t('dash.closed'), cell: (p) => fmtNumber(by[p].closed), class: 'num' },
        { label: t('dash.mttrShort'), cell: (p) => fmtDays(by[p].mttr_ns), class: 'num' },
        { label: t('dash.sla'), cell: (p) => compliance(by[p], true), class: 'num' },
      ], prios.filter((p) => by[p])))),
    h('div', { class: 'grid-charts' }, CHARTS.map(chart)),
    h('section', { class: 'card reports', id: 'reports' },
      h('h2', null, t('report.title')),
      h('p', { class: 'muted' }, t('report.intro')),
      h('div', { class: 'report-row' }, h('span', { class: 'report-name' }, t('report.findings')), reportLinks('findings', {}, 'report-findings')),
      h('div', { class: 'report-row' }, h('span', { class: 'report-name' }, t('report.sla')), reportLinks('sla', {}, 'report-sla'))));
}
