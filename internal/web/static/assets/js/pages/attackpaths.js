// Attack paths (docs/attack-paths.md): the stored analyses (GET
// /api/v1/attack-paths/latest and /{id}) and models, and a form to paste or
// upload a network model
// (MulVAL input facts or vmc's JSON), analyse it without storing it
// (POST /api/v1/attack-paths/analyse), and see the attack graph as SVG,
// the ranked paths (a click highlights one in the graph) and the smallest
// set of fixes that cuts every path to the goals.

import { h } from '../dom.js';
import { t, fmtNumber, fmtPercent, fmtDateTime } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { setTitle, field, input, textarea, submitter, section, card, table, dl, link, mono, formStatus, splitList } from '../ui.js';
import { svg, layout } from '../graph.js';

const MAX_LABEL = 34; // characters shown in a node; the full fact is its tooltip
const CHAR_W = 6.8; // px per character of the 12px monospace labels
const NODE_H = 30;

// nodeClass is how a node is drawn: the attacker's location and the goals
// stand out from derived privileges (OR), rule firings (AND) and stated
// facts (LEAF).
function nodeClass(n) {
  if (n.kind === 'LEAF' && n.label.startsWith('attackerLocated(')) return 'attacker';
  if (n.goal) return 'goal';
  return { OR: 'or', AND: 'and', LEAF: 'leaf' }[n.kind] || 'leaf';
}

function shortLabel(s) {
  return s.length > MAX_LABEL ? s.slice(0, MAX_LABEL - 1) + '…' : s;
}

// shape draws a node of width w centred on (0, 0).
function shape(cls, w) {
  const hw = w / 2;
  const hh = NODE_H / 2;
  switch (cls) {
    case 'and':
      return svg('ellipse', { rx: hw, ry: hh });
    case 'attacker':
      return svg('polygon', { points: [[-hw, 0], [-hw + 10, -hh], [hw - 10, -hh], [hw, 0], [hw - 10, hh], [-hw + 10, hh]].map((p) => p.join(',')).join(' ') });
    case 'or': case 'goal':
      return svg('rect', { x: -hw, y: -hh, width: w, height: NODE_H, rx: hh, ry: hh });
    default:
      return svg('rect', { x: -hw, y: -hh, width: w, height: NODE_H });
  }
}

// derivationDepth is the round in which each node first holds: stated
// facts 0, a rule firing one more than its latest premise, a derived fact
// one more than its earliest firing. Edges against it close loops of the
// derivation (root on db lets the attacker sniff a password that gave
// root on db), so they are the ones the layout turns round.
function derivationDepth(graph) {
  const into = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const e of graph.edges) if (into.has(e.to)) into.get(e.to).push(e.from);
  const depth = new Map();
  for (const n of graph.nodes) if (n.kind === 'LEAF') depth.set(n.id, 0);
  for (let changed = true; changed;) {
    changed = false;
    for (const n of graph.nodes) {
      if (n.kind === 'LEAF') continue;
      const ds = into.get(n.id).map((p) => depth.get(p)).filter((d) => d !== undefined);
      let d;
      if (n.kind === 'AND') d = ds.length === into.get(n.id).length ? 1 + Math.max(0, ...ds) : undefined;
      else d = ds.length ? 1 + Math.min(...ds) : undefined;
      if (d !== undefined && (depth.get(n.id) === undefined || d < depth.get(n.id))) {
        depth.set(n.id, d);
        changed = true;
      }
    }
  }
  return depth;
}

