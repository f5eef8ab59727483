// Widgets the pages share: tables, definition lists, badges, form fields,
// error boxes, pagers.

import { h } from './dom.js';
import { t, label, currentLang, fmtDay } from './i18n.js';
import { ApiError } from './api.js';

// setTitle sets the window title: the page's, then the product's.
export function setTitle(text) {
  document.title = text ? text + ' · ' + t('app.name') : t('app.name');
}

export function loading() {
  return h('p', { class: 'muted', role: 'status' }, t('common.loading'));
}

// errorBox shows what went wrong: an API problem's detail (and its
// validation messages) as the server wrote it, or a network failure.
export function errorBox(err) {
  let main;
  let extra = [];
  if (err instanceof ApiError) {
    main = err.detail || err.title || String(err.status);
    extra = (err.errors || []).map((e) => [e.location, e.message].filter(Boolean).join(': '));
  } else {
    main = t('error.network');
    console.error(err);
  }
  return h('div', { class: 'alert error', role: 'alert' },
    h('strong', null, t('error.title')), ' ', h('span', { class: 'detail' }, main),
    extra.length ? h('ul', null, extra.map((x) => h('li', null, x))) : null);
}

// table renders rows under columns ({label, cell(row), class}); an empty
// list says so instead of showing a bare header. opts.row(row) gives a
// row's attributes (a class, data-*).
export function table(columns, rows, opts = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'muted empty' }, opts.empty || t('common.empty'));
  return h('div', { class: 'table-wrap' },
    h('table', { class: ['data', opts.class] },
      opts.caption ? h('caption', null, opts.caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', null, rows.map((r) => h('tr', opts.row ? opts.row(r) : null, columns.map((c) => h('td', { class: c.class }, c.cell(r))))))));
}

// checkGroup is a set of checkboxes under a legend, one per [value,
// text], those in checked ticked; values() reads the ticked ones.
export function checkGroup(name, legend, options, checked) {
  const boxes = options.map(([v, text]) => {
    const box = h('input', { type: 'checkbox', name, value: v, id: name + '-' + v.replace(/[^\w-]/g, '_'), checked: checked.includes(v) });
    return h('span', { class: 'check-item' }, box, h('label', { for: box.id }, text));
  });
  const set = h('fieldset', { class: 'check-group', id: 'filter-' + name }, h('legend', null, legend), boxes);
  set.values = () => [...set.querySelectorAll('input:checked')].map((b) => b.value);
  return set;
}

// listParam reads a comma-separated query parameter, keeping only the
// values allowed.
export function listParam(query, name, allowed) {
  return (query.get(name) || '').split(',').map((v) => v.trim()).filter((v) => allowed.includes(v));
}

// flag reads a boolean query parameter (1 or true).
export function flag(query, name) {
  const v = query.get(name);
  return v === '1' || v === 'true';
}

// downloadLink links to a file the API serves as an attachment; the
// router leaves links marked download to the browser.
export function downloadLink(href, text, id) {
  return h('a', { href, download: true, class: 'button secondary download', id }, text);
}

// reportLinks offers a report as PDF and CSV in the UI's language, for
// the filters given (the findings list's, for a findings report).
export function reportLinks(kind, filters, idPrefix) {
  const href = (format) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters || {})) {
      if (v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0)) continue;
      q.set(k, v === true ? 'true' : String(v));
    }
    q.set('format', format);
    q.set('lang', currentLang());
    return '/api/v1/reports/' + kind + '?' + q;
  };
  return h('span', { class: 'downloads' },
    downloadLink(href('pdf'), t('report.pdf'), idPrefix + '-pdf'),
    downloadLink(href('csv'), t('report.csv'), idPrefix + '-csv'));
}

// forbidden is what a page says to a user whose permissions do not
// reach it.
export function forbidden(title) {
  return h('div', null, h('h1', null, title), h('p', { class: 'alert error', role: 'alert' }, t('error.forbidden')));
}

