// Background jobs (GET /api/v1/jobs): feed syncs, sweeps and imports,
// newest first, with how many wait, run and failed; a job's arguments,
// output and the error of every failed attempt (GET /api/v1/jobs/{id});
// and cancelling one not yet finished (POST /api/v1/jobs/{id}/cancel).
// Jobs run elsewhere (another replica, the in-process queue), so a page
// showing unfinished jobs asks again every POLL_MS until they finish or
// the user leaves it.

import { h } from '../dom.js';
import { t, label, fmtDateTime, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { navigate, pathWith } from '../router.js';
import { setTitle, table, dl, section, select, field, json, mono, errorBox, formStatus, actionButton } from '../ui.js';

// STATES are the queue's (jobs.States), in the order a job moves.
const STATES = ['queued', 'running', 'retrying', 'completed', 'failed', 'cancelled'];
const ACTIVE = ['queued', 'running', 'retrying'];
const POLL_MS = 1000;

const BADGE = { completed: 'ok', failed: 'danger', retrying: 'warn', cancelled: 'muted' };

function stateBadge(s) {
  return h('span', { class: ['badge', 'job-state', BADGE[s]], dataset: { state: s } }, label('job.state', s));
}

function lastError(j) {
  const errs = j.errors || [];
  return errs.length ? errs[errs.length - 1].error : '';
}

// live shows render(data) in box and, while active(data) and box is on
// the page, loads and shows it again every POLL_MS; a failed reload
// shows its error and stops.
function live(box, data, load, render, active) {
  box.replaceChildren(render(data));
  if (!active(data)) return;
  setTimeout(async () => {
    if (!box.isConnected) return;
    try {
      const next = await load();
      if (box.isConnected) live(box, next, load, render, active);
    } catch (err) {
      if (box.isConnected) box.replaceChildren(errorBox(err));
    }
  }, POLL_MS);
}

// depthView counts the whole queue's jobs by state, each a link to the
// list of those; an owner, who sees only their own jobs, gets none.
function depthView(depth) {
  return h('ul', { class: 'plain inline', id: 'jobs-depth' }, STATES.map((s) =>
    h('li', { dataset: { state: s } }, h('a', { href: pathWith('/jobs', { state: s }) }, label('job.state', s)), ': ', fmtNumber(depth[s] || 0))));
}

function listView(r) {
  return h('div', null,
    r.depth ? section(t('jobs.depth'), depthView(r.depth)) : null,
    table([
      { label: t('jobs.id'), cell: (j) => h('a', { href: '/jobs/' + j.id }, '#' + j.id), class: 'nowrap' },
      { label: t('jobs.kind'), cell: (j) => mono(j.kind) },
      { label: t('jobs.state'), cell: (j) => stateBadge(j.state) },
      { label: t('jobs.attempts'), cell: (j) => t('jobs.attemptOf', { n: fmtNumber(j.attempt), max: fmtNumber(j.max_attempts) }), class: 'num' },
      { label: t('jobs.by'), cell: (j) => j.by || '' },
      { label: t('jobs.created'), cell: (j) => fmtDateTime(j.created), class: 'nowrap' },
      { label: t('jobs.finalized'), cell: (j) => (j.finalized ? fmtDateTime(j.finalized) : '—'), class: 'nowrap' },
      { label: t('jobs.lastError'), cell: (j) => h('span', { class: 'small mono' }, lastError(j)), class: 'wrap' },
    ], r.items || [], { class: 'jobs', empty: t('jobs.none'), row: (j) => ({ dataset: { id: String(j.id), state: j.state } }) }));
}

export async function jobsPage({ query }) {
  setTitle(t('jobs.title'));
  const state = STATES.includes(query.get('state')) ? query.get('state') : '';
  const load = () => api('GET', '/api/v1/jobs', { query: { state, limit: 100 } });
  const first = await load();

  const stateSel = select('state', [['', t('common.any')], ...STATES.map((s) => [s, label('job.state', s)])], state);
  stateSel.id = 'jobs-state';
  const form = h('form', {
    class: 'filters', role: 'search',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        navigate(pathWith('/jobs', { state: stateSel.value }));
      },
    },
  },
  field(t('jobs.state'), stateSel),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.search')),
    state ? h('a', { href: '/jobs', class: 'reset' }, t('common.reset')) : null));

  const box = h('div', { id: 'jobs-list' });
  live(box, first, load, listView, (r) => (r.items || []).some((j) => ACTIVE.includes(j.state)));
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('jobs.title')), h('p', { class: 'muted' }, t('jobs.intro'))),
    form,
    box);
}

function jobView(j, cancel) {
  return h('div', null,
    section(t('jobs.job'), dl([
      [t('jobs.kind'), mono(j.kind)],
      [t('jobs.state'), stateBadge(j.state)],
      [t('jobs.attempts'), t('jobs.attemptOf', { n: fmtNumber(j.attempt), max: fmtNumber(j.max_attempts) })],
      [t('jobs.by'), j.by || ''],
      [t('jobs.created'), fmtDateTime(j.created)],
      [t('jobs.runAt'), fmtDateTime(j.run_at)],
      [t('jobs.attempted'), j.attempted ? fmtDateTime(j.attempted) : ''],
      [t('jobs.finalized'), j.finalized ? fmtDateTime(j.finalized) : ''],
      [t('jobs.worker'), j.worker ? mono(j.worker) : ''],
    ], 'job-facts'),
    ACTIVE.includes(j.state) ? cancel : null),
    section(t('jobs.args'), json(j.args ?? null)),
    section(t('jobs.output'), j.output === undefined || j.output === null
      ? h('p', { class: 'muted', id: 'job-no-output' }, t('jobs.noOutput'))
      : h('div', { id: 'job-output' }, json(j.output))),
    section(t('jobs.errors'), table([
      { label: t('jobs.attempt'), cell: (e) => fmtNumber(e.attempt), class: 'num' },
      { label: t('jobs.at'), cell: (e) => fmtDateTime(e.at), class: 'nowrap' },
      { label: t('jobs.error'), cell: (e) => h('span', { class: 'small mono' }, e.error), class: 'wrap' },
    ], j.errors || [], { class: 'job-errors', empty: t('jobs.noErrors') })));
}

export async function jobPage({ params }) {
  const id = params[0];
  setTitle(t('jobs.titleOne', { id }));
  const load = () => api('GET', '/api/v1/jobs/' + id);
  const first = await load();
  const box = h('div', { id: 'job' });
  const status = formStatus('job-status');
  const active = (j) => ACTIVE.includes(j.state);
  // The button is made once, so that a poll redrawing the job keeps it
  // (held while the request runs) rather than a fresh one.
  const cancel = h('div', { class: 'actions' }, actionButton(t('jobs.cancel'), status, async () => {
    // The poll running since the page opened shows the rest.
    box.replaceChildren(render(await api('POST', '/api/v1/jobs/' + id + '/cancel')));
  }, { id: 'job-cancel' }));
  const render = (j) => jobView(j, cancel);
  live(box, first, load, render, active);
  return h('div', null,
    h('div', { class: 'page-head' },
      h('h1', null, t('jobs.titleOne', { id })),
      h('p', null, h('a', { href: '/jobs' }, t('jobs.back')))),
    status,
    box);
}
