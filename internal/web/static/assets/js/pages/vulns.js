// Vulnerabilities: the searchable list and the merged record, every field
// with the source that says it.

import { h, extLink } from '../dom.js';
import { t, label, langName, fmtDate, fmtDateTime, fmtNumber, fmtPercent } from '../i18n.js';
import { api } from '../api.js';
import { navigate, pathWith } from '../router.js';
import {
  setTitle, table, dl, section, kevBadge, field, select, input, pager, pickText, langText, json, mono, checkGroup, listParam, flag,
  actionButton, formStatus,
} from '../ui.js';

// sources are the feeds vmc reads, in its default precedence order; they
// are names of data sources, shown as they are.
const SOURCES = ['vmc', 'cve5', 'cisa-adp', 'nvd', 'ghsa', 'osv', 'csaf', 'jvn', 'euvd', 'cnvd', 'cnnvd', 'kev', 'epss'];

// cursors remembers the pages before the current one, per search, so
// that "previous" can go back through an opaque-cursor list.
const cursors = { key: '', stack: [] };

const SEVERITIES = ['critical', 'high', 'medium', 'low'];

// SORTS are the orders offered; '' is the API's default, newest first.
const SORTS = [
  ['', 'vulns.sort.newest'],
  ['published', 'vulns.sort.oldest'],
  ['-updated', 'vulns.sort.updated'],
  ['-score', 'vulns.sort.score'],
  ['-epss', 'vulns.sort.epss'],
  ['id', 'vulns.sort.id'],
];

