// vmc's web UI: the layout, the session and the routes.

import { h, clear } from './dom.js';
import { t, setLang, preferredLang, currentLang, LANGS } from './i18n.js';
import { api, setCSRF, whenUnauthenticated } from './api.js';
import { start, navigate, refresh } from './router.js';
import { errorBox, loading, setTitle, forbidden, takeFlash } from './ui.js';
import { signinPage } from './pages/signin.js';
import { dashboardPage } from './pages/dashboard.js';
import { vulnListPage, vulnPage } from './pages/vulns.js';
import { assetListPage, assetPage } from './pages/assets.js';
import { findingListPage, findingPage } from './pages/findings.js';
import { auditPage } from './pages/audit.js';
import { acceptancesPage } from './pages/acceptances.js';
import { slaPage } from './pages/sla.js';
import { componentsPage } from './pages/components.js';
import { importPage } from './pages/import.js';
import { usersPage } from './pages/users.js';
import { incidentListPage, incidentPage } from './pages/incidents.js';
import { disclosureListPage, disclosurePage } from './pages/disclosures.js';
import { processPage } from './pages/process.js';
import { incidentMetricsPage } from './pages/incident-metrics.js';
import { baselinesPage, hostCompliancePage } from './pages/baselines.js';
import { peersPage } from './pages/peers.js';
import { rulesPage } from './pages/rules.js';
import { attackPathsPage } from './pages/attackpaths.js';
import { jobsPage, jobPage } from './pages/jobs.js';
import { trustPage } from './pages/trust.js';
import { maintenancePage, environmentPage, verificationPage, sammPage } from './pages/hardening.js';

// user is who is signed in, null before signing in; permissions are what
// /api/v1/me says they may do somewhere, which decides what the UI offers
// (the API checks every request again).
let user = null;
let permissions = [];

function can(...perms) {
  return perms.some((p) => permissions.includes(p));
}

// signIn keeps who signed in; a language they chose (PUT /api/v1/me)
// wins over this browser's.
async function signIn(me) {
  user = me.user;
  permissions = me.permissions || [];
  setCSRF(me.csrf_token);
  if (user.lang && user.lang !== currentLang()) await setLang(user.lang, true);
}

function signedOut() {
  user = null;
  permissions = [];
  setCSRF('');
}

// Each route names the permissions of which the page needs one; a page
// out of reach says so instead of showing the API's refusal.
const routes = [
  { re: /^\/$/, page: dashboardPage, nav: 'dashboard', perms: ['finding.read'], title: 'dash.title' },
  { re: /^\/vulns$/, page: vulnListPage, nav: 'vulns', perms: ['vuln.read'], title: 'vulns.title' },
  { re: /^\/vulns\/([^/]+)$/, page: vulnPage, nav: 'vulns', perms: ['vuln.read'], title: 'vulns.title' },
  { re: /^\/inventory$/, page: assetListPage, nav: 'assets', perms: ['asset.read'], title: 'assets.title' },
  { re: /^\/inventory\/(.+)$/, page: assetPage, nav: 'assets', perms: ['asset.read'], title: 'assets.title' },
  { re: /^\/findings$/, page: findingListPage, nav: 'findings', perms: ['finding.read'], title: 'findings.title' },
  { re: /^\/findings\/(\d+)$/, page: findingPage, nav: 'findings', perms: ['finding.read'], title: 'findings.title' },
  { re: /^\/incidents$/, page: incidentListPage, nav: 'incidents', perms: ['finding.read'], title: 'incidents.title' },
  { re: /^\/incidents\/(\d+)$/, page: incidentPage, nav: 'incidents', perms: ['finding.read'], title: 'incidents.title' },
  { re: /^\/incidents\/metrics$/, page: incidentMetricsPage, nav: 'incidents', perms: ['process.read'], title: 'imetrics.title' },
  { re: /^\/disclosures$/, page: disclosureListPage, nav: 'disclosures', perms: ['report.read'], title: 'disclosures.title' },
  { re: /^\/disclosures\/(\d+)$/, page: disclosurePage, nav: 'disclosures', perms: ['report.read'], title: 'disclosures.title' },
  { re: /^\/process$/, page: processPage, nav: 'process', perms: ['process.read'], title: 'process.title' },
  { re: /^\/acceptances$/, page: acceptancesPage, nav: 'acceptances', perms: ['finding.read'], title: 'acceptances.title' },
  { re: /^\/sla$/, page: slaPage, nav: 'sla', perms: ['finding.read'], title: 'sla.title' },
  { re: /^\/trust$/, page: trustPage, nav: 'trust', perms: ['asset.read'], title: 'trust.title' },
  { re: /^\/components$/, page: componentsPage, nav: 'components', perms: ['asset.read'], title: 'components.title' },
  { re: /^\/import$/, page: importPage, nav: 'import', perms: ['import.write'], title: 'import.title' },
  { re: /^\/users$/, page: usersPage, nav: 'users', perms: ['user.admin', 'asset.read'], title: 'users.title' },
  { re: /^\/baselines$/, page: baselinesPage, nav: 'baselines', perms: ['asset.read'], title: 'baseline.title' },
  { re: /^\/baselines\/hosts\/(.+)$/, page: hostCompliancePage, nav: 'baselines', perms: ['asset.read'], title: 'baseline.title' },
  { re: /^\/hardening$/, page: maintenancePage, nav: 'hardening', perms: ['process.read'], title: 'hardening.title' },
  { re: /^\/hardening\/environment$/, page: environmentPage, nav: 'hardening', perms: ['process.read'], title: 'hardening.title' },
  { re: /^\/hardening\/verification$/, page: verificationPage, nav: 'hardening', perms: ['process.read'], title: 'hardening.title' },
  { re: /^\/hardening\/samm$/, page: sammPage, nav: 'hardening', perms: ['process.read'], title: 'hardening.title' },
  { re: /^\/rules$/, page: rulesPage, nav: 'rules', perms: ['finding.read'], title: 'rules.title' },
  { re: /^\/attack-paths$/, page: attackPathsPage, nav: 'attackpaths', perms: ['finding.read'], title: 'attack.title' },
  { re: /^\/peers$/, page: peersPage, nav: 'peers', perms: ['import.write'], title: 'peers.title' },
  { re: /^\/jobs$/, page: jobsPage, nav: 'jobs', perms: ['import.write'], title: 'jobs.title' },
  { re: /^\/jobs\/(\d+)$/, page: jobPage, nav: 'jobs', perms: ['import.write'], title: 'jobs.title' },
  { re: /^\/audit$/, page: auditPage, nav: 'audit', perms: ['audit.read'], title: 'audit.title' },
];

