// Trusted computing posture (可信计算环境): each host's root of trust,
// Secure Boot and measured boot, the hosts that cannot join the chain of
// trust with their compensating controls (GET /api/v1/trust/postures and
// /gaps), and, for those who may, a snapshot upload (asset.write) and an
// IMA integrity verification against a reference manifest (import.write),
// whose deviations become findings.

import { h } from '../dom.js';
import { t, label, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { setTitle, table, field, select, input, submitter, section, link, mono } from '../ui.js';

const dash = (v) => v || '—';

function gapList(gaps) {
  if (!gaps || gaps.length === 0) return h('span', { class: 'badge ok', dataset: { gaps: '0' } }, t('trust.inChain'));
  return h('ul', { class: 'plain', dataset: { gaps: String(gaps.length) } }, gaps.map((g) => h('li', { dataset: { gap: g } }, label('trust.gap', g))));
}

function postureTable(items) {
  return table([
    { label: t('trust.host'), cell: (p) => link('/inventory/' + encodeURIComponent(p.asset), p.asset) },
    { label: t('trust.root'), cell: (p) => [label('trust.rootKind', p.root || 'unknown'), p.root_version ? ' ' + p.root_version : ''] },
    { label: t('trust.firmware'), cell: (p) => p.manufacturer ? `${p.manufacturer} ${p.model || ''} ${p.firmware || ''}`.trim() : dash(p.firmware) },
    { label: t('trust.secureBoot'), cell: (p) => label('trust.sb', p.secure_boot || 'unknown') },
    { label: t('trust.measuredBoot'), cell: (p) => label('trust.mb', p.measured_boot || 'unknown') },
    { label: t('trust.gaps'), cell: (p) => gapList(p.gaps) },
    { label: t('trust.controls'), cell: (p) => (p.controls || []).join('; ') || dash() },
  ], items, { class: 'trust', empty: t('trust.none'), row: (p) => ({ dataset: { asset: p.asset } }) });
}

async function readFiles(inp) {
  return Promise.all([...inp.files].map(async (f) => ({ name: f.name, content: await f.text() })));
}

// snapshotForm records a host's posture from tool outputs.
function snapshotForm(done) {
  const host = input('asset', 'text', '', { id: 'trust-snap-asset', required: true, maxlength: 512 });
  const files = input('files', 'file', '', { id: 'trust-snap-files', multiple: true, required: true });
  const status = h('div', { class: 'form-status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'trust-snap-save' }, t('trust.snapshotSave'));
  return h('form', {
    class: 'card', id: 'trust-snapshot',
    on: {
      submit: submitter(status, button, async () => {
        const out = await api('POST', '/api/v1/trust/postures/' + encodeURIComponent(host.value.trim()) + '/snapshot', { body: { files: await readFiles(files) } });
        status.replaceChildren(h('div', { class: 'alert ok', id: 'trust-snap-saved' },
          t('trust.snapshotSaved', { asset: out.posture.asset, n: fmtNumber((out.gaps || []).length) })));
        button.disabled = false;
        await done();
      }),
    },
  },
  h('h2', null, t('trust.snapshot')),
  h('p', { class: 'muted' }, t('trust.snapshotIntro')),
  field(t('trust.host'), host),
  field(t('trust.files'), files),
  status,
  h('div', { class: 'actions' }, button));
}

function verificationView(v) {
  const r = v.result || {};
  return h('div', { class: 'alert ' + ((r.deviations || []).length ? 'warn' : 'ok'), id: 'trust-verified' },
    h('p', null, t('trust.verified', { checked: fmtNumber(r.checked || 0), matched: fmtNumber(r.matched || 0),
      deviations: fmtNumber((r.deviations || []).length), opened: fmtNumber(v.opened || 0), resolved: fmtNumber(v.resolved || 0) })),
    (r.deviations || []).length ? table([
      { label: t('trust.kind'), cell: (d) => label('trust.kind', d.kind) },
      { label: t('trust.path'), cell: (d) => mono(d.path) },
      { label: t('trust.digest'), cell: (d) => mono(d.algorithm + ':' + d.measured) },
    ], r.deviations, { class: 'deviations', row: (d) => ({ dataset: { kind: d.kind } }) }) : null,
    h('p', null, link('/findings?asset=' + encodeURIComponent(v.asset), t('trust.toFindings'))));
}

// verifyForm compares a host's IMA list with a reference manifest.
function verifyForm(hosts, done) {
  const host = select('asset', hosts.map((a) => [a, a]), hosts[0]);
  host.id = 'trust-verify-asset';
  const list = input('list', 'file', '', { id: 'trust-verify-list', required: true });
  const manifest = input('manifest', 'file', '', { id: 'trust-verify-manifest', required: true });
  const status = h('div', { class: 'form-status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'trust-verify-run' }, t('trust.verify'));
  return h('form', {
    class: 'card', id: 'trust-verify',
    on: {
      submit: submitter(status, button, async () => {
        const [[l], [m]] = await Promise.all([readFiles(list), readFiles(manifest)]);
        const v = await api('POST', '/api/v1/trust/postures/' + encodeURIComponent(host.value) + '/verifications', { body: { list: l, manifest: m } });
        status.replaceChildren(verificationView(v));
        button.disabled = false;
        await done();
      }),
    },
  },
  h('h2', null, t('trust.verifyTitle')),
  h('p', { class: 'muted' }, t('trust.verifyIntro')),
  field(t('trust.host'), host),
  field(t('trust.list'), list),
  field(t('trust.manifest'), manifest, t('trust.manifestHint')),
  status,
  h('div', { class: 'actions' }, button));
}

export async function trustPage({ can }) {
  setTitle(t('trust.title'));
  const load = async () => {
    const [ps, gaps] = await Promise.all([api('GET', '/api/v1/trust/postures'), api('GET', '/api/v1/trust/gaps')]);
    return { items: (ps && ps.items) || [], gaps: gaps || { items: [], hosts: 0 } };
  };
  let data = await load();
  const postures = h('div', { id: 'trust-postures' }, postureTable(data.items));
  const gapsLine = () => h('p', { id: 'trust-gap-count' }, t('trust.gapCount', { n: fmtNumber(data.gaps.items.length), hosts: fmtNumber(data.gaps.hosts) }));
  const gapsHolder = h('div', null, gapsLine());
  // The verification form lists the hosts with a posture, so a snapshot
  // of a new host rebuilds it; a verification leaves it as it is, its
  // result shown.
  const verifyHolder = h('div');
  const reload = async (rebuild) => {
    data = await load();
    postures.replaceChildren(postureTable(data.items));
    gapsHolder.replaceChildren(gapsLine());
    if (rebuild) showVerify();
  };
  const showVerify = () => {
    const hosts = data.items.map((p) => p.asset);
    verifyHolder.replaceChildren(can('import.write') && hosts.length ? verifyForm(hosts, () => reload(false)) : '');
  };
  showVerify();
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('trust.title'))),
    h('p', { class: 'muted' }, t('trust.intro')),
    section(t('trust.postures'), gapsHolder, postures),
    can('asset.write') ? snapshotForm(() => reload(true)) : null,
    verifyHolder);
}