function severityText(s) {
  if (s.score) return fmtNumber(s.score, 1) + (s.rating ? ' ' + s.rating : '');
  return s.rating || '';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

// vulnFilters reads the list's filters from the page's query, keeping
// only values the API accepts, so that a hand-edited URL shows what it
// asks for or nothing rather than an error.
function vulnFilters(query) {
  const epss = Number(query.get('epss_min'));
  const sort = query.get('sort') || '';
  return {
    q: query.get('q') || '',
    source: query.get('source') || '',
    kev: flag(query, 'kev'),
    severity: listParam(query, 'severity', SEVERITIES),
    epss_min: epss > 0 && epss <= 1 ? epss : '',
    published_from: DAY.test(query.get('published_from') || '') ? query.get('published_from') : '',
    published_to: DAY.test(query.get('published_to') || '') ? query.get('published_to') : '',
    sort: SORTS.some(([v]) => v === sort) ? sort : '',
  };
}

function vulnPath(f, after) {
  return pathWith('/vulns', { ...f, severity: f.severity.join(','), after });
}

export async function vulnListPage({ query }) {
  setTitle(t('nav.vulns'));
  const f = vulnFilters(query);
  const after = query.get('after') || '';
  const key = JSON.stringify(f);
  if (cursors.key !== key || !after) { cursors.key = key; cursors.stack = []; }

  const page = await api('GET', '/api/v1/vulns', { query: { ...f, severity: f.severity.join(','), after, limit: 50 } });

  const qIn = input('q', 'search', f.q, { id: 'vuln-q', placeholder: t('vulns.searchPlaceholder'), maxlength: 200 });
  const kevIn = input('kev', 'checkbox', '', { id: 'vuln-kev', checked: f.kev });
  const srcIn = select('source', [['', t('vulns.anySource')], ...SOURCES.map((s) => [s, s])], f.source);
  srcIn.id = 'vuln-source';
  const sevIn = checkGroup('severity', t('vulns.severity'), SEVERITIES.map((s) => [s, label('sev', s)]), f.severity);
  // EPSS is a probability; people read it as a percentage.
  const epssIn = input('epss_min', 'number', f.epss_min ? String(Math.round(f.epss_min * 1000) / 10) : '',
    { id: 'vuln-epss', min: 0, max: 100, step: 'any', inputmode: 'decimal', class: 'short' });
  const fromIn = input('published_from', 'date', f.published_from, { id: 'vuln-from' });
  const toIn = input('published_to', 'date', f.published_to, { id: 'vuln-to' });
  const sortIn = select('sort', SORTS.map(([v, k]) => [v, t(k)]), f.sort);
  sortIn.id = 'vuln-sort';
  const read = () => {
    const epss = Number(epssIn.value);
    return {
      q: qIn.value.trim(), source: srcIn.value, kev: kevIn.checked, severity: sevIn.values(),
      epss_min: epssIn.value !== '' && epss > 0 ? Math.min(epss, 100) / 100 : '',
      published_from: fromIn.value, published_to: toIn.value, sort: sortIn.value,
    };
  };
  const form = h('form', {
    class: 'filters', role: 'search', id: 'vuln-filters',
    on: { submit: (ev) => { ev.preventDefault(); navigate(vulnPath(read())); } },
  },
  field(t('vulns.search'), qIn),
  field(t('vulns.source'), srcIn),
  sevIn,
  field(t('vulns.epssMin'), epssIn),
  field(t('vulns.publishedFrom'), fromIn),
  field(t('vulns.publishedTo'), toIn),
  field(t('vulns.kevOnly'), kevIn),
  field(t('common.sort'), sortIn),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.search')),
    key !== JSON.stringify(vulnFilters(new URLSearchParams())) ? h('a', { href: '/vulns', class: 'reset' }, t('common.reset')) : null));
  // A new order applies at once: there is nothing else to fill in.
  sortIn.addEventListener('change', () => navigate(vulnPath({ ...f, sort: sortIn.value })));

  const rows = page.items || [];
  const list = table([
    { label: t('vuln.id'), cell: (v) => h('a', { href: '/vulns/' + encodeURIComponent(v.id), class: 'mono' }, v.id), class: 'nowrap' },
    {
      label: t('vuln.title'),
      cell: (v) => {
        const text = pickText(v.titles);
        return [
          text ? langText('span', text, 'advisory-text') : h('span', { class: 'muted' }, t('common.none')),
          v.rejected ? [' ', h('span', { class: 'badge muted' }, t('vuln.rejected'))] : null,
          v.withdrawn ? [' ', h('span', { class: 'badge muted' }, t('vuln.withdrawn'))] : null,
        ];
      },
    },
    { label: t('vuln.severity'), cell: (v) => severityText(v), class: 'nowrap severity' },
    { label: t('vuln.kev'), cell: (v) => (v.kev ? kevBadge() : ''), class: 'center' },
    { label: t('vuln.epss'), cell: (v) => (v.epss ? fmtPercent(v.epss, 2) : ''), class: 'num' },
    { label: t('vuln.sources'), cell: (v) => (v.sources || []).join(', '), class: 'small' },
    { label: t('vuln.published'), cell: (v) => fmtDate(v.published), class: 'nowrap' },
  ], rows, { empty: t('vulns.none'), class: 'vulns', row: (v) => ({ dataset: { id: v.id, rating: (v.rating || '').toLowerCase() } }) });

  const prev = after ? () => navigate(vulnPath(f, cursors.stack.pop() || '')) : null;
  const next = page.next ? () => { cursors.stack.push(after); navigate(vulnPath(f, page.next)); } : null;

  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('vulns.title'))),
    form,
    list,
    pager(prev, next));
}

// provenance says where a claim comes from.
function provenance(c) {
  return h('div', { class: 'prov' },
    h('span', { class: 'badge source', dataset: { source: c.source } }, c.source), ' ',
    t('vuln.record'), ' ', mono(c.record),
    c.document ? [' · ', t('vuln.document'), ' ', mono(c.document)] : null,
    ' · ', t('vuln.seen', { at: fmtDateTime(c.seen) }),
    c.replaced ? [' · ', t('vuln.replaced', { at: fmtDateTime(c.replaced) })] : null);
}

function list(items, fn) {
  return h('ul', { class: 'plain' }, items.map((x) => h('li', null, fn(x))));
}

// more shows the first n items and the rest behind a disclosure.
function more(items, n, fn) {
  if (items.length <= n) return list(items, fn);
  return [list(items.slice(0, n), fn),
    h('details', null, h('summary', null, t('common.showMore', { n: items.length - n })), list(items.slice(n), fn))];
}