// attackGraph draws the report's graph. highlight(nodeIds) marks a path's
// nodes and the edges between them; null clears it.
function attackGraph(graph) {
  const sized = graph.nodes.map((n) => ({ id: n.id, w: Math.max(60, shortLabel(n.label).length * CHAR_W + 24), h: NODE_H }));
  const lay = layout(sized, graph.edges, derivationDepth(graph));
  const pad = 12;
  const W = Math.ceil(lay.width + 2 * pad);
  const H = Math.ceil(lay.height + 2 * pad);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const arrow = (id) => svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
  const edgeEls = lay.edges.map((e) => svg('polyline', {
    class: ['edge', e.back && 'back'].filter(Boolean).join(' '),
    points: e.points.map((p) => `${(p.x + pad).toFixed(1)},${(p.y + pad).toFixed(1)}`).join(' '),
    'marker-end': 'url(#ap-arrow)', 'data-from': e.from, 'data-to': e.to,
  }));
  const nodeEls = lay.nodes.map((p) => {
    const n = byId.get(p.id);
    const cls = nodeClass(n);
    const tip = n.kind === 'AND'
      ? `${n.label}: ${n.desc || ''}${n.prob ? ' (' + fmtPercent(n.prob, 0) + ')' : ''}`
      : n.label;
    return svg('g', { class: 'node ' + cls, transform: `translate(${(p.x + pad).toFixed(1)},${(p.y + pad).toFixed(1)})`, 'data-id': n.id, 'data-kind': n.kind, 'data-label': n.label },
      svg('title', null, tip), shape(cls, p.w),
      svg('text', { 'text-anchor': 'middle', 'dominant-baseline': 'central' }, shortLabel(n.label)));
  });
  const el = svg('svg', { id: 'ap-svg', class: 'attack-graph', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('attack.graphAlt', { nodes: graph.nodes.length, edges: graph.edges.length }) },
    svg('defs', null, arrow('ap-arrow')), svg('g', { class: 'edges' }, edgeEls), svg('g', { class: 'nodes' }, nodeEls));
  // At first the drawing fits the page's width (the viewBox scales it);
  // zooming sets its size in pixels from there, inside a scrolling box.
  const fit = () => {
    el.setAttribute('width', '100%');
    el.removeAttribute('height');
  };
  const zoom = (f) => {
    if (f === 0) return fit();
    const now = el.getBoundingClientRect().width / W || 1;
    const scale = Math.min(4, Math.max(0.1, now * f));
    el.setAttribute('width', Math.round(W * scale));
    el.setAttribute('height', Math.round(H * scale));
  };
  fit();
  const highlight = (ids) => {
    el.classList.toggle('highlighting', !!ids);
    for (const g of nodeEls) g.classList.toggle('on', !!ids && ids.has(Number(g.dataset.id)));
    for (const l of edgeEls) l.classList.toggle('on', !!ids && ids.has(Number(l.dataset.from)) && ids.has(Number(l.dataset.to)));
  };
  return { el, zoom, highlight };
}

