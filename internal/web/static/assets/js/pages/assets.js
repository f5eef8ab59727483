// Assets: the list (with a form to add one), and an asset with its
// components, its findings and an inventory upload.

import { h } from '../dom.js';
import { t, label, fmtDay, fmtDateTime, fmtNumber } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import {
  setTitle, table, dl, section, field, select, input, errorBox, stateBadge, priorityBadge, mono,
} from '../ui.js';

const KINDS = ['application', 'host', 'image'];
const ENVS = ['prod', 'staging', 'test', 'dev'];
const CRITS = ['low', 'medium', 'high', 'critical'];
const EXPOSURES = ['internet', 'internal', 'isolated'];

export function assetHref(name) {
  return '/inventory/' + encodeURIComponent(name);
}

function options(prefix, values, none) {
  return [...(none ? [['', t('common.notSet')]] : []), ...values.map((v) => [v, label(prefix, v)])];
}

function newAssetForm() {
  const name = input('name', 'text', '', { id: 'asset-name', required: true, maxlength: 512 });
  const kind = select('kind', options('kind', KINDS), 'application');
  const team = input('team', 'text', '', { id: 'asset-team', maxlength: 200 });
  const env = select('environment', options('env', ENVS, true), '');
  const crit = select('criticality', options('crit', CRITS, true), '');
  const exp = select('exposure', options('exposure', EXPOSURES, true), '');
  const group = input('maintenance_group', 'text', '', { id: 'asset-group', maxlength: 200 });
  const status = h('div', { class: 'form-status' });
  const form = h('form', {
    class: 'grid-form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        status.replaceChildren();
        try {
          const a = await api('PUT', '/api/v1/assets/' + encodeURIComponent(name.value.trim()), {
            body: { kind: kind.value, team: team.value.trim() || undefined, environment: env.value || undefined,
              criticality: crit.value || undefined, exposure: exp.value || undefined,
              maintenance_group: group.value.trim() || undefined },
          });
          navigate(assetHref(a.name));
        } catch (err) {
          status.append(errorBox(err));
        }
      },
    },
  },
  field(t('asset.name'), name),
  field(t('asset.kind'), kind),
  field(t('asset.team'), team),
  field(t('asset.environment'), env),
  field(t('asset.criticality'), crit),
  field(t('asset.exposure'), exp),
  field(t('asset.maintenanceGroup'), group),
  status,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('assets.create'))));
  return h('details', { class: 'card new-asset' }, h('summary', null, t('assets.new')), form);
}

export async function assetListPage() {
  setTitle(t('nav.assets'));
  const as = await api('GET', '/api/v1/assets');
  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('assets.title'))),
    newAssetForm(),
    table([
      { label: t('asset.name'), cell: (a) => h('a', { href: assetHref(a.name) }, a.name) },
      { label: t('asset.kind'), cell: (a) => label('kind', a.kind) },
      { label: t('asset.team'), cell: (a) => a.team || '' },
      { label: t('asset.environment'), cell: (a) => label('env', a.environment) },
      { label: t('asset.criticality'), cell: (a) => label('crit', a.criticality) },
      { label: t('asset.exposure'), cell: (a) => label('exposure', a.exposure) },
      { label: t('asset.updated'), cell: (a) => fmtDateTime(a.updated), class: 'nowrap' },
    ], as || [], { empty: t('assets.none') }));
}

