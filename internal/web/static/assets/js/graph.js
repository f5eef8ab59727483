// A layered drawing of a directed graph as SVG, for the attack graphs of
// the attack-path page, with no library: Sugiyama's method (Sugiyama,
// Tagawa, Toda 1981) in its plainest form.
//
//   1. Cycles are broken by reversing the edges that go against a given
//      level, or else those a depth-first search finds going back up its
//      stack (a derivation may loop: code on A reaches B, code on B
//      reaches A).
//   2. Longest-path layering, counted from the sinks: a node sits one
//      layer above the highest of its successors, so a premise sits right
//      above what it helps conclude and the goals end up at the bottom.
//   3. Edges spanning several layers get a dummy node per layer crossed.
//   4. Within a layer, nodes are ordered by the barycentre (mean position)
//      of their neighbours in the layer before, sweeping down and up; the
//      order with the fewest crossings seen is kept, then neighbours are
//      swapped while that removes crossings.
//   5. x: each node is pulled to the mean of its neighbours' centres while
//      keeping its order and a minimum gap; y: one row per layer.
//
// The SVG is styled by classes only (app.css): the page's
// Content-Security-Policy allows no inline style.

const NS = 'http://www.w3.org/2000/svg';

// svg creates an SVG element with attributes.
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const LAYER_GAP = 70; // vertical distance between rows
const NODE_GAP = 24; // minimum horizontal gap between neighbours
const DUMMY_W = 8; // width reserved for an edge passing through a layer
const SWEEPS = 12; // barycentre sweeps (down and up count as two)

// breakCycles returns the edges as a DAG (u→v pairs) and which original
// edges were reversed.
function breakCycles(ids, out) {
  const state = new Map(); // 1 on the stack, 2 done
  const reversed = new Set();
  for (const root of ids) {
    if (state.has(root)) continue;
    // Iterative DFS: a deep derivation must not overflow the JS stack.
    const stack = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [u, i] = top;
      const succ = out.get(u);
      if (i >= succ.length) {
        state.set(u, 2);
        stack.pop();
        continue;
      }
      top[1]++;
      const v = succ[i];
      if (state.get(v) === 1) reversed.add(u + '>' + v);
      else if (!state.has(v)) {
        state.set(v, 1);
        stack.push([v, 0]);
      }
    }
  }
  return reversed;
}

// againstLevel returns the edges that go against level (ties broken by
// the nodes' order, a total order, so what is left has no cycle).
function againstLevel(ids, edges, level) {
  const idx = new Map(ids.map((id, i) => [id, i]));
  const key = (v) => [level.get(v) ?? Infinity, idx.get(v)];
  const reversed = new Set();
  for (const e of edges) {
    if (!idx.has(e.from) || !idx.has(e.to)) continue;
    const [a, b] = [key(e.from), key(e.to)];
    if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) reversed.add(e.from + '>' + e.to);
  }
  return reversed;
}

// crossings counts edge crossings between two adjacent layers.
function crossings(upper, lower, down) {
  const pos = new Map(lower.map((v, i) => [v, i]));
  const ends = [];
  upper.forEach((u, i) => {
    for (const v of down.get(u) || []) if (pos.has(v)) ends.push([i, pos.get(v)]);
  });
  let n = 0;
  for (let a = 0; a < ends.length; a++) {
    for (let b = a + 1; b < ends.length; b++) {
      if ((ends[a][0] - ends[b][0]) * (ends[a][1] - ends[b][1]) < 0) n++;
    }
  }
  return n;
}

function totalCrossings(layers, down) {
  let n = 0;
  for (let i = 0; i + 1 < layers.length; i++) n += crossings(layers[i], layers[i + 1], down);
  return n;
}

// reorder sorts layer by the barycentre of each node's neighbours in the
// fixed layer; a node with none keeps its place.
function reorder(layer, fixed, nbrs) {
  const pos = new Map(fixed.map((v, i) => [v, i]));
  const bc = new Map();
  layer.forEach((v, i) => {
    const ps = (nbrs.get(v) || []).filter((u) => pos.has(u)).map((u) => pos.get(u));
    bc.set(v, ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : i * fixed.length / Math.max(layer.length, 1));
  });
  return [...layer].sort((a, b) => bc.get(a) - bc.get(b));
}