// pathNodes finds a path's nodes in the graph: each step's conclusion
// (OR), the stated facts it uses (LEAF), and the rule firing (AND) of that
// step: the one with the step's rule, concluding its fact, whose derived
// premises are earlier steps' conclusions and whose stated ones the step
// uses. Premises the path does not list (the model's type facts) are
// lit with their firing.
function pathNodes(graph, path) {
  const byLabel = new Map();
  for (const n of graph.nodes) if (n.kind !== 'AND') byLabel.set(n.label, n.id);
  const into = new Map();
  const from = new Map();
  for (const e of graph.edges) {
    if (!into.has(e.to)) into.set(e.to, []);
    into.get(e.to).push(e.from);
    if (!from.has(e.from)) from.set(e.from, []);
    from.get(e.from).push(e.to);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const facts = new Set(path.steps.map((s) => s.fact));
  const ids = new Set();
  for (const s of path.steps) {
    const f = byLabel.get(s.fact);
    if (f === undefined) continue;
    ids.add(f);
    const uses = new Set(s.uses || []);
    for (const u of uses) if (byLabel.has(u)) ids.add(byLabel.get(u));
    const firing = (into.get(f) || []).find((a) => {
      const n = byId.get(a);
      if (n.kind !== 'AND' || n.label !== s.rule) return false;
      return (into.get(a) || []).every((p) => {
        const q = byId.get(p);
        return q.kind === 'OR' ? facts.has(q.label) : uses.has(q.label) || q.label.startsWith('dom_') || !(from.get(p) || []).length;
      });
    });
    if (firing !== undefined) {
      ids.add(firing);
      for (const p of into.get(firing) || []) ids.add(p);
    }
  }
  return ids;
}

function legend() {
  const item = (cls, text) => h('li', null,
    svg('svg', { class: 'attack-graph legend-swatch', viewBox: '-32 -16 64 32', width: 48, height: 24, 'aria-hidden': 'true' }, svg('g', { class: 'node ' + cls }, shape(cls, 60))),
    ' ', text);
  return h('ul', { class: 'plain graph-legend', id: 'ap-legend' },
    item('attacker', t('attack.kind.attacker')), item('goal', t('attack.kind.goal')), item('or', t('attack.kind.or')),
    item('and', t('attack.kind.and')), item('leaf', t('attack.kind.leaf')));
}

function fixesView(rep) {
  if (rep.fix_error) return h('div', { class: 'alert error', id: 'ap-fix-error' }, t('attack.unfixable'), ' ', h('span', { class: 'detail' }, rep.fix_error));
  if (!rep.fixes) return h('p', { class: 'muted' }, t('attack.noFixSearch'));
  const f = rep.fixes;
  return h('div', null,
    h('p', { id: 'ap-fix-note', class: f.exact ? 'muted' : 'alert warn', dataset: { exact: String(f.exact) } },
      f.exact ? t('attack.fixesExact', { n: fmtNumber(f.fixes.length), evaluations: fmtNumber(f.evaluations) })
        : t('attack.fixesGreedy', { n: fmtNumber(f.fixes.length), evaluations: fmtNumber(f.evaluations) })),
    f.fixes.length ? h('ul', { id: 'ap-fix-list' }, f.fixes.map((x) => h('li', { dataset: { kind: x.kind } },
      h('span', { class: ['badge', x.kind === 'patch' ? 'warn' : 'muted'] }, x.kind === 'patch' ? t('attack.fix.patch') : t('attack.fix.block')), ' ',
      x.kind === 'patch' && x.fact.args.length > 1
        ? t('attack.patchText', { vuln: x.fact.args[1], host: x.fact.args[0] })
        : x.kind === 'block' && x.fact.args.length === 4
          ? t('attack.blockText', { from: x.fact.args[0], to: x.fact.args[1], proto: x.fact.args[2], port: x.fact.args[3] }) : '',
      ' ', mono(x.fact.pred + '(' + x.fact.args.join(',') + ')')))) : null);
}

// reportView shows one report: goals, graph, paths, fixes.
export function reportView(rep) {
  const graph = rep.graph || { nodes: [], edges: [] };
  const paths = rep.paths || [];
  const goals = h('section', { class: 'card', id: 'ap-goals' }, h('h2', null, t('attack.goals')),
    rep.goals && rep.goals.length
      ? h('ul', { class: 'plain' }, rep.goals.map((g) => h('li', null, h('span', { class: 'badge danger goal-reached' }, t('attack.reached')), ' ', mono(g))))
      : h('p', { class: 'alert ok', id: 'ap-no-goal' }, t('attack.noGoal')));
  if (!graph.nodes.length) return h('div', { id: 'ap-result' }, goals);
  const g = attackGraph(graph);
  let selected = null;
  const items = paths.map((p, i) => {
    const ids = pathNodes(graph, p);
    const li = h('li', { class: 'path', dataset: { path: i } },
      h('button', {
        type: 'button', class: 'link path-select', 'aria-pressed': 'false',
        on: {
          click: () => {
            selected = selected === i ? null : i;
            g.highlight(selected === null ? null : ids);
            for (const other of list.querySelectorAll('.path')) {
              const on = Number(other.dataset.path) === selected;
              other.classList.toggle('selected', on);
              other.querySelector('button').setAttribute('aria-pressed', String(on));
            }
          },
        },
      }, t('attack.pathTitle', { n: i + 1, goal: p.goal, likelihood: fmtPercent(p.likelihood, 1), steps: p.steps.length })),
      h('ol', { class: 'steps small' }, p.steps.map((s) => h('li', null,
        h('strong', null, s.rule), ' ', mono(s.fact), s.desc ? h('span', { class: 'muted' }, ' — ', s.desc) : null,
        (s.uses || []).length ? h('ul', { class: 'plain muted' }, s.uses.map((u) => h('li', null, mono(u)))) : null))));
    return li;
  });
  const list = h('ol', { id: 'ap-paths', class: 'paths' }, items);
  const zoomBtn = (text, f, id) => h('button', { type: 'button', class: 'secondary', id, on: { click: () => g.zoom(f) } }, text);
  return h('div', { id: 'ap-result' },
    goals,
    h('section', { class: 'card', id: 'ap-graph' },
      h('h2', null, t('attack.graph')),
      h('p', { class: 'muted small' }, t('attack.graphSummary', { nodes: fmtNumber(graph.nodes.length), edges: fmtNumber(graph.edges.length) })),
      legend(),
      h('div', { class: 'actions' }, zoomBtn(t('attack.zoomIn'), 1.25, 'ap-zoom-in'), zoomBtn(t('attack.zoomOut'), 0.8, 'ap-zoom-out'), zoomBtn(t('attack.zoomFit'), 0, 'ap-zoom-fit')),
      h('div', { class: 'graph-wrap' }, g.el)),
    section(t('attack.paths'), h('p', { class: 'muted small' }, t('attack.pathsIntro')),
      paths.length ? list : h('p', { class: 'muted' }, t('attack.noPaths'))),
    h('section', { class: 'card', id: 'ap-fixes' }, h('h2', null, t('attack.fixes')), fixesView(rep)));
}

function modelForm(show) {
  const model = textarea('model', '', { id: 'ap-model', rows: 14, class: 'mono', spellcheck: 'false', required: true, maxlength: 1048576, placeholder: t('attack.modelPlaceholder') });
  let fileName = '';
  const file = input('file', 'file', '', { id: 'ap-file', accept: '.P,.pl,.json,.txt,text/plain,application/json' });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    fileName = f.name;
    model.value = await f.text();
  });
  model.addEventListener('input', () => { if (!file.files || !file.files.length) fileName = ''; });
  const goals = input('goals', 'text', '', { id: 'ap-goals-input', placeholder: 'execCode(db,_)' });
  const attackers = input('attackers', 'text', '', { id: 'ap-attackers', placeholder: 'internet' });
  const k = input('paths', 'number', '3', { id: 'ap-k', min: 1, max: 20 });
  const status = formStatus('ap-status');
  const go = h('button', { type: 'submit', class: 'primary', id: 'ap-analyse' }, t('attack.analyse'));
  return h('form', {
    class: 'card', id: 'ap-form',
    on: {
      submit: submitter(status, go, async () => {
        const rep = await api('POST', '/api/v1/attack-paths/analyse', {
          body: { model: model.value, file: fileName || undefined, goals: splitList(goals.value), attackers: splitList(attackers.value), paths: Number(k.value) || 3 },
        });
        show(rep);
        go.disabled = false;
      }),
    },
  },
  h('h2', null, t('attack.model')),
  h('p', { class: 'muted small' }, t('attack.modelIntro')),
  field(t('attack.file'), file),
  field(t('attack.modelText'), model),
  h('div', { class: 'grid-form' },
    field(t('attack.goalsInput'), goals, t('attack.goalsHint')),
    field(t('attack.attackersInput'), attackers, t('attack.attackersHint')),
    field(t('attack.k'), k)),
  status,
  h('div', { class: 'actions' }, go));
}

