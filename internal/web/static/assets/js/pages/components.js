// Components: every package version found on the assets one may see,
// with the assets that have it (GET /api/v1/components): where is
// log4j-core 2.14.1 installed?

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { navigate, pathWith } from '../router.js';
import { setTitle, table, field, input, pager, mono } from '../ui.js';
import { assetHref } from './assets.js';

// ECOSYSTEMS are suggestions for the ecosystem field, which takes any
// name the inventories use.
const ECOSYSTEMS = ['npm', 'PyPI', 'Maven', 'Go', 'crates.io', 'NuGet', 'RubyGems', 'Packagist', 'Debian', 'Ubuntu', 'Alpine', 'Red Hat', 'Bitnami'];

const cursors = { key: '', stack: [] };

// assetName accepts an asset as the API lists it ({name, team}) or as
// a bare name.
function assetName(a) {
  return typeof a === 'string' ? a : (a && a.name) || '';
}

export async function componentsPage({ query }) {
  setTitle(t('components.title'));
  const q = query.get('q') || '';
  const ecosystem = query.get('ecosystem') || '';
  const after = query.get('after') || '';
  const key = JSON.stringify([q, ecosystem]);
  if (cursors.key !== key || !after) { cursors.key = key; cursors.stack = []; }

  const page = await api('GET', '/api/v1/components', { query: { q, ecosystem, after, limit: 100 } });

  const qIn = input('q', 'search', q, { id: 'component-q', maxlength: 200, placeholder: t('components.searchPlaceholder') });
  const ecoIn = input('ecosystem', 'text', ecosystem, { id: 'component-ecosystem', maxlength: 64, list: 'ecosystems', autocomplete: 'off' });
  const form = h('form', {
    class: 'filters', role: 'search',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        navigate(pathWith('/components', { q: qIn.value.trim(), ecosystem: ecoIn.value.trim() }));
      },
    },
  },
  h('datalist', { id: 'ecosystems' }, ECOSYSTEMS.map((e) => h('option', { value: e }))),
  field(t('components.search'), qIn),
  field(t('component.ecosystem'), ecoIn),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, t('common.search')),
    q || ecosystem ? h('a', { href: '/components', class: 'reset' }, t('common.reset')) : null));

  const rows = page.items || [];
  const prev = after ? () => navigate(pathWith('/components', { q, ecosystem, after: cursors.stack.pop() || '' })) : null;
  const next = page.next ? () => { cursors.stack.push(after); navigate(pathWith('/components', { q, ecosystem, after: page.next })); } : null;

  return h('div', null,
    h('div', { class: 'page-head' }, h('h1', null, t('components.title')), h('p', { class: 'muted' }, t('components.intro'))),
    form,
    table([
      { label: t('component.name'), cell: (c) => h('strong', null, c.name) },
      { label: t('component.version'), cell: (c) => mono(c.version || '') },
      { label: t('component.ecosystem'), cell: (c) => c.ecosystem || '' },
      { label: t('component.purl'), cell: (c) => (c.purl ? mono(c.purl) : ''), class: 'small wrap' },
      {
        label: t('components.assets'),
        cell: (c) => h('ul', { class: 'plain inline' }, (c.assets || []).map((a) => h('li', null, h('a', { href: assetHref(assetName(a)) }, assetName(a))))),
      },
    ], rows, { class: 'components', empty: t('components.none') }),
    pager(prev, next));
}