// transpose swaps neighbours within a layer while that removes crossings
// with the layers above and below (Gansner et al., "A technique for
// drawing directed graphs", 1993): it fixes what barycentres tie on.
function transpose(layers, down) {
  const around = (i) => (i > 0 ? crossings(layers[i - 1], layers[i], down) : 0) +
    (i + 1 < layers.length ? crossings(layers[i], layers[i + 1], down) : 0);
  for (let pass = 0, improved = true; improved && pass < 8; pass++) {
    improved = false;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      let n = around(i);
      for (let j = 0; j + 1 < l.length; j++) {
        [l[j], l[j + 1]] = [l[j + 1], l[j]];
        const m = around(i);
        if (m < n) {
          n = m;
          improved = true;
        } else {
          [l[j], l[j + 1]] = [l[j + 1], l[j]];
        }
      }
    }
  }
}

// layout places nodes ({id, w, h}) and edges ({from, to}) in layers.
// It returns node positions (centres), each edge's polyline (from the
// premise's bottom to the conclusion's top), and the drawing's size.
//
// level, when given, maps each node to a number that grows along the
// graph's natural direction (e.g. the depth at which a fact is first
// derived): an edge against it is the one reversed, rather than whichever
// the depth-first search happens to meet last.
export function layout(nodes, edges, level) {
  const ids = nodes.map((n) => n.id);
  const size = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map(ids.map((id) => [id, []]));
  for (const e of edges) if (out.has(e.from) && out.has(e.to)) out.get(e.from).push(e.to);
  const reversed = level ? againstLevel(ids, edges, level) : breakCycles(ids, out);

  // The DAG, with reversed edges turned round; duplicates collapse.
  const dag = new Map(ids.map((id) => [id, new Set()]));
  for (const e of edges) {
    if (!out.has(e.from) || !out.has(e.to) || e.from === e.to) continue;
    if (reversed.has(e.from + '>' + e.to)) dag.get(e.to).add(e.from);
    else dag.get(e.from).add(e.to);
  }
  // Longest path to a sink, in reverse topological order (Kahn's
  // algorithm on the reversed DAG).
  const indeg = new Map(ids.map((id) => [id, dag.get(id).size]));
  const preds = new Map(ids.map((id) => [id, []]));
  for (const [u, vs] of dag) for (const v of vs) preds.get(v).push(u);
  const rank = new Map();
  const queue = ids.filter((id) => indeg.get(id) === 0);
  for (const id of queue) rank.set(id, 0);
  while (queue.length) {
    const v = queue.shift();
    for (const u of preds.get(v)) {
      rank.set(u, Math.max(rank.get(u) ?? 0, rank.get(v) + 1));
      indeg.set(u, indeg.get(u) - 1);
      if (indeg.get(u) === 0) queue.push(u);
    }
  }
  const top = Math.max(0, ...rank.values());

  // Layers from the top (row 0 = highest rank), dummies on long edges.
  const row = new Map(ids.map((id) => [id, top - rank.get(id)]));
  const layers = Array.from({ length: top + 1 }, () => []);
  const down = new Map(); // node → nodes one row below
  const up = new Map();
  const link = (a, b) => {
    if (!down.has(a)) down.set(a, []);
    if (!up.has(b)) up.set(b, []);
    down.get(a).push(b);
    up.get(b).push(a);
  };
  // Initial order: depth-first from the top rows, so that related nodes
  // start near each other.
  const seen = new Set();
  const chains = new Map(); // "u>v" of the DAG → nodes from u down to v
  let dummies = 0;
  const place = (id) => {
    if (seen.has(id)) return;
    seen.add(id);
    layers[row.get(id)].push(id);
    for (const v of dag.get(id)) {
      const chain = [id];
      for (let r = row.get(id) + 1; r < row.get(v); r++) {
        const d = 'd' + (dummies++);
        row.set(d, r);
        size.set(d, { w: DUMMY_W, h: 0, dummy: true });
        layers[r].push(d);
        chain.push(d);
      }
      chain.push(v);
      for (let i = 0; i + 1 < chain.length; i++) link(chain[i], chain[i + 1]);
      chains.set(id + '>' + v, chain);
    }
    for (const v of dag.get(id)) place(v);
  };
  for (const id of [...ids].sort((a, b) => row.get(a) - row.get(b))) place(id);

  let best = layers.map((l) => [...l]);
  let bestN = totalCrossings(best, down);
  let cur = best.map((l) => [...l]);
  for (let s = 0; s < SWEEPS && bestN > 0; s++) {
    if (s % 2 === 0) for (let i = 1; i < cur.length; i++) cur[i] = reorder(cur[i], cur[i - 1], up);
    else for (let i = cur.length - 2; i >= 0; i--) cur[i] = reorder(cur[i], cur[i + 1], down);
    const n = totalCrossings(cur, down);
    if (n < bestN) {
      best = cur.map((l) => [...l]);
      bestN = n;
    }
  }

  transpose(best, down);
  bestN = totalCrossings(best, down);

  // x: pack each row, then pull nodes to their neighbours a few times.
  const x = new Map();
  const w = (v) => size.get(v).w;
  for (const l of best) {
    let at = 0;
    for (const v of l) {
      x.set(v, at + w(v) / 2);
      at += w(v) + NODE_GAP;
    }
  }
  const settle = (l, want) => {
    // Left to right keeps the gap going right, right to left going left;
    // the mean of the two keeps the order without drifting one way.
    const a = l.map((v) => want(v));
    for (let i = 1; i < l.length; i++) a[i] = Math.max(a[i], a[i - 1] + (w(l[i - 1]) + w(l[i])) / 2 + NODE_GAP);
    const b = l.map((v) => want(v));
    for (let i = l.length - 2; i >= 0; i--) b[i] = Math.min(b[i], b[i + 1] - (w(l[i + 1]) + w(l[i])) / 2 - NODE_GAP);
    l.forEach((v, i) => x.set(v, (a[i] + b[i]) / 2));
    for (let i = 1; i < l.length; i++) x.set(l[i], Math.max(x.get(l[i]), x.get(l[i - 1]) + (w(l[i - 1]) + w(l[i])) / 2 + NODE_GAP));
  };
  const mean = (vs, own) => (vs && vs.length ? vs.reduce((s, u) => s + x.get(u), 0) / vs.length : own);
  for (let it = 0; it < 8; it++) {
    for (let i = 1; i < best.length; i++) settle(best[i], (v) => mean(up.get(v), x.get(v)));
    for (let i = best.length - 2; i >= 0; i--) settle(best[i], (v) => mean(down.get(v), x.get(v)));
  }
  let minX = Infinity;
  let maxX = -Infinity;
  for (const [v, cx] of x) {
    minX = Math.min(minX, cx - w(v) / 2);
    maxX = Math.max(maxX, cx + w(v) / 2);
  }
  const rowH = best.map((l) => Math.max(0, ...l.map((v) => size.get(v).h)));
  const rowY = [];
  let y = 0;
  rowH.forEach((hh, i) => {
    rowY.push(y + hh / 2);
    y += hh + LAYER_GAP;
  });
  const pos = (v) => ({ x: x.get(v) - minX, y: rowY[row.get(v)] });

  const placed = nodes.map((n) => ({ ...n, ...pos(n.id), row: row.get(n.id) }));
  const lines = edges.filter((e) => out.has(e.from) && out.has(e.to) && e.from !== e.to).map((e) => {
    const back = reversed.has(e.from + '>' + e.to);
    let chain = back ? [...chains.get(e.to + '>' + e.from)].reverse() : chains.get(e.from + '>' + e.to);
    if (!chain) chain = [e.from, e.to];
    const pts = chain.map(pos);
    // Leave from the side facing the next point, arrive the same way.
    const first = pts[0];
    const last = pts[pts.length - 1];
    const h0 = size.get(chain[0]).h / 2;
    const h1 = size.get(chain[chain.length - 1]).h / 2;
    pts[0] = { x: first.x, y: first.y + (pts[1].y >= first.y ? h0 : -h0) };
    pts[pts.length - 1] = { x: last.x, y: last.y + (pts[pts.length - 2].y <= last.y ? -h1 : h1) };
    return { from: e.from, to: e.to, back, points: pts };
  });
  return { nodes: placed, edges: lines, width: maxX - minX, height: Math.max(0, y - LAYER_GAP), crossings: bestN };
}