function events(r) {
  return (r.events || []).map((e) => {
    if (e.introduced !== undefined) return t('range.introduced', { v: e.introduced });
    if (e.fixed !== undefined) return t('range.fixed', { v: e.fixed });
    if (e.last_affected !== undefined) return t('range.lastAffected', { v: e.last_affected });
    if (e.limit !== undefined) return t('range.limit', { v: e.limit });
    return JSON.stringify(e);
  }).join(' → ');
}

// value renders one claim's value, by field.
function value(fieldName, v) {
  switch (fieldName) {
    case 'title': case 'description':
      return h('p', { class: 'advisory-text' }, String(v));
    case 'published': case 'modified': case 'withdrawn':
      return fmtDateTime(v);
    case 'state': case 'tlp':
      return mono(String(v));
    case 'severity':
      return h('div', null, h('strong', null, v.type), ' ', severityText(v),
        v.vector ? h('div', null, mono(v.vector)) : null,
        v.provider ? h('div', { class: 'muted' }, t('vuln.provider', { p: v.provider })) : null);
    case 'cwes':
      // NVD and CNAs often start the description with the id again.
      return list(v, (c) => {
        const desc = (c.description || '').startsWith(c.id) ? c.description.slice(c.id.length).trim() : (c.description || '');
        return [mono(c.id), desc ? ' ' + desc : '', c.provider ? h('span', { class: 'muted' }, ' (' + c.provider + ')') : ''];
      });
    case 'affected':
      return more(v, 8, (a) => h('div', { class: 'affected' },
        h('strong', null, a.package ? [a.ecosystem ? a.ecosystem + ' / ' : '', a.package] : [a.vendor || '', ' ', a.product || '']),
        a.purl ? h('div', null, mono(a.purl)) : null,
        (a.cpes || []).length ? h('div', null, (a.cpes || []).map((c) => h('div', null, mono(c)))) : null,
        (a.ranges || []).map((r) => h('div', null, h('span', { class: 'muted' }, r.type + ': '), events(r))),
        (a.versions || []).length ? h('div', null, h('span', { class: 'muted' }, t('vuln.versions') + ': '),
          a.versions.slice(0, 30).join(', '), a.versions.length > 30 ? ' ' + t('common.andMore', { n: a.versions.length - 30 }) : '') : null));
    case 'references':
      return more(v, 10, (r) => [h('span', { class: 'badge muted' }, r.type || 'WEB'), ' ', extLink(r.url)]);
    case 'credits':
      return list(v, (c) => [c.name, c.type ? h('span', { class: 'muted' }, ' (' + c.type + ')') : '']);
    case 'notes':
      return list(v, (n) => h('div', { lang: n.lang || undefined }, n.title ? h('strong', null, n.title + ' ') : null,
        n.category ? h('span', { class: 'muted' }, '[' + n.category + '] ') : null, h('span', { class: 'advisory-text' }, n.text)));
    case 'kev':
      return dl([
        [t('kev.dateAdded'), fmtDate(v.date_added)],
        [t('kev.dueDate'), fmtDate(v.due_date)],
        [t('kev.product'), [v.vendor_project, v.product].filter(Boolean).join(' ')],
        [t('kev.name'), v.name],
        [t('kev.requiredAction'), v.required_action],
        [t('kev.ransomware'), v.known_ransomware_campaign_use],
        [t('kev.notes'), v.notes],
        [t('kev.catalog'), v.catalog],
      ]);
    case 'epss':
      return dl([
        [t('epss.score'), fmtPercent(v.score, 2)],
        [t('epss.percentile'), v.percentile ? fmtPercent(v.percentile, 1) : ''],
        [t('epss.date'), fmtDate(v.date)],
        [t('epss.model'), v.model],
      ]);
    case 'ssvc':
      return dl([
        [t('ssvc.exploitation'), v.exploitation],
        [t('ssvc.automatable'), v.automatable],
        [t('ssvc.technicalImpact'), v.technical_impact],
        [t('ssvc.provider'), v.provider],
        [t('ssvc.timestamp'), fmtDateTime(v.timestamp)],
      ]);
    case 'aliases': case 'related':
      return h('span', null, v.map((id, i) => [i ? ', ' : '', h('a', { href: '/vulns/' + encodeURIComponent(id), class: 'mono' }, id)]));
    default:
      return h('details', null, h('summary', null, t('common.showData')), json(v));
  }
}

