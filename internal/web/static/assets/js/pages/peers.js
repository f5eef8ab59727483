// The peer vmcs this vmc pulls from (federation), with their last pull.
// Peers are added with `vmc peer add`; this page shows how they fare.

import { h } from '../dom.js';
import { t, fmtDateTime, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { setTitle, table, mono } from '../ui.js';

function status(p) {
  if (!p.last || !p.last.status) return h('span', { class: 'muted' }, t('peers.never'));
  const ok = p.last.status === 'ok';
  return h('span', { class: ok ? 'badge ok' : 'badge error', title: p.last.error || '' },
    ok ? t('peers.ok') : t('peers.failed'));
}

function counts(p) {
  const l = p.last || {};
  return t('peers.counts', {
    listed: fmtNumber(l.listed || 0), stored: fmtNumber(l.stored || 0),
    unchanged: fmtNumber(l.unchanged || 0), own: fmtNumber(l.own || 0),
  });
}

export async function peersPage() {
  setTitle(t('peers.title'));
  const r = await api('GET', '/api/v1/peers');
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('peers.title'))),
    h('p', { class: 'muted', id: 'peers-origin' }, t('peers.origin', { name: r.origin || '' })),
    table([
      { label: t('peers.name'), cell: (p) => mono(p.name) },
      { label: t('peers.kind'), cell: (p) => p.kind.toUpperCase() },
      { label: t('peers.trust'), cell: (p) => t('peers.trust.' + p.trust) },
      { label: t('peers.url'), cell: (p) => mono(p.url) },
      { label: t('peers.lastPull'), cell: (p) => (p.last && p.last.at ? fmtDateTime(p.last.at) : '—'), class: 'nowrap' },
      { label: t('peers.status'), cell: status },
      { label: t('peers.records'), cell: (p) => fmtNumber((p.last && p.last.records) || 0), class: 'num' },
      { label: t('peers.lastCounts'), cell: counts },
    ], r.peers || [], { class: 'peers', empty: t('peers.none') }));
}
