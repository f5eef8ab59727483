// The incident metrics for the periodic review of the response process
// (SAMM VM3): the figures of a window (GET /api/v1/incident-metrics),
// SAMM's success metrics against their target, the review's charts as
// the API draws them (GET /api/v1/incident-metrics/charts/{name}), the
// review report to download (GET /api/v1/reports/incidents) and when the
// process is next reviewed. process.read; the API checks it again and
// names only the incidents it releases to the reader.

import { h } from '../dom.js';
import { t, label, currentLang, fmtNumber, fmtPercent, fmtDay } from '../i18n.js';
import { api } from '../api.js';
import { navigate, pathWith } from '../router.js';
import { setTitle, table, dl, field, input, card, reportLinks } from '../ui.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

// The charts, as the review report draws them; each has a text
// alternative, the figures being in the tables beside them.
const CHARTS = ['by-category', 'trend', 'response-times', 'samm'];

function chart(name, window) {
  const q = new URLSearchParams({ lang: currentLang() });
  for (const [k, v] of Object.entries(window)) if (v) q.set(k, v);
  return h('section', { class: 'card chart', id: 'imetrics-chart-' + name },
    h('h2', null, t('imetrics.chart.' + name)),
    h('img', { class: 'chart', src: '/api/v1/incident-metrics/charts/' + name + '?' + q, alt: t('imetrics.chartAlt.' + name), width: 600, height: 300, decoding: 'async' }));
}

// ratio is a success metric's percentage, or "no data" when there was
// nothing to count (no data is not 100%).
function sammStatus(r) {
  if (r.percent === null || r.percent === undefined) return h('span', { class: 'badge muted', dataset: { status: 'nodata' } }, t('imetrics.noData'));
  return r.met
    ? h('span', { class: 'badge ok', dataset: { status: 'met' } }, t('imetrics.met'))
    : h('span', { class: 'badge danger', dataset: { status: 'below' } }, t('imetrics.below'));
}

function money(list) {
  if (!list || list.length === 0) return t('common.none');
  return list.map((m) => fmtNumber(m.amount) + ' ' + m.currency).join(', ');
}

function hours(v) {
  return v === null || v === undefined ? '—' : t('imetrics.hours', { n: fmtNumber(v, 1) });
}

function counts(list, prefix) {
  return table([
    { label: t('imetrics.key'), cell: (c) => (prefix ? label(prefix, c.key) : c.key) },
    { label: t('imetrics.incidents'), cell: (c) => fmtNumber(c.incidents), class: 'num' },
  ], list || []);
}

function reviewDue(r) {
  const next = r.next ? fmtDay(r.next) : t('process.reviewNow');
  return [next, ' ', r.overdue
    ? h('span', { class: 'badge danger', id: 'imetrics-review-overdue' }, t('process.reviewOverdue'))
    : h('span', { class: 'badge ok', id: 'imetrics-review-ok' }, t('process.reviewOnTime')),
  ' ', h('a', { href: '/process#reviews' }, t('imetrics.reviews'))];
}