// STORED_SHOWN is how many stored analyses the list shows. The API serves
// the latest and each by id (no list), so the list walks back from the
// latest id, skipping ids that are gone.
const STORED_SHOWN = 10;

async function storedAnalyses() {
  let latest;
  try {
    latest = await api('GET', '/api/v1/attack-paths/latest');
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
  const ids = [];
  for (let id = latest.id - 1; id >= 1 && ids.length < STORED_SHOWN - 1; id--) ids.push(id);
  const older = await Promise.all(ids.map((id) => api('GET', '/api/v1/attack-paths/' + id).catch((err) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  })));
  return [latest, ...older.filter(Boolean)];
}

// storedCard lists stored analyses (made by "vmc attackpath analyse
// --model/--inventory") and the stored models; selecting one shows it.
async function storedCard(selected) {
  const [list, models] = await Promise.all([storedAnalyses(), api('GET', '/api/v1/attack-models')]);
  return card('ap-stored', t('attack.stored'), t('attack.storedIntro'),
    table([
      { label: '#', cell: (a) => String(a.id), class: 'num' },
      { label: t('attack.storedModel'), cell: (a) => [a.model ? mono(a.model) : null, a.inventory ? h('span', { class: 'badge muted' }, t('attack.inventory')) : null] },
      { label: t('attack.at'), cell: (a) => fmtDateTime(a.at), class: 'nowrap' },
      { label: t('attack.by'), cell: (a) => a.by },
      { label: t('attack.goals'), cell: (a) => fmtNumber((a.report.goals || []).length), class: 'num' },
      { label: t('attack.paths'), cell: (a) => fmtNumber((a.report.paths || []).length), class: 'num' },
      { label: '', cell: (a) => (a.id === selected ? h('span', { class: 'badge ok' }, t('attack.shown')) : link('/attack-paths?analysis=' + a.id, t('attack.view'))) },
    ], list, { class: 'attack-analyses', empty: t('attack.noStored'), row: (a) => ({ dataset: { analysis: a.id } }) }),
    h('h3', null, t('attack.models')),
    table([
      { label: t('attack.storedModel'), cell: (m) => mono(m.name) },
      { label: t('attack.format'), cell: (m) => m.format },
      { label: t('attack.by'), cell: (m) => m.by },
      { label: t('attack.updated'), cell: (m) => fmtDateTime(m.updated), class: 'nowrap' },
    ], models.items, { class: 'attack-models', empty: t('attack.noModels') }));
}