// fieldView renders a field: the chosen claim with its source, and the
// other sources' claims behind a disclosure, marked when they agree.
function fieldView(fv) {
  const [chosen, ...others] = fv.claims;
  const same = (c) => JSON.stringify(c.value) === JSON.stringify(chosen.value);
  const isText = fv.field === 'title' || fv.field === 'description';
  const lang = isText ? fv.key : undefined;
  const name = label('field', fv.field);
  const keyText = fv.key ? (isText ? t('vuln.inLang', { lang: langName(fv.key) }) : fv.key) : '';
  return h('div', { class: 'field-view', dataset: { field: fv.field, key: fv.key || '' } },
    h('h3', null, name, keyText ? h('span', { class: 'muted key' }, ' · ' + keyText) : null),
    h('div', { class: 'claim chosen', lang }, value(fv.field, chosen.value), provenance(chosen)),
    others.length ? h('details', { class: 'others' },
      h('summary', null, t('vuln.otherClaims', { n: others.length })),
      others.map((c) => h('div', { class: 'claim', lang },
        same(c) ? h('p', { class: 'muted' }, t('vuln.sameValue')) : value(fv.field, c.value), provenance(c)))) : null);
}

export async function vulnPage({ params, can }) {
  const id = params[0];
  const v = await api('GET', '/api/v1/vulns/' + encodeURIComponent(id));
  const sugg = await api('GET', '/api/v1/vulns/' + encodeURIComponent(id) + '/suggestions');
  const s = v.summary || {};
  setTitle(v.id);
  const title = pickText(s.titles);
  const fields = v.fields || [];
  const texts = fields.filter((f) => f.field === 'title' || f.field === 'description');
  const rest = fields.filter((f) => f.field !== 'title' && f.field !== 'description');

  return h('article', { class: 'vuln' },
    h('div', { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '/vulns' }, t('nav.vulns'))),
      h('h1', { class: 'mono' }, v.id),
      title ? langText('p', title, 'lead advisory-text') : null,
      h('div', { class: 'badges' },
        s.kev ? kevBadge() : null,
        s.score || s.rating ? h('span', { class: 'badge severity' }, t('vuln.severity') + ' ' + severityText(s)) : null,
        s.epss ? h('span', { class: 'badge' }, t('vuln.epss') + ' ' + fmtPercent(s.epss, 2)) : null,
        s.rejected ? h('span', { class: 'badge muted' }, t('vuln.rejected')) : null,
        s.withdrawn ? h('span', { class: 'badge muted' }, t('vuln.withdrawn')) : null)),
    section(t('vuln.overview'), dl([
      [t('vuln.aliases'), h('span', null, (v.aliases || []).map((a, i) => [i ? ', ' : '', mono(a)]))],
      [t('vuln.published'), fmtDateTime(s.published)],
      [t('vuln.modified'), fmtDateTime(s.modified)],
      [t('vuln.sources'), (s.sources || []).join(', ')],
      [t('nav.findings'), h('a', { href: pathWith('/findings', { vuln: v.id, all: true }) }, t('vuln.findingsLink'))],
    ])),
    h('section', { class: 'card', id: 'texts' }, h('h2', null, t('vuln.texts')),
      texts.length ? texts.map(fieldView) : h('p', { class: 'muted' }, t('common.none'))),
    h('section', { class: 'card', id: 'fields' }, h('h2', null, t('vuln.fields')), rest.map(fieldView)),
    enrichmentSection(v.enrichment || []),
    suggestionsSection(v.id, sugg.items || [], can && can('advisory.publish')),
    h('section', { class: 'card', id: 'sources' }, h('h2', null, t('vuln.sourceRecords')),
      table([
        { label: t('vuln.source'), cell: (r) => h('span', { class: 'badge source', dataset: { source: r.source } }, r.source) },
        { label: t('vuln.record'), cell: (r) => mono(r.record) },
        { label: t('vuln.document'), cell: (r) => (r.document ? mono(r.document) : '') },
        { label: t('vuln.modified'), cell: (r) => fmtDateTime(r.modified) },
        { label: t('vuln.lastChanged'), cell: (r) => fmtDateTime(r.seen) },
        { label: t('vuln.retired'), cell: (r) => fmtDateTime(r.retired) },
      ], v.sources || [], { class: 'sources' })));
}