export async function incidentMetricsPage({ query }) {
  setTitle(t('imetrics.title'));
  const window = {
    from: DAY.test(query.get('from') || '') ? query.get('from') : '',
    to: DAY.test(query.get('to') || '') ? query.get('to') : '',
  };
  const m = await api('GET', '/api/v1/incident-metrics', { query: window });
  const fromIn = input('from', 'date', window.from, { id: 'imetrics-from' });
  const toIn = input('to', 'date', window.to, { id: 'imetrics-to' });
  const filters = h('form', {
    class: 'filters', id: 'imetrics-window',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        navigate(pathWith('/incidents/metrics', { from: fromIn.value, to: toIn.value }));
      },
    },
  },
  field(t('imetrics.from'), fromIn, t('imetrics.fromHint')),
  field(t('imetrics.to'), toIn, t('imetrics.toHint')),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    window.from || window.to ? h('a', { href: '/incidents/metrics', class: 'reset' }, t('common.reset')) : null));

  const last = new Date(Date.parse(m.window.to) - 1).toISOString();
  const d = m.downtime;
  const samm = m.samm;
  const metrics = [['briefed', samm.briefed], ['informed', samm.informed], ['root_cause', samm.root_cause], ['collated', samm.collated]];
  const times = [['triage', m.time_to_triage], ['contain', m.time_to_contain], ['close', m.time_to_close]];

  return h('div', { class: 'incident-metrics' },
    h('div', { class: 'page-head' },
      h('h1', null, t('imetrics.title')),
      h('p', { class: 'muted' }, t('imetrics.intro')),
      h('p', null, h('a', { href: '/incidents' }, t('imetrics.back')))),
    filters,
    card('imetrics-summary', t('imetrics.summary'), t('imetrics.period', { from: fmtDay(m.window.from), to: fmtDay(last) }),
      dl([
        [t('imetrics.incidents'), h('span', { id: 'imetrics-incidents' }, t('imetrics.openClosed', { n: fmtNumber(m.incidents), open: fmtNumber(m.open), closed: fmtNumber(m.closed) }))],
        [t('imetrics.downtime'), h('span', { id: 'imetrics-downtime' }, t('imetrics.downtimeValue', { min: fmtNumber(d.minutes), n: fmtNumber(d.incidents) }))],
        [t('imetrics.personHours'), h('span', { id: 'imetrics-hours' }, fmtNumber(m.person_hours, 1))],
        [t('imetrics.directCost'), h('span', { id: 'imetrics-direct' }, money(m.direct_cost))],
        [t('imetrics.longTermCost'), h('span', { id: 'imetrics-longterm' }, money(m.long_term_cost))],
        [t('imetrics.nextReview'), h('span', { id: 'imetrics-review' }, reviewDue(m.review))],
      ]),
      h('p', { class: 'downloads-row' }, t('imetrics.report'), ' ', reportLinks('incidents', window, 'imetrics-report'))),
    card('imetrics-samm', t('imetrics.samm'), t('imetrics.sammIntro', { target: fmtPercent(samm.target / 100, 0) }),
      table([
        { label: t('imetrics.metric'), cell: ([k]) => t('imetrics.samm.' + k), class: 'wrap' },
        { label: t('imetrics.numerator'), cell: ([, r]) => fmtNumber(r.numerator), class: 'num' },
        { label: t('imetrics.denominator'), cell: ([, r]) => fmtNumber(r.denominator), class: 'num' },
        { label: t('imetrics.percent'), cell: ([, r]) => (r.percent === null || r.percent === undefined ? '—' : fmtPercent(r.percent / 100)), class: 'num' },
        { label: t('imetrics.status'), cell: ([, r]) => sammStatus(r) },
      ], metrics, { class: 'samm', row: ([k]) => ({ dataset: { metric: k } }) })),
    h('div', { class: 'grid-charts' }, CHARTS.map((name) => chart(name, window))),
    h('div', { class: 'grid-dash' },
      card('imetrics-by-category', t('imetrics.byCategory'), null, counts((m.by_category || []).filter((c) => c.incidents > 0), 'incident.category')),
      card('imetrics-by-severity', t('imetrics.bySeverity'), null, counts((m.by_severity || []).filter((c) => c.incidents > 0), 'incident.severity')),
      card('imetrics-by-project', t('imetrics.byProject'), m.unattributed ? t('imetrics.unattributed', { n: fmtNumber(m.unattributed) }) : null,
        counts(m.by_project)),
      card('imetrics-times', t('imetrics.times'), null, table([
        { label: t('imetrics.step'), cell: ([k]) => t('imetrics.time.' + k) },
        { label: t('imetrics.incidents'), cell: ([, x]) => fmtNumber(x.incidents), class: 'num' },
        { label: t('imetrics.median'), cell: ([, x]) => hours(x.median_hours), class: 'num' },
        { label: t('imetrics.mean'), cell: ([, x]) => hours(x.mean_hours), class: 'num' },
      ], times))),
    card('imetrics-rows', t('imetrics.rows'), m.withheld ? t('imetrics.withheld', { n: fmtNumber(m.withheld) }) : null, table([
      { label: t('incident.id'), cell: (x) => h('a', { href: '/incidents/' + x.id }, '#' + x.id), class: 'nowrap' },
      { label: t('incident.title'), cell: (x) => h('a', { href: '/incidents/' + x.id }, x.title), class: 'wrap' },
      { label: t('incident.category'), cell: (x) => label('incident.category', x.category) },
      { label: t('incident.severityLabel'), cell: (x) => label('incident.severity', x.severity) },
      { label: t('incident.stateLabel'), cell: (x) => label('incident.state', x.state) },
      { label: t('imetrics.detected'), cell: (x) => fmtDay(x.detected), class: 'nowrap' },
    ], m.rows || [], { class: 'imetrics-rows', row: (x) => ({ dataset: { id: String(x.id) } }) })));
}