// uploadForm sends an SBOM, lockfile or OS package list as the asset's
// inventory; the server detects the format from the file's name and
// content, replaces the components and matches them at once.
function uploadForm(a, done) {
  // The native file control's button and "no file chosen" are in the
  // browser's language, not the page's: it is hidden (still focusable
  // and labelled) behind a label styled as a button.
  const chosen = h('span', { class: 'muted', id: 'inventory-chosen' }, t('asset.noFile'));
  const file = h('input', {
    type: 'file', name: 'file', id: 'inventory-file', class: 'visually-hidden', 'aria-describedby': 'inventory-hint inventory-chosen',
    on: { change: () => { chosen.textContent = file.files[0] ? file.files[0].name : t('asset.noFile'); } },
  });
  const status = h('div', { class: 'form-status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('asset.upload'));
  return h('form', {
    class: 'upload',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        const f = file.files[0];
        if (!f) {
          status.replaceChildren(h('div', { class: 'alert error', role: 'alert' }, t('asset.noFile')));
          return;
        }
        button.disabled = true;
        status.replaceChildren(h('p', { class: 'muted' }, t('asset.uploading')));
        try {
          const r = await api('PUT', '/api/v1/assets/' + encodeURIComponent(a.name) + '/inventory', { query: { file: f.name }, raw: f });
          const ch = r.change || {};
          done(h('div', { class: 'alert ok', role: 'status', id: 'upload-result' },
            t('asset.uploaded', {
              added: fmtNumber((ch.added || []).length), removed: fmtNumber((ch.removed || []).length), kept: fmtNumber(ch.kept || 0),
              opened: fmtNumber((r.outcome || {}).opened || 0), moved: fmtNumber((r.outcome || {}).moved || 0),
            }),
            (r.errors || []).length ? h('ul', null, r.errors.map((e) => h('li', null, e))) : null));
        } catch (err) {
          status.replaceChildren(errorBox(err));
        } finally {
          button.disabled = false;
        }
      },
    },
  },
  h('div', { class: 'field' },
    h('span', { class: 'label' }, t('asset.inventoryFile')),
    h('div', { class: 'filepick' }, file, h('label', { for: 'inventory-file', class: 'button secondary' }, t('asset.chooseFile')), chosen),
    h('small', { class: 'muted', id: 'inventory-hint' }, t('asset.inventoryHint'))),
  h('div', { class: 'actions' }, button),
  status);
}

// assetPage renders an asset; notice, when given, is shown under the
// heading (the result of an upload, after which the page is rebuilt).
export async function assetPage({ params, notice }) {
  const name = params[0];
  const [got, findings] = await Promise.all([
    api('GET', '/api/v1/assets/' + encodeURIComponent(name)),
    api('GET', '/api/v1/findings', { query: { asset: name, all: true, limit: 500 } }),
  ]);
  const a = got.asset || got;
  const comps = got.components || [];
  setTitle(a.name);
  const findingRows = findings.items || [];
  const body = h('div', null);
  const reload = async (message) => {
    try {
      const page = await assetPage({ params, notice: message });
      body.replaceWith(page);
    } catch (err) {
      body.append(errorBox(err));
    }
  };
  body.append(
    h('div', { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '/inventory' }, t('nav.assets'))),
      h('h1', null, a.name)),
    notice || null,
    section(t('asset.details'), dl([
      [t('asset.kind'), label('kind', a.kind)],
      [t('asset.team'), a.team],
      [t('asset.environment'), label('env', a.environment)],
      [t('asset.criticality'), label('crit', a.criticality)],
      [t('asset.exposure'), label('exposure', a.exposure)],
      [t('asset.tags'), (a.tags || []).join(', ')],
      [t('asset.maintenanceGroup'), a.maintenance_group],
      [t('asset.created'), fmtDateTime(a.created)],
      [t('asset.updated'), fmtDateTime(a.updated)],
    ])),
    section(t('asset.uploadTitle'), uploadForm(a, reload)),
    h('section', { class: 'card', id: 'asset-findings' }, h('h2', null, t('asset.findings', { n: fmtNumber(findingRows.length) })),
      table([
        { label: t('finding.id'), cell: (f) => h('a', { href: '/findings/' + f.id }, '#' + f.id) },
        { label: t('finding.vuln'), cell: (f) => h('a', { href: '/vulns/' + encodeURIComponent(f.vuln), class: 'mono' }, f.vuln) },
        { label: t('finding.package'), cell: (f) => [f.package, ' ', h('span', { class: 'muted' }, (f.versions || []).join(', '))] },
        { label: t('finding.state'), cell: (f) => stateBadge(f.state) },
        { label: t('finding.priority'), cell: (f) => priorityBadge(f.priority) },
        { label: t('finding.due'), cell: (f) => fmtDay(f.due), class: 'nowrap' },
      ], findingRows, { empty: t('findings.none') })),
    h('section', { class: 'card', id: 'components' }, h('h2', null, t('asset.components', { n: fmtNumber(comps.length) })),
      table([
        { label: t('component.name'), cell: (c) => c.name },
        { label: t('component.version'), cell: (c) => mono(c.version) },
        { label: t('component.ecosystem'), cell: (c) => c.ecosystem || '' },
        { label: t('component.purl'), cell: (c) => (c.purl ? mono(c.purl) : ''), class: 'small' },
        { label: t('component.direct'), cell: (c) => (c.direct ? t('common.yes') : ''), class: 'center' },
        { label: t('component.source'), cell: (c) => c.source || '', class: 'small' },
      ], comps, { empty: t('asset.noComponents') })));
  return body;
}
