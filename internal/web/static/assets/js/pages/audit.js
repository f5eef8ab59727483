// The audit log, oldest first, and a check of its hash chain.

import { h } from '../dom.js';
import { t, label, fmtDateTime, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { navigate, pathWith } from '../router.js';
import { setTitle, table, pager, errorBox, changeView, mono } from '../ui.js';

const cursors = { stack: [] };

function objectLink(obj) {
  const m = /^finding:(\d+)$/.exec(obj || '');
  if (m) return h('a', { href: '/findings/' + m[1] }, obj);
  return mono(obj || '');
}

function verifier() {
  const result = h('div', { id: 'verify-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button', class: 'primary', id: 'verify-chain',
    on: {
      click: async () => {
        button.disabled = true;
        result.replaceChildren(h('p', { class: 'muted' }, t('audit.verifying')));
        try {
          const r = await api('GET', '/api/v1/audit/verify');
          result.replaceChildren(r.intact
            ? h('div', { class: 'alert ok', dataset: { intact: 'true' } },
              h('strong', null, t('audit.intact')), ' ', t('audit.intactDetail', { n: fmtNumber(r.entries) }),
              h('div', { class: 'small' }, t('audit.head'), ' ', mono(r.head)))
            : h('div', { class: 'alert error', dataset: { intact: 'false' } },
              h('strong', null, t('audit.broken')), ' ', r.problem || '',
              h('div', { class: 'small' }, t('audit.intactDetail', { n: fmtNumber(r.entries) }))));
        } catch (err) {
          result.replaceChildren(errorBox(err));
        } finally {
          button.disabled = false;
        }
      },
    },
  }, t('audit.verify'));
  return h('div', { class: 'card verify' }, h('p', null, t('audit.verifyIntro')), button, result);
}

export async function auditPage({ query }) {
  setTitle(t('nav.audit'));
  const after = query.get('after') || '';
  if (!after) cursors.stack = [];
  const page = await api('GET', '/api/v1/audit', { query: { after, limit: 100 } });
  const prev = after ? () => navigate(pathWith('/audit', { after: cursors.stack.pop() || '' })) : null;
  const next = page.next ? () => { cursors.stack.push(after); navigate(pathWith('/audit', { after: page.next })); } : null;
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('audit.title'))),
    verifier(),
    table([
      { label: t('audit.seq'), cell: (e) => String(e.seq), class: 'num' },
      { label: t('audit.at'), cell: (e) => fmtDateTime(e.at), class: 'nowrap' },
      { label: t('audit.actor'), cell: (e) => e.actor },
      { label: t('audit.action'), cell: (e) => h('span', { title: e.action }, label('action', e.action)), class: 'nowrap' },
      { label: t('audit.object'), cell: (e) => objectLink(e.object), class: 'nowrap' },
      { label: t('audit.change'), cell: (e) => changeView(e.before, e.after) },
      { label: t('audit.reason'), cell: (e) => e.reason || '' },
    ], page.items || [], { class: 'audit', empty: t('audit.none') }),
    pager(prev, next));
}