// dl renders [term, value] pairs, skipping empty values.
export function dl(pairs, cls) {
  const items = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));
  return h('dl', { class: ['facts', cls] }, items.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

export function stateBadge(s) {
  return h('span', { class: ['badge', 'state', 'state-' + s], dataset: { state: s } }, label('state', s));
}

export function priorityBadge(p) {
  if (!p) return h('span', { class: 'muted' }, t('common.none'));
  return h('span', { class: ['badge', 'prio', 'prio-' + p], dataset: { priority: p } }, label('priority', p));
}

export function kevBadge() {
  return h('span', { class: 'badge kev', title: t('vuln.kevTitle') }, t('vuln.kev'));
}

let seq = 0;
// field wraps a control with its label; the control gets an id if it has
// none, so the label is tied to it.
export function field(text, control, hint) {
  if (!control.id) control.id = 'f' + (++seq);
  const wrap = h('div', { class: ['field', control.type === 'checkbox' && 'check'] });
  const lab = h('label', { for: control.id }, text);
  if (control.type === 'checkbox') wrap.append(control, lab);
  else wrap.append(lab, control);
  if (hint) wrap.append(h('small', { class: 'muted' }, hint));
  return wrap;
}

// select builds a <select> from [value, text] pairs.
export function select(name, options, value) {
  return h('select', { name },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

export function input(name, type, value, extra) {
  return h('input', { name, type: type || 'text', value: value ?? '', ...extra });
}

// textarea is a text area with the given attributes (id, rows, maxlength).
export function textarea(name, value, extra) {
  return h('textarea', { name, rows: 3, ...extra, value: value ?? '' });
}

// options are [value, label] pairs of a vocabulary (label(prefix, v)),
// with "any" first when any is set, for select.
export function options(prefix, values, any) {
  const opts = values.map((v) => [v, label(prefix, v)]);
  return any ? [['', t('common.any')], ...opts] : opts;
}

// submitter wires a form: fn() sends it; the status area shows the
// API's problem if it fails, and the button is held while it runs.
export function submitter(status, button, fn) {
  return async (ev) => {
    ev.preventDefault();
    status.replaceChildren();
    button.disabled = true;
    try {
      await fn();
    } catch (err) {
      status.append(errorBox(err));
      button.disabled = false;
    }
  };
}

// actionButton is a button that runs fn, showing a failure in status and
// holding the button while it runs.
export function actionButton(text, status, fn, props) {
  const b = h('button', {
    type: 'button', class: 'secondary', ...props,
    on: {
      click: async () => {
        status.replaceChildren();
        b.disabled = true;
        try {
          await fn();
        } catch (err) {
          status.append(errorBox(err));
        }
        b.disabled = false;
      },
    },
  }, text);
  return b;
}

// splitList reads a comma- or newline-separated list.
export function splitList(s) {
  return s.split(/[,\n]/).map((x) => x.trim()).filter(Boolean);
}

// localISO turns a datetime-local value into RFC 3339 in this browser's
// time zone, which is what the person typing it meant.
export function localISO(v) {
  const d = new Date(v);
  return isNaN(d.getTime()) ? '' : d.toISOString();
}

// nowLocal is the time now as a datetime-local value.
export function nowLocal() {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

// toLocal turns an RFC 3339 time into a datetime-local value in this
// browser's time zone.
export function toLocal(v) {
  const d = new Date(v);
  if (!v || isNaN(d.getTime()) || d.getUTCFullYear() <= 1) return '';
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

// day is the YYYY-MM-DD of an RFC 3339 time (a calendar day the API sent
// as midnight UTC), or '' for none.
export function day(v) {
  if (!v || typeof v !== 'string' || v.startsWith('0001-')) return '';
  return v.slice(0, 10);
}

// card is a section with an id, a heading and an optional intro.
export function card(id, title, intro, ...children) {
  return h('section', { class: 'card', id }, h('h2', null, title), intro ? h('p', { class: 'muted small' }, intro) : null, ...children);
}

// folded is a form behind a summary that opens it.
export function folded(summary, form, props) {
  return h('details', props, h('summary', null, summary), form);
}

let flashed = null;

// flash keeps what an action did (a count, a secret shown once) for the
// page the action renders next: most actions re-render their page to
// show the API's view of the result, which would lose it.
export function flash(...children) {
  flashed = h('div', { class: 'alert ok', role: 'status', id: 'flash' }, ...children);
}

// takeFlash returns the kept message once, or null.
export function takeFlash() {
  const f = flashed;
  flashed = null;
  return f;
}

// formStatus is the area where a form shows the API's problem.
export function formStatus(id) {
  return h('div', { class: 'form-status', id });
}

// pager renders previous/next buttons; a missing handler disables its
// button.
export function pager(onPrev, onNext) {
  return h('nav', { class: 'pager', 'aria-label': t('common.pages') },
    h('button', { type: 'button', class: 'secondary', disabled: !onPrev, on: { click: onPrev || (() => {}) } }, t('common.prev')),
    h('button', { type: 'button', class: 'secondary', disabled: !onNext, on: { click: onNext || (() => {}) } }, t('common.next')));
}

// langRank orders a text by how well its language tag suits the UI language.
function langRank(tag) {
  const l = (tag || '').toLowerCase();
  const ui = currentLang().toLowerCase();
  if (l === ui) return 0;
  if (l.split('-')[0] === ui.split('-')[0]) return 1;
  if (l === 'en' || l.startsWith('en-')) return 2;
  return 3;
}

// pickText chooses, from [{lang, value}], the text in the UI's language,
// else English, else the first.
export function pickText(texts) {
  if (!texts || texts.length === 0) return null;
  return [...texts].sort((a, b) => langRank(a.lang) - langRank(b.lang))[0];
}

// langText shows a text marked with its language, so screen readers and
// fonts treat Chinese and Japanese advisory text as such.
export function langText(tag, text, cls) {
  return h(tag, { class: cls, lang: text.lang || undefined }, text.value);
}

let lifecycle;
// getLifecycle returns the finding states and allowed moves, which the
// server derives from the finding package (/assets/lifecycle.json).
export async function getLifecycle() {
  if (!lifecycle) {
    const resp = await fetch('/assets/lifecycle.json', { credentials: 'same-origin' });
    if (!resp.ok) throw new Error('lifecycle: ' + resp.status);
    lifecycle = await resp.json();
  }
  return lifecycle;
}

// json shows a structured value the UI has no special view for.
export function json(v) {
  return h('pre', { class: 'json' }, JSON.stringify(v, null, 2));
}

// internal link to a page of the app.
export function link(href, ...children) {
  return h('a', { href }, ...children);
}

export function mono(text) {
  return h('span', { class: 'mono' }, text);
}

function compact(v) {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'object') return String(v);
  return Object.entries(v).map(([k, x]) => k + ': ' + (typeof x === 'object' ? JSON.stringify(x) : x)).join(', ');
}

// changeView shows an audit entry's before and after: states and
// priorities as badges, an assignment as names, anything else as data.
export function changeView(before, after) {
  const b = before && typeof before === 'object' ? before : {};
  const a = after && typeof after === 'object' ? after : {};
  const arrow = h('span', { class: 'arrow', 'aria-label': t('audit.to') }, ' → ');
  if ('state' in a) return h('span', null, b.state ? [stateBadge(b.state), arrow] : null, stateBadge(a.state));
  if ('priority' in a) return h('span', null, b.priority ? [priorityBadge(b.priority), arrow] : null, priorityBadge(a.priority));
  if ('assignee' in a) return h('span', null, b.assignee || t('common.none'), arrow, a.assignee || t('common.none'));
  if ('approver' in a && 'expires' in a) {
    return h('span', null, t('audit.acceptance', { approver: a.approver, until: fmtDay(a.expires) }));
  }
  const text = [compact(before), compact(after)].filter(Boolean).join(' → ');
  if (!text) return '';
  if (text.length <= 80) return h('span', { class: 'small' }, text);
  return h('details', null, h('summary', null, t('common.showData')),
    before ? json(before) : null, after ? json(after) : null);
}