function storedView(a) {
  return h('div', { id: 'ap-stored-view' },
    h('h2', null, t('attack.storedTitle', { id: a.id })),
    dl([[t('attack.storedModel'), a.model ? mono(a.model) : ''], [t('attack.inventory'), a.inventory ? t('attack.yes') : ''],
      [t('attack.at'), fmtDateTime(a.at)], [t('attack.by'), a.by]]),
    (a.notes || []).length ? h('ul', { class: 'muted small', id: 'ap-notes' }, a.notes.map((n) => h('li', null, n))) : null,
    reportView(a.report));
}

export async function attackPathsPage({ query, can }) {
  setTitle(t('attack.title'));
  const result = h('div', { id: 'ap-out' });
  const show = (rep) => result.replaceChildren(reportView(rep));
  // Stored analyses span every team's assets: the API serves them to whoever
  // reads all of them; anyone else sees the paste form alone.
  const selected = Number(query.get('analysis')) || 0;
  let stored = null;
  if (can('asset.read')) {
    try {
      stored = await storedCard(selected);
      if (selected) result.append(storedView(await api('GET', '/api/v1/attack-paths/' + selected)));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 403) throw err;
      stored = null;
    }
  }
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('attack.title'))),
    h('p', { class: 'muted' }, t('attack.intro')),
    stored,
    modelForm(show),
    result);
}