// FACETS are what other sources can complete in a record.
const FACETS = ['cwe', 'cvss', 'affected', 'fixed'];

// enrichmentSection shows, per source record, whether it states each
// facet itself, which source fills it, or that nobody does.
function enrichmentSection(rows) {
  const cell = (r, facet) => {
    const f = (r.fills || []).find((x) => x.facet === facet) || {};
    if (f.own) return h('span', { class: 'muted' }, t('enrich.own'));
    if (f.from) {
      return h('span', { class: 'badge source', dataset: { source: f.from.source }, title: f.from.record },
        t('enrich.from', { source: f.from.source }));
    }
    return h('span', { class: 'muted' }, t('enrich.missing'));
  };
  return h('section', { class: 'card', id: 'enrichment' }, h('h2', null, t('enrich.title')),
    h('p', { class: 'muted small' }, t('enrich.intro')),
    table([
      { label: t('vuln.source'), cell: (r) => h('span', { class: 'badge source', dataset: { source: r.source } }, r.source) },
      { label: t('vuln.record'), cell: (r) => mono(r.record) },
      ...FACETS.map((facet) => ({ label: t('enrich.' + facet), cell: (r) => cell(r, facet) })),
    ], rows, { class: 'enrichment' }));
}

// suggestionsSection lists the model's suggestions with their confidence;
// whoever may publish asks for new ones and accepts or rejects each.
function suggestionsSection(id, items, write) {
  const status = formStatus('suggest-status');
  const body = h('div', null);
  const base = '/api/v1/vulns/' + encodeURIComponent(id) + '/suggestions';
  const render = (list) => {
    body.replaceChildren(list.length
      ? table([
        { label: t('suggest.kind'), cell: (x) => label('suggest.kind', x.kind) },
        { label: t('suggest.value'), cell: (x) => mono(x.value) },
        { label: t('suggest.confidence'), cell: (x) => fmtPercent(x.confidence, 0) },
        { label: t('suggest.alternatives'), cell: (x) => (x.alternatives || []).map((a) => a.class + ' ' + fmtPercent(a.p, 0)).join(', ') },
        { label: t('suggest.model'), cell: (x) => mono(x.model) },
        { label: t('suggest.status'), cell: (x) => label('suggest.status', x.status) + (x.decided_by ? ' · ' + x.decided_by : '') },
        {
          label: '',
          cell: (x) => (write && x.status === 'open' ? h('span', { class: 'actions' },
            actionButton(t('suggest.accept'), status, () => decide(x.id, 'accept'), { class: 'primary', dataset: { accept: x.id } }),
            actionButton(t('suggest.reject'), status, () => decide(x.id, 'reject'), { dataset: { reject: x.id } })) : ''),
        },
      ], list, { class: 'suggestions' })
      : h('p', { class: 'muted' }, t('suggest.none')));
  };
  const reload = async () => render((await api('GET', base)).items || []);
  const decide = async (sid, verb) => {
    await api('POST', '/api/v1/suggestions/' + sid + '/' + verb, { body: {} });
    await reload();
  };
  render(items);
  return h('section', { class: 'card', id: 'suggestions' }, h('h2', null, t('suggest.title')),
    h('p', { class: 'muted small' }, t('suggest.intro')),
    body, status,
    write ? h('div', { class: 'actions' }, actionButton(t('suggest.make'), status, async () => {
      render((await api('POST', base)).items || []);
    }, { id: 'suggest-make' })) : null);
}
