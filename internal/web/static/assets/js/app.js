// vmc's web UI: the layout, the session and the routes.

import { h, clear } from './dom.js';
import { t, setLang, preferredLang, currentLang, LANGS } from './i18n.js';
import { api, setCSRF, whenUnauthenticated } from './api.js';
import { start, navigate, refresh } from './router.js';
import { errorBox, loading, setTitle } from './ui.js';
import { signinPage } from './pages/signin.js';
import { dashboardPage } from './pages/dashboard.js';
import { vulnListPage, vulnPage } from './pages/vulns.js';
import { assetListPage, assetPage } from './pages/assets.js';
import { findingListPage, findingPage } from './pages/findings.js';
import { auditPage } from './pages/audit.js';

// user is who is signed in, null before signing in.
let user = null;

const routes = [
  { re: /^\/$/, page: dashboardPage, nav: 'dashboard' },
  { re: /^\/vulns$/, page: vulnListPage, nav: 'vulns' },
  { re: /^\/vulns\/([^/]+)$/, page: vulnPage, nav: 'vulns' },
  { re: /^\/inventory$/, page: assetListPage, nav: 'assets' },
  { re: /^\/inventory\/(.+)$/, page: assetPage, nav: 'assets' },
  { re: /^\/findings$/, page: findingListPage, nav: 'findings' },
  { re: /^\/findings\/(\d+)$/, page: findingPage, nav: 'findings' },
  { re: /^\/audit$/, page: auditPage, nav: 'audit' },
];

const navItems = [
  ['dashboard', '/', 'nav.dashboard'],
  ['findings', '/findings', 'nav.findings'],
  ['vulns', '/vulns', 'nav.vulns'],
  ['assets', '/inventory', 'nav.assets'],
  ['audit', '/audit', 'nav.audit'],
];

function langSwitcher() {
  const sel = h('select', {
    id: 'lang', name: 'lang',
    on: {
      change: async (ev) => {
        await setLang(ev.target.value, true);
        refresh();
      },
    },
  }, LANGS.map((l) => h('option', { value: l, selected: l === currentLang(), lang: l }, t('lang.' + l))));
  return h('div', { class: 'lang' }, h('label', { for: 'lang' }, t('lang.label')), sel);
}

async function signOut() {
  try {
    await api('DELETE', '/api/v1/session', { quiet401: true });
  } catch (err) {
    // Signed out already (401) is what was wanted; anything else is shown
    // after the page changes, since the session is gone from here anyway.
    if (err.status !== 401) console.error(err);
  }
  user = null;
  setCSRF('');
  navigate('/signin');
}

function header(active) {
  const nav = user
    ? h('nav', { class: 'main-nav', 'aria-label': t('nav.label') },
      h('ul', null, navItems.map(([id, href, key]) =>
        h('li', null, h('a', { href, 'aria-current': id === active ? 'page' : undefined }, t(key))))))
    : null;
  const who = user
    ? h('div', { class: 'who' },
      h('span', { class: 'user', title: t('role.' + user.role) }, user.display || user.name),
      h('button', { type: 'button', class: 'secondary', id: 'signout', on: { click: signOut } }, t('nav.signOut')))
    : null;
  return h('header', { class: 'top' },
    h('a', { class: 'brand', href: '/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'vmc'), h('span', null, t('app.name'))),
    nav,
    h('div', { class: 'tools' }, langSwitcher(), who));
}

let generation = 0;
let lastPath = '';

async function render(path, query) {
  const gen = ++generation;
  const root = document.getElementById('app');
  if (!user && path !== '/signin') {
    navigate('/signin?next=' + encodeURIComponent(path + (query.toString() ? '?' + query : '')), true);
    return;
  }
  if (user && path === '/signin') {
    navigate('/', true);
    return;
  }
  const route = routes.find((r) => r.re.test(path));
  const main = h('main', { id: 'main', tabindex: '-1' });
  clear(root).append(
    h('a', { class: 'skip', href: '#main' }, t('nav.skip')),
    header(route ? route.nav : ''),
    main);
  const moved = path !== lastPath;
  lastPath = path;
  if (path === '/signin') {
    setTitle(t('signin.title'));
    main.append(signinPage({
      query,
      signedIn: (me) => {
        user = me.user;
        setCSRF(me.csrf_token);
        const next = query.get('next');
        navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
      },
    }));
    return;
  }
  if (!route) {
    setTitle(t('notFound.title'));
    main.append(h('h1', null, t('notFound.title')), h('p', null, t('notFound.text')), h('p', null, h('a', { href: '/' }, t('nav.dashboard'))));
    return;
  }
  const params = path.match(route.re).slice(1).map(decodeURIComponent);
  main.append(loading());
  const ctx = { params, query, user, current: () => gen === generation };
  let node;
  try {
    node = await route.page(ctx);
  } catch (err) {
    node = errorBox(err);
  }
  if (gen !== generation) return; // the user went elsewhere meanwhile
  clear(main).append(node);
  if (moved) {
    const h1 = main.querySelector('h1');
    if (h1) { h1.tabIndex = -1; h1.focus({ preventScroll: true }); }
  }
}

async function boot() {
  await setLang(preferredLang(), false);
  whenUnauthenticated(() => {
    if (!user) return;
    user = null;
    setCSRF('');
    navigate('/signin?next=' + encodeURIComponent(location.pathname + location.search), true);
  });
  try {
    const me = await api('GET', '/api/v1/me', { quiet401: true });
    user = me.user;
    setCSRF(me.csrf_token);
  } catch (err) {
    if (err.status !== 401) {
      clear(document.getElementById('app')).append(errorBox(err));
      return;
    }
  }
  start(render);
}

boot();
