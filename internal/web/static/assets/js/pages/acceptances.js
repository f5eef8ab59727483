// Risk acceptances: every risk-accepted finding with who asked, who
// approved, the compensating controls and until when, soonest to expire
// first (GET /api/v1/acceptances). Those expiring within SOON_DAYS are
// marked: when an acceptance lapses the finding opens again, so somebody
// should renew it or plan the fix before then.

import { h } from '../dom.js';
import { t, fmtDay, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { setTitle, table, priorityBadge, kevBadge } from '../ui.js';
import { assetHref } from './assets.js';

const SOON_DAYS = 30;
const DAY = 864e5;

// acceptance reads a finding's acceptance; the names are the finding
// package's, with the shorter ones some clients use as a fallback.
function acceptance(f) {
  const a = f.acceptance || {};
  return {
    approver: a.approver || '',
    requester: a.requester || a.requested_by || '',
    controls: a.compensating_controls || a.controls || '',
    reason: a.reason || '',
    until: a.expires || a.until || '',
  };
}

// daysLeft is the whole days from now until the acceptance lapses
// (negative once it has).
function daysLeft(until, now) {
  const d = new Date(until);
  if (isNaN(d.getTime())) return null;
  return Math.floor((d.getTime() - now) / DAY);
}

function untilCell(a, now) {
  const left = daysLeft(a.until, now);
  if (left === null) return '';
  let note = null;
  if (left < 0) note = h('span', { class: 'badge danger' }, t('acceptances.expired'));
  else if (left <= SOON_DAYS) note = h('span', { class: 'badge warn' }, t('acceptances.expiresIn', { n: fmtNumber(left) }));
  return [fmtDay(a.until), note ? [' ', note] : null];
}

export async function acceptancesPage() {
  setTitle(t('acceptances.title'));
  const got = await api('GET', '/api/v1/acceptances');
  const rows = got.items || [];
  const now = Date.now();
  const soon = rows.filter((f) => {
    const left = daysLeft(acceptance(f).until, now);
    return left !== null && left <= SOON_DAYS;
  }).length;
  return h('div', null,
    h('div', { class: 'page-head' },
      h('h1', null, t('acceptances.title')),
      h('p', { class: 'muted' }, t('acceptances.intro', { days: fmtNumber(SOON_DAYS) }))),
    rows.length ? h('p', { id: 'acceptances-summary', class: soon ? 'alert warn' : 'muted', role: 'status' },
      t('acceptances.summary', { n: fmtNumber(rows.length), soon: fmtNumber(soon), days: fmtNumber(SOON_DAYS) })) : null,
    table([
      { label: t('finding.id'), cell: (f) => h('a', { href: '/findings/' + f.id }, '#' + f.id), class: 'nowrap' },
      { label: t('finding.vuln'), cell: (f) => [h('a', { href: '/vulns/' + encodeURIComponent(f.vuln), class: 'mono' }, f.vuln), f.assessment && f.assessment.kev ? [' ', kevBadge()] : null], class: 'nowrap' },
      { label: t('finding.asset'), cell: (f) => h('a', { href: assetHref(f.asset) }, f.asset), class: 'nowrap' },
      { label: t('finding.package'), cell: (f) => [f.package, h('div', { class: 'muted small mono' }, (f.versions || []).join(', '))] },
      { label: t('finding.priority'), cell: (f) => priorityBadge(f.priority) },
      { label: t('accept.requester'), cell: (f) => acceptance(f).requester },
      { label: t('accept.approver'), cell: (f) => acceptance(f).approver },
      { label: t('accept.controls'), cell: (f) => acceptance(f).controls, class: 'wrap' },
      { label: t('accept.until'), cell: (f) => untilCell(acceptance(f), now), class: 'nowrap until' },
    ], rows, {
      class: 'acceptances',
      empty: t('acceptances.none'),
      row: (f) => {
        const left = daysLeft(acceptance(f).until, now);
        return { class: left !== null && left <= SOON_DAYS ? 'expiring' : undefined, dataset: { id: String(f.id) } };
      },
    }));
}