// navItems: [id, href, catalogue key, permissions of which one shows it].
const navItems = [
  ['dashboard', '/', 'nav.dashboard', ['finding.read']],
  ['findings', '/findings', 'nav.findings', ['finding.read']],
  ['vulns', '/vulns', 'nav.vulns', ['vuln.read']],
  ['assets', '/inventory', 'nav.assets', ['asset.read']],
  ['components', '/components', 'nav.components', ['asset.read']],
  ['trust', '/trust', 'nav.trust', ['asset.read']],
  ['incidents', '/incidents', 'nav.incidents', ['finding.read']],
  ['disclosures', '/disclosures', 'nav.disclosures', ['report.read']],
  ['process', '/process', 'nav.process', ['process.read']],
  ['acceptances', '/acceptances', 'nav.acceptances', ['finding.read']],
  ['sla', '/sla', 'nav.sla', ['finding.read']],
  ['baselines', '/baselines', 'nav.baselines', ['asset.read']],
  ['hardening', '/hardening', 'nav.hardening', ['process.read']],
  ['rules', '/rules', 'nav.rules', ['finding.read']],
  ['attackpaths', '/attack-paths', 'nav.attackpaths', ['finding.read']],
  ['import', '/import', 'nav.import', ['import.write']],
  ['peers', '/peers', 'nav.peers', ['import.write']],
  ['jobs', '/jobs', 'nav.jobs', ['import.write']],
  ['users', '/users', 'nav.users', ['user.admin', 'asset.read']],
  ['audit', '/audit', 'nav.audit', ['audit.read']],
];

function langSwitcher() {
  const sel = h('select', {
    id: 'lang', name: 'lang',
    on: {
      change: async (ev) => {
        await setLang(ev.target.value, true);
        // Signed in, the choice follows the user to other browsers and
        // into problem details and reports.
        if (user) {
          try {
            user = (await api('PUT', '/api/v1/me', { body: { lang: ev.target.value } })).user;
          } catch { /* the page still switches; the setting is not kept */ }
        }
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
  signedOut();
  navigate('/signin');
}

function header(active) {
  const nav = user
    ? h('nav', { class: 'main-nav', 'aria-label': t('nav.label') },
      h('ul', null, navItems.filter((n) => can(...n[3])).map(([id, href, key]) =>
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
      signedIn: async (me) => {
        await signIn(me);
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
  if (!can(...route.perms)) {
    setTitle(t(route.title));
    main.append(forbidden(t(route.title)));
    return;
  }
  const params = path.match(route.re).slice(1).map(decodeURIComponent);
  main.append(loading());
  const ctx = { params, query, user, can, current: () => gen === generation };
  // What the action that led here did, shown on the page it led to.
  const done = takeFlash();
  let node;
  try {
    node = await route.page(ctx);
  } catch (err) {
    node = errorBox(err);
  }
  if (gen !== generation) return; // the user went elsewhere meanwhile
  clear(main).append(node);
  if (done) (main.querySelector('.page-head') || main.firstChild).after(done);
  if (moved) {
    const h1 = main.querySelector('h1');
    if (h1) { h1.tabIndex = -1; h1.focus({ preventScroll: true }); }
  }
}

async function boot() {
  await setLang(preferredLang(), false);
  whenUnauthenticated(() => {
    if (!user) return;
    signedOut();
    navigate('/signin?next=' + encodeURIComponent(location.pathname + location.search), true);
  });
  try {
    await signIn(await api('GET', '/api/v1/me', { quiet401: true }));
  } catch (err) {
    if (err.status !== 401) {
      clear(document.getElementById('app')).append(errorBox(err));
      return;
    }
  }
  start(render);
}

boot();
