// Browser test of vmc's web UI: playwright-core drives the system's
// headless Chromium (no browser download) through a signed-in session.
//
//   node e2e/run.mjs http://127.0.0.1:8080
//
// Environment: ADMIN_PASSWORD (the admin's password), CHROMIUM (default
// /usr/bin/chromium), SCREENSHOTS (directory, default /tmp: the
// screenshots and the downloaded findings-zh-CN.pdf), RECEIVER (where the
// server's incident notifications arrive: POST /hook takes webhook calls,
// GET /calls and GET /mail list what arrived). The server must
// hold the demo data, an asset with findings, Log4Shell among them, and a
// second user "lead" who may approve risk acceptances (TestBrowser in
// web's tests builds one). Steps run in order, each
// needing the ones before; after a failure the rest are reported as not
// run. The last line is "N passed, N failed"; the exit status is 1 when
// anything failed.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = (process.argv[2] || '').replace(/\/$/, '');
const password = process.env.ADMIN_PASSWORD;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = process.env.SCREENSHOTS || '/tmp';
if (!base || !password) {
  console.error('usage: ADMIN_PASSWORD=... node e2e/run.mjs BASEURL');
  process.exit(2);
}

let passed = 0;
let failed = 0;
let broken = false;
const started = Date.now();

async function step(name, fn) {
  if (broken) {
    failed++;
    console.log(`SKIP ${name}: not run, an earlier step failed`);
    return;
  }
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed++;
    broken = true;
    console.log(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
  }
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
// en-US: the UI's default language follows navigator.language.
const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai', viewport: { width: 1360, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(7000);

// Script errors and CSP violations fail the run; failed requests the
// test provokes (401 before signing in, a wrong password) do not.
const problems = [];
page.on('pageerror', (err) => problems.push('page error: ' + err.message));
page.on('console', (msg) => {
  if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push('console: ' + msg.text());
});

const text = async (sel) => (await page.locator(sel).first().textContent()) || '';
// Full-page screenshots of long pages are the slowest thing here; on a
// busy machine they get longer than the other actions' 7 seconds.
const shot = async (name) => page.screenshot({ path: path.join(shots, name), fullPage: true, timeout: 20000 });
const number = (s) => Number(String(s).replace(/[^\d.]/g, ''));

// rendered runs action (a click, a navigation) and waits for the page it
// leads to: the app builds a new <main> on every navigation, so the old
// one is marked and the wait is for an unmarked one with its heading.
async function rendered(action) {
  await page.evaluate(() => { const m = document.querySelector('main'); if (m) m.dataset.stale = '1'; });
  await action();
  try {
    await page.locator('main:not([data-stale]) h1').first().waitFor();
  } catch (err) {
    // An action the API refused leaves the page, with the refusal shown.
    // A page that failed to build shows why, and a script error is kept.
    const alerts = await page.locator('main [role=alert]').allTextContents();
    console.log(`     the page says: ${alerts.join(' | ') || 'nothing'}; script errors: ${problems.join(' | ') || 'none'}`);
    throw err;
  }
}

// chartsLoaded checks a page's charts: n images (the dashboard's three)
// drawn by the API in the UI's language, every one decoded, each with a text
// alternative.
async function chartsLoaded(lang, n = 3) {
  const imgs = page.locator('main img.chart');
  assert.equal(await imgs.count(), n, `${n} charts`);
  await page.waitForFunction(() => [...document.querySelectorAll('main img.chart')].every((i) => i.complete && i.naturalWidth > 0));
  const got = await imgs.evaluateAll((is) => is.map((i) => ({ src: i.getAttribute('src'), alt: i.alt, w: i.naturalWidth })));
  for (const g of got) {
    assert.ok(new URL(g.src, base).searchParams.get('lang') === lang, `chart in ${lang}: ${g.src}`);
    assert.ok(g.alt.length > 10 && g.w > 0, `chart ${g.src}: alt ${g.alt}, width ${g.w}`);
  }
}

// api calls the API from the page, as another tab of the same session
// would (the tests use it to change things behind the page's back).
async function api(method, url, body) {
  return page.evaluate(async ([method, url, body]) => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch(url, {
      method, body: body && JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
    });
    if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
    return r.json();
  }, [method, url, body]);
}

const isoDay = (days) => new Date(Date.now() + days * 864e5).toISOString().slice(0, 10);
// A datetime-local value in the browser's zone (Asia/Shanghai, UTC+8
// all year) for a time hours before now.
const shanghai = (hoursBefore) => new Date(Date.now() - hoursBefore * 36e5 + 8 * 36e5).toISOString().slice(0, 16);

// mailBody decodes the body of a single-part e-mail as received:
// quoted-printable or base64, as its Content-Transfer-Encoding says.
function mailBody(data) {
  const at = data.indexOf('\r\n\r\n');
  const head = data.slice(0, at);
  const body = data.slice(at + 4);
  const cte = (/^content-transfer-encoding:\s*(\S+)/im.exec(head) || [])[1] || '';
  if (/^base64$/i.test(cte)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/^quoted-printable$/i.test(cte)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (m, hex) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

// adminOnInventory opens the assets page as the admin, signing in if
// the steps before left the admin signed out (they may leave either).
async function adminOnInventory() {
  await page.goto(base + '/inventory');
  const assets = page.locator('h1', { hasText: 'Assets' });
  await Promise.race([assets.waitFor(), page.getByLabel('User name').waitFor()]);
  if (!(await assets.isVisible())) {
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await assets.waitFor();
  }
}

// ids of the finding on Log4Shell, found on the list.
let findingURL = '';

await step('an unsigned visitor is sent to sign in', async () => {
  await page.goto(base + '/findings');
  await page.waitForURL(/\/signin\?next=%2Ffindings$/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByLabel('User name').waitFor();
  await page.getByLabel('Password').waitFor();
});

await step('a wrong password shows the server\'s problem detail', async () => {
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'wrong user name or password' }).waitFor();
});

await step('the admin signs in and lands where they were going', async () => {
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(base + '/findings');
  await page.locator('h1', { hasText: 'Findings' }).waitFor();
});

await step('the dashboard shows open, overdue, MTTR, SLA and KEV figures', async () => {
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  assert.ok(number(await text('#stat-open .stat-value')) >= 3, 'open findings');
  assert.ok(number(await text('#stat-kev-vulns .stat-value')) >= 3, 'KEV vulnerabilities');
  assert.ok(number(await text('#stat-kev-findings .stat-value')) >= 1, 'open findings on KEV');
  await page.locator('#stat-overdue .stat-value').waitFor();
  await page.locator('#stat-mttr .stat-value').waitFor();
  assert.match(await text('#stat-sla .stat-label'), /SLA compliance/);
  assert.equal(await page.locator('ul.bars li').count(), 4, 'one bar per priority');
  await chartsLoaded('en');
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  assert.match(await page.locator('#report-findings-pdf').getAttribute('href'), /^\/api\/v1\/reports\/findings\?format=pdf&lang=en$/);
  assert.match(await page.locator('#report-sla-csv').getAttribute('href'), /^\/api\/v1\/reports\/sla\?format=csv&lang=en$/);
  await shot('dashboard-en.png');
});

await step('switching to 中文 relabels the page and sets <html lang>', async () => {
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.locator('h1', { hasText: '概览' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  const nav = await text('nav.main-nav');
  for (const label of ['概览', '发现', '漏洞', '资产', '审计日志']) assert.ok(nav.includes(label), `nav has ${label}: ${nav}`);
  assert.match(await text('#stat-sla .stat-label'), /SLA 达成率/);
  assert.match(await text('#signout'), /退出登录/);
  assert.equal(await page.evaluate(() => localStorage.getItem('vmc.lang')), 'zh-CN');
  await chartsLoaded('zh-CN');
  for (const label of ['组件', '风险接受', '修复时限', '导入', '用户与团队']) assert.ok(nav.includes(label), `nav has ${label}: ${nav}`);
  await shot('dashboard-zh-CN.png');
});

await step('the findings report downloads as a Chinese PDF', async () => {
  const link = page.locator('#report-findings-pdf');
  assert.equal(await link.textContent(), '下载 PDF');
  assert.match(await link.getAttribute('href'), /lang=zh-CN/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /^vmc-findings-.*zh-CN\.pdf$/);
  const file = path.join(shots, 'findings-zh-CN.pdf');
  await download.saveAs(file);
  const pdf = await fs.readFile(file);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 10 * 1024, `PDF of ${pdf.length} bytes`);
  // A download leaves the page where it was.
  await page.locator('h1', { hasText: '概览' }).waitFor();
});

await step('the language is remembered across a reload', async () => {
  await page.reload();
  await page.locator('h1', { hasText: '概览' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
});

await step('the findings list shows the asset\'s findings', async () => {
  await page.getByRole('link', { name: '发现', exact: true }).click();
  await page.locator('h1', { hasText: '发现' }).waitFor();
  const rows = page.locator('table.findings tbody tr');
  assert.ok(await rows.count() >= 3, 'at least three findings');
  const row = rows.filter({ hasText: 'CVE-2021-44228' }).filter({ hasText: 'shop-web' });
  assert.equal(await row.count(), 1, 'one finding on Log4Shell on shop-web');
  assert.match(await row.locator('.state').textContent(), /新发现/);
  findingURL = await row.locator('a.finding-link').getAttribute('href');
  await row.locator('a.finding-link').click();
});

await step('a finding explains itself in Chinese', async () => {
  await page.waitForURL(base + findingURL);
  await page.locator('h1', { hasText: '发现 #' }).waitFor();
  const exp = await text('#explanation .explanation');
  assert.match(exp, /^发现 #\d+：资产 shop-web 上的 CVE-2021-44228，状态 新发现。/);
  assert.match(exp, /受 CVE-2021-44228 影响/);
  assert.equal(await page.locator('#explanation .explanation').getAttribute('lang'), 'zh-CN');
  assert.ok(await page.locator('table.inputs tbody tr').count() >= 1, 'assessment inputs listed');
  assert.match(await text('#history'), /新增发现/);
  await shot('vmc-finding-zh-CN.png');
});

await step('only the lifecycle\'s moves are offered', async () => {
  const offered = await page.locator('#decide-state option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(offered.includes('triaged'), `triaged offered: ${offered}`);
  for (const bad of ['new', 'fixed', 'verified', 'risk_accepted']) {
    assert.ok(!offered.includes(bad), `${bad} must not be offered from new: ${offered}`);
  }
});

await step('triaging with a reason moves the state and records it', async () => {
  await page.locator('#decide-state').selectOption('triaged');
  await page.locator('#decide-reason').fill('已确认 shop-web 使用该版本 / confirmed in use');
  await page.locator('#decide-submit').click();
  await page.locator('.alert.ok', { hasText: '处置已记录' }).waitFor();
  assert.equal(await page.locator('#finding-state [data-state]').getAttribute('data-state'), 'triaged');
  const entry = page.locator('table.history tbody tr', { hasText: 'confirmed in use' });
  assert.equal(await entry.count(), 1, 'history entry with the reason');
  assert.match(await entry.textContent(), /状态变更/);
  assert.equal(await entry.locator('[data-state="triaged"]').count(), 1, 'the entry shows the new state');
  const offered = await page.locator('#decide-state option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(offered.includes('fixed') && !offered.includes('triaged') && !offered.includes('verified'), `moves from triaged: ${offered}`);
});

await step('a refused decision shows the API\'s detail', async () => {
  await page.locator('details.accept summary').click();
  await page.locator('#accept-approver').fill('admin');
  await page.locator('#accept-controls').fill('WAF rule blocking JNDI lookups');
  await page.locator('#accept-reason').fill('e2e: self-approval must be refused');
  await page.locator('#acceptance-form button[type=submit]').click();
  await page.locator('#acceptance-form [role=alert]', { hasText: 'requester' }).waitFor();
  // The UI is in Chinese, so the server words the kind of problem so.
  assert.match(await text('#acceptance-form [role=alert]'), /风险接受无效/);
  assert.equal(await page.locator('#finding-state [data-state]').getAttribute('data-state'), 'triaged');
});

await step('in English the finding explains itself in English', async () => {
  await page.getByLabel('语言').selectOption('en');
  await page.locator('h1', { hasText: 'Finding #' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  const exp = await text('#explanation .explanation');
  assert.match(exp, /^Finding #\d+: CVE-2021-44228 on asset shop-web, triaged\./);
  assert.match(exp, /Reason for the current state: /);
  await shot('vmc-finding-en.png');
});

await step('searching log4j on the vulnerabilities page opens Log4Shell', async () => {
  await rendered(() => page.getByRole('link', { name: 'Vulnerabilities' }).click());
  await page.getByLabel('Search IDs and titles').fill('log4j');
  await rendered(() => page.getByRole('button', { name: 'Search' }).click());
  assert.match(page.url(), /\/vulns\?q=log4j$/);
  const rows = page.locator('table.vulns tbody tr');
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  assert.ok(ids.includes('CVE-2021-44228') && ids.length < 5, `log4j finds Log4Shell: ${ids}`);
  await rendered(() => rows.locator('a', { hasText: 'CVE-2021-44228' }).click());
  await page.locator('h1', { hasText: 'CVE-2021-44228' }).waitFor();
  await rendered(() => page.goBack());
  assert.equal(await page.getByLabel('Search IDs and titles').inputValue(), 'log4j');
});

await step('searching vulnerabilities finds Log4Shell with its sources', async () => {
  await page.getByRole('link', { name: 'Vulnerabilities' }).click();
  await page.locator('h1', { hasText: 'Vulnerabilities' }).waitFor();
  await page.getByLabel('Search IDs and titles').fill('CVE-2021-44228');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=CVE-2021-44228/);
  const link = page.locator('table.vulns tbody tr a', { hasText: 'CVE-2021-44228' });
  await link.waitFor();
  assert.equal(await page.locator('table.vulns tbody tr').count(), 1);
  await page.goto(base + '/vulns');
  await page.locator('table.vulns tbody tr').first().waitFor();
  await shot('vmc-vulns-en.png');
  await page.goBack();
  await link.click();
  await page.locator('h1', { hasText: 'CVE-2021-44228' }).waitFor();
  const sources = await page.locator('#sources tbody tr .badge.source').allTextContents();
  for (const s of ['cve5', 'nvd', 'kev']) assert.ok(sources.includes(s), `source ${s} listed: ${sources}`);
  // Every field says where it comes from.
  const views = page.locator('.field-view');
  assert.ok(await views.count() >= 5);
  assert.equal(await page.locator('.field-view .claim.chosen .prov').count(), await views.count());
  await page.locator('.field-view[data-field="kev"] .prov .badge.source', { hasText: 'kev' }).waitFor();
  await page.locator('.field-view[data-field="description"]').first().waitFor();
  await shot('vmc-vuln-en.png');
});

await step('vulnerability filters narrow the list and live in the URL', async () => {
  await rendered(() => page.goto(base + '/vulns'));
  const rows = page.locator('table.vulns tbody tr');
  const all = await rows.count();
  await page.getByRole('checkbox', { name: 'Critical' }).check();
  await rendered(() => page.getByRole('button', { name: 'Search' }).click());
  assert.match(page.url(), /\/vulns\?severity=critical$/);
  const ratings = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.rating));
  assert.ok(ratings.length > 0 && ratings.length < all, `${ratings.length} critical of ${all}`);
  assert.deepEqual([...new Set(ratings)], ['critical']);
  // KEV on top, then a new order, which applies at once.
  const params = () => Object.fromEntries(new URL(page.url()).searchParams);
  await page.getByLabel('Known exploited (KEV) only').check();
  await rendered(() => page.getByRole('button', { name: 'Search' }).click());
  assert.deepEqual(params(), { kev: '1', severity: 'critical' });
  const kev = await rows.count();
  assert.ok(kev >= 3 && kev <= ratings.length, `${kev} critical KEV`);
  assert.equal(await page.locator('table.vulns tbody tr .badge.kev').count(), kev, 'every row is in KEV');
  await rendered(() => page.getByLabel('Sort by').selectOption('-score'));
  assert.deepEqual(params(), { kev: '1', severity: 'critical', sort: '-score' });
  const scores = (await rows.locator('td.severity').allTextContents()).map((x) => parseFloat(x));
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), `descending scores: ${scores}`);
  // Back and forward walk the filters, the form following the URL.
  await rendered(() => page.goBack());
  assert.deepEqual(params(), { kev: '1', severity: 'critical' });
  assert.equal(await page.getByLabel('Sort by').inputValue(), '');
  await rendered(() => page.goBack());
  assert.match(page.url(), /\/vulns\?severity=critical$/);
  assert.equal(await page.getByLabel('Known exploited (KEV) only').isChecked(), false);
  assert.equal(await page.getByRole('checkbox', { name: 'Critical' }).isChecked(), true);
  assert.equal(await rows.count(), ratings.length);
  await rendered(() => page.goForward());
  assert.equal(await page.getByLabel('Known exploited (KEV) only').isChecked(), true);
  assert.equal(await rows.count(), kev);
});

await step('advisory text is rendered as text, never as markup', async () => {
  assert.equal(await page.locator('main img').count(), 0, 'no <img> in Log4Shell\'s page');
  // Records whose sources carried HTML (<p>, <br>) and long multi-line
  // descriptions: every piece of advisory text is a bare text node.
  for (const id of ['CVE-2023-23752', 'CVE-2023-43630', 'CVE-2024-3094']) {
    await page.goto(base + '/vulns/' + id);
    await page.locator('.field-view[data-field="description"] .advisory-text').first().waitFor();
    assert.equal(await page.locator('.advisory-text *').count(), 0, `${id}: elements inside advisory text`);
    assert.equal(await page.locator('main img, main script, main iframe, main object').count(), 0, `${id}: img/script/iframe`);
    const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) assert.ok(/^(\/|https?:)/.test(href), `${id}: link ${href}`);
  }
  // The demo data holds no markup, so probe the renderer the pages use
  // with a title that does, in this page and under its CSP.
  const probe = '<img src=x onerror="window.__xss=1">Log4Shell';
  const seen = problems.length;
  const got = await page.evaluate(async (title) => {
    const { h } = await import('/assets/js/dom.js');
    const el = h('p', { class: 'advisory-text' }, title);
    document.querySelector('main').append(el);
    let sink;
    try {
      document.createElement('div').innerHTML = title;
      sink = 'accepted';
    } catch (err) {
      sink = err.name;
    }
    await new Promise((r) => setTimeout(r, 100));
    return { imgs: el.querySelectorAll('img').length, text: el.textContent, xss: window.__xss, sink };
  }, probe);
  assert.deepEqual({ imgs: got.imgs, text: got.text, xss: got.xss }, { imgs: 0, text: probe, xss: undefined });
  // Trusted Types (the CSP's require-trusted-types-for) refuses HTML
  // strings at innerHTML, so a missed escape fails loudly.
  assert.equal(got.sink, 'TypeError', 'innerHTML with a string is refused');
  // The browser reports the refusal it was asked to make; only that.
  const during = problems.splice(seen);
  assert.ok(during.length === 1 && /TrustedHTML/.test(during[0]), `messages during the probe: ${during}`);
});

await step('finding filters narrow the list, live in the URL and in the export links', async () => {
  await rendered(() => page.getByRole('link', { name: 'Findings', exact: true }).click());
  const rows = page.locator('table.findings tbody tr');
  const all = await rows.count();
  await page.locator('#severity-critical').check();
  await rendered(() => page.getByRole('button', { name: 'Apply filters' }).click());
  assert.match(page.url(), /\/findings\?severity=critical$/);
  const vulns = await rows.locator('td:nth-child(5)').allTextContents();
  assert.ok(vulns.length >= 2 && vulns.length < all, `critical: ${vulns} of ${all}`);
  for (const v of vulns) assert.ok(['CVE-2021-44228', 'CVE-2024-4577'].includes(v), `${v} is rated critical`);
  assert.match(await page.locator('#export-findings-csv').getAttribute('href'), /^\/api\/v1\/reports\/findings\?severity=critical&format=csv&lang=en$/);
  await page.getByLabel('Search vulnerability IDs and titles').fill('log4j');
  await rendered(() => page.getByRole('button', { name: 'Apply filters' }).click());
  assert.match(page.url(), /q=log4j/);
  assert.deepEqual(await rows.locator('td:nth-child(5)').allTextContents(), ['CVE-2021-44228']);
  await rendered(() => page.getByLabel('Sort by').selectOption('-priority'));
  assert.match(page.url(), /sort=-priority/);
  await rendered(() => page.goto(base + '/findings?ssvc=act&sort=-priority'));
  assert.equal(await page.locator('#ssvc-act').isChecked(), true);
  const prios = await rows.locator('[data-priority]').evaluateAll((bs) => bs.map((b) => b.dataset.priority));
  assert.ok(prios.length >= 1 && prios.every((p) => p === 'critical'), `SSVC Act: ${prios}`);
});

await step('bulk triage applies one decision to each selected finding, row by row', async () => {
  await rendered(() => page.getByRole('link', { name: 'Findings', exact: true }).click());
  const rows = page.locator('table.findings tbody tr');
  const n = await rows.count();
  const offered = () => page.locator('#bulk-state option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.equal(await page.locator('#bulk-submit').isDisabled(), true, 'nothing selected, nothing to submit');
  await page.locator('#bulk-all').check();
  assert.equal(await page.locator('.bulk-box:checked').count(), n);
  assert.equal(await text('#bulk-count'), `${n} selected`);
  // Log4Shell's finding is triaged, the rest new: only their common moves.
  let moves = await offered();
  assert.ok(moves.includes('in_remediation') && !moves.includes('triaged') && !moves.includes('risk_accepted'), `common moves: ${moves}`);
  await page.locator('#bulk-all').uncheck();
  const a = rows.filter({ hasText: 'CVE-2023-43630' });
  const b = rows.filter({ hasText: 'CVE-2023-43634' });
  await a.locator('.bulk-box').check();
  await b.locator('.bulk-box').check();
  moves = await offered();
  assert.ok(moves.includes('triaged'), `moves from new: ${moves}`);
  // Meanwhile somebody else triages the second one.
  await api('POST', '/api/v1/findings/' + await b.getAttribute('data-id') + '/decisions', { state: 'triaged', reason: 'e2e: triaged in another tab' });
  await page.locator('#bulk-state').selectOption('triaged');
  await page.locator('#bulk-reason').fill('e2e: EVE OS is in the image; confirmed');
  await page.locator('#bulk-submit').click();
  await page.locator('#bulk-summary').waitFor();
  assert.equal(await text('#bulk-summary'), '1 of 2 decisions recorded, 1 refused.');
  assert.equal(await a.getAttribute('data-state'), 'triaged');
  assert.equal(await a.locator('.state-cell [data-state]').getAttribute('data-state'), 'triaged');
  await a.locator('[data-outcome="ok"]').waitFor();
  await b.locator('[data-outcome="refused"]').waitFor();
  const bid = await b.getAttribute('data-id');
  const refusal = await text(`tr.bulk-detail[data-for="${bid}"] [role=alert]`);
  assert.match(refusal, /triaged → triaged/, `the API's detail: ${refusal}`);
  assert.equal(await b.locator('.bulk-box').isChecked(), true, 'the refused one stays selected');
  // The refused row now shows the state the other tab gave it.
  assert.equal(await b.getAttribute('data-state'), 'triaged');
  await shot('findings-bulk-en.png');
});

await step('risk acceptances show the approver and mark those expiring within 30 days', async () => {
  const find = async (vuln) => (await api('GET', '/api/v1/findings?vuln=' + vuln)).items[0].id;
  for (const [vuln, days] of [['CVE-2023-43635', 10], ['CVE-2023-43636', 90]]) {
    await api('POST', `/api/v1/findings/${await find(vuln)}/decisions`, {
      reason: 'e2e: the device image is not reachable from the network',
      acceptance: { approver: 'lead', compensating_controls: 'Network isolation of the device VLAN', until: isoDay(days) },
    });
  }
  await rendered(() => page.getByRole('link', { name: 'Risk acceptances' }).click());
  assert.equal(await text('main h1'), 'Risk acceptances');
  const rows = page.locator('table.acceptances tbody tr');
  assert.equal(await rows.count(), 2);
  const soon = rows.nth(0);
  assert.match(await soon.textContent(), /CVE-2023-43635.*shop-web.*admin.*lead.*Network isolation/);
  assert.equal(await soon.getAttribute('class'), 'expiring');
  assert.match(await soon.locator('td.until').textContent(), /(9|10) days left/);
  assert.equal(await rows.nth(1).getAttribute('class'), null, 'the 90-day acceptance is not highlighted');
  assert.match(await text('#acceptances-summary'), /2 risk acceptances, 1 of them expiring within 30 days/);
});

await step('an admin changes an SLA policy with a reason', async () => {
  await rendered(() => page.getByRole('link', { name: 'SLA policies' }).click());
  assert.equal(await text('main h1'), 'SLA policies');
  const prod = page.locator('table.sla tbody tr[data-env="prod"]');
  assert.match(await prod.textContent(), /Production/);
  await page.locator('table.sla tbody tr[data-env="default"]').waitFor();
  await page.getByLabel('Environment').selectOption('prod');
  await page.getByLabel('Critical (days)').fill('5');
  await page.locator('#sla-reason').fill('e2e: internet-facing production needs faster fixes');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.locator('#sla-saved').waitFor();
  assert.equal((await prod.locator('td').nth(1).textContent()).trim(), '5 days');
  assert.equal(await page.locator('#report-sla-pdf').getAttribute('href'), '/api/v1/reports/sla?format=pdf&lang=en');
});

await step('importing an advisory file shows the upload\'s progress and the summary', async () => {
  await rendered(() => page.getByRole('link', { name: 'Import', exact: true }).click());
  assert.equal(await text('main h1'), 'Import advisories');
  const osv = {
    schema_version: '1.6.0', id: 'PYSEC-2026-9001', modified: '2026-01-02T00:00:00Z', published: '2026-01-01T00:00:00Z',
    summary: 'e2e: path traversal in examplepkg', details: 'A record the browser test imports.',
    affected: [{ package: { ecosystem: 'PyPI', name: 'examplepkg' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.3' }] }] }],
  };
  await page.locator('#import-file').setInputFiles({ name: 'e2e advisory.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(osv)) });
  await page.getByRole('button', { name: 'Upload and import' }).click();
  await page.locator('#import-summary').waitFor();
  assert.match(await text('#import-summary'), /1 records read, 1 new, 0 changed, 0 rejected/);
  const bar = await page.locator('#import-progress').evaluate((p) => ({ value: p.value, max: p.max, hidden: p.hidden }));
  assert.ok(!bar.hidden && bar.max > 100 && bar.value === bar.max, `progress ${JSON.stringify(bar)}`);
  assert.match(await text('table.by-source tbody tr'), /osv\s*1/);
  // An empty file is refused by the API, whose problem detail shows.
  await page.locator('#import-file').setInputFiles({ name: 'empty.json', mimeType: 'application/json', buffer: Buffer.alloc(0) });
  await page.getByRole('button', { name: 'Upload and import' }).click();
  await page.locator('#import-error [role=alert]', { hasText: 'request body is required' }).waitFor();
});

await step('a tool\'s report imports as findings, each with the tool as evidence', async () => {
  // Real osv-scanner output for a go.mod with gin 1.5.0 (see
  // internal/cli/testdata/scans/README.md).
  const report = await fs.readFile(new URL('../../cli/testdata/scans/osv-scanner.json', import.meta.url));
  await page.locator('#import-kind').selectOption('scan');
  await page.locator('#import-asset').fill('shop-web');
  await page.locator('#import-file').setInputFiles({ name: 'osv-scanner.json', mimeType: 'application/json', buffer: report });
  await page.getByRole('button', { name: 'Upload and import' }).click();
  await page.locator('#import-summary', { hasText: 'osvscanner' }).waitFor();
  assert.match(await text('#import-summary'), /osv-scanner\.json \(osvscanner\): 3 results, 3 findings opened/);
  assert.match(await text('#import-placements'), /→ shop-web \(given\)/);
  await rendered(() => page.goto(base + '/findings?asset=shop-web&q=CVE-2023-29401'));
  await rendered(() => page.locator('table.findings tbody tr', { hasText: 'CVE-2023-29401' }).first().locator('a[href^="/findings/"]').first().click());
  await page.locator('#evidence table.evidence tbody tr').first().waitFor();
  const rows = await page.locator('#evidence table.evidence tbody tr').allTextContents();
  assert.ok(rows.length === 1 && /osvscanner/.test(rows[0]) && /GO-2023-1737/.test(rows[0]), `evidence: ${rows}`);
});

await step('users and teams: the admin adds an asset owner to a team', async () => {
  await rendered(() => page.getByRole('link', { name: 'Users & teams' }).click());
  assert.equal(await text('main h1'), 'Users and teams');
  const users = page.locator('table.users tbody tr');
  assert.match(await users.filter({ hasText: 'lead' }).textContent(), /Security lead.*Analyst/);
  await page.locator('details.new-user summary').click();
  await page.locator('#user-name').fill('e2e-owner');
  await page.locator('#user-display').fill('王工 (payments)');
  await page.locator('#user-role').selectOption('owner');
  await page.locator('#user-teams').fill('payments');
  await page.locator('#user-password').fill('a long enough password for e2e');
  await page.getByRole('button', { name: 'Save user' }).click();
  await page.locator('#users-message', { hasText: 'User e2e-owner saved.' }).waitFor();
  assert.match(await page.locator('table.users tbody tr[data-name="e2e-owner"]').textContent(), /王工 \(payments\).*Asset owner.*payments.*Active/);
  const team = page.locator('table.teams tbody tr[data-team="payments"]');
  assert.match(await team.textContent(), /payments\s*1\s*\d+\s*e2e-owner/);
});

await step('an incident is reported, triaged, tasked and noted, each on its timeline', async () => {
  await rendered(() => page.locator('nav.main-nav a[href="/incidents"]').click());
  assert.equal(await text('main h1'), 'Security incidents');
  await page.locator('#report-incident summary').click();
  await page.locator('#incident-title').fill('Web shell found on shop-web');
  await page.locator('#incident-category').selectOption('intrusion');
  await page.locator('#incident-severity').selectOption('critical');
  await page.locator('#incident-tlp').selectOption('AMBER');
  await page.locator('#incident-assets').fill('shop-web');
  await page.locator('#incident-vulns').fill('CVE-2021-44228');
  await rendered(() => page.locator('#incident-submit').click());
  assert.match(await text('main h1'), /^Incident #\d+ Web shell found on shop-web$/);
  assert.equal(await text('#incident-state'), 'Reported');
  assert.equal(await page.locator('.badge.tlp').first().getAttribute('data-tlp'), 'AMBER');
  // Only the lifecycle's next states are offered (closed: a false alarm).
  assert.deepEqual(await page.locator('#moves button.move').evaluateAll((bs) => bs.map((b) => b.dataset.to)), ['triaged', 'closed']);
  await page.locator('#move-reason').fill('confirmed by the SOC: a JSP web shell under /uploads');
  await rendered(() => page.locator('#moves button[data-to="triaged"]').click());
  assert.equal(await text('#incident-state'), 'Triaged');
  await page.locator('#tasks details summary').click();
  await page.locator('#task-title').fill('Isolate shop-web from the network');
  await page.locator('#task-kind').selectOption('containment');
  await rendered(() => page.locator('#task-submit').click());
  const task = page.locator('table.tasks tbody tr', { hasText: 'Isolate shop-web' });
  assert.match(await task.textContent(), /Containment.*admin/);
  await rendered(() => task.locator('button.task-done').click());
  assert.match(await page.locator('table.tasks tbody tr', { hasText: 'Isolate shop-web' }).textContent(), /admin, /);
  await page.locator('#note-kind').selectOption('briefing');
  await page.locator('#note-text').fill('CISO briefed: 数据未外泄');
  await rendered(() => page.locator('#note-submit').click());
  const timeline = await page.locator('table.timeline tbody tr').allTextContents();
  assert.match(timeline[0], /Briefing.*CISO briefed: 数据未外泄/);
  assert.ok(timeline.some((r) => /State change.*triaged/.test(r)), `timeline: ${timeline}`);
  assert.ok(timeline.some((r) => /Task/.test(r)), `timeline: ${timeline}`);
  // Evidence: uploaded, hashed, downloaded with a reason that joins its
  // chain of custody, and the bytes that come back are the bytes sent.
  const log = Buffer.from('10.0.0.8 - - [23/Nov/2026:03:12:01 +0800] "POST /uploads/shell.jsp HTTP/1.1" 200 41\n');
  await page.locator('#evidence details summary').click();
  await page.locator('#evidence-file').setInputFiles({ name: 'access.log', mimeType: 'text/plain', buffer: log });
  await page.locator('#evidence-reason').fill('web server log showing the upload');
  await rendered(() => page.locator('#evidence-submit').click());
  const item = page.locator('table.evidence-items tbody tr', { hasText: 'access.log' });
  const sha = (await import('node:crypto')).createHash('sha256').update(log).digest('hex');
  assert.equal(await item.getAttribute('data-sha256'), sha);
  await item.locator('button.evidence-get').click();
  await page.locator('#evidence-status [role=alert]', { hasText: 'Say why' }).waitFor();
  await page.locator('#evidence-why').fill('timeline reconstruction');
  const [download] = await Promise.all([page.waitForEvent('download'), item.locator('button.evidence-get').click()]);
  assert.equal(download.suggestedFilename(), 'access.log');
  assert.deepEqual(await fs.readFile(await download.path()), log);
  await shot('vmc-incident-en.png');
});

await step('a TLP:RED incident is not listed for those not cleared for it', async () => {
  await rendered(() => page.locator('nav.main-nav a[href="/incidents"]').click());
  await page.locator('#report-incident summary').click();
  await page.locator('#incident-title').fill('Insider copying the customer database');
  await page.locator('#incident-category').selectOption('insider');
  await page.locator('#incident-tlp').selectOption('RED');
  await page.locator('#incident-detected').fill(shanghai(6));
  await page.locator('#incident-personal').check();
  await rendered(() => page.locator('#incident-submit').click());
  assert.match(await text('main h1'), /Insider copying/);
  assert.equal(await text('.badge.tlp'), 'TLP:RED');
  await rendered(() => page.locator('nav.main-nav a[href="/incidents"]').click());
  assert.equal(await page.locator('table.incidents tbody tr').count(), 2);
  await page.locator('#incident-filters select[name="category"]').selectOption('insider');
  await rendered(() => page.locator('#incident-filters button[type="submit"]').click());
  assert.match(page.url(), /\/incidents\?category=insider$/);
  assert.equal(await page.locator('table.incidents tbody tr').count(), 1);
});

// The incident response process, the incident page's response sections
// and the third-party reports: each step acts through the UI and checks
// what the API then returns.
const playbookFile = fileURLToPath(new URL('../../incident/process/testdata/nist-sp800-61r2.yaml', import.meta.url));
const playbookSteps = ((await fs.readFile(playbookFile, 'utf8')).match(/^ {2}- phase:/gm) || []).length;
const playbookTasks = ((await fs.readFile(playbookFile, 'utf8')).match(/^ {4}task:/gm) || []).length;
// The Web shell incident's page, from the incidents list.
let incidentURL = '';

await step('the response process: a playbook imported through the UI, the roster, training, briefings and reviews', async () => {
  await rendered(() => page.locator('nav.main-nav a[href="/process"]').click());
  assert.equal(await text('main h1'), 'Incident response process');
  await page.locator('#playbooks p.empty', { hasText: 'No playbooks yet.' }).waitFor();
  await page.locator('#import-playbook summary').click();
  await page.locator('#playbook-file').setInputFiles(playbookFile);
  await rendered(() => page.locator('#playbook-import').click());
  assert.equal(await text('#flash'), 'Imported General security incident response (general-incident-response) as version 1.');
  const pb = page.locator('details#pb-general-incident-response');
  assert.equal(await pb.getAttribute('data-version'), '1');
  await pb.locator('summary').click();
  const steps = pb.locator('table.steps tbody tr');
  assert.ok(playbookSteps >= 10, `the playbook has ${playbookSteps} steps`);
  assert.equal(await steps.count(), playbookSteps);
  // Steps are bilingual: the UI's language first, the other after it.
  const validate = steps.filter({ hasText: 'Validate the report and determine the scope' });
  assert.equal(await validate.locator('[lang="zh-CN"]', { hasText: '核实报告并确定影响范围' }).count(), 1);
  assert.match(await validate.textContent(), /Detection and analysis.*incident-handler/);
  await pb.locator('table.playbook-versions tbody tr[data-version="1"]').waitFor();
  assert.match(await pb.locator('table.playbook-versions a', { hasText: 'YAML' }).getAttribute('href'),
    /^\/api\/v1\/playbooks\/general-incident-response\/versions\/1\/document\?format=yaml$/);
  // The same document again makes no new version.
  await page.locator('#import-playbook summary').click();
  await page.locator('#playbook-file').setInputFiles(playbookFile);
  await rendered(() => page.locator('#playbook-import').click());
  assert.match(await text('#flash'), /version 1 already says this: no new version/);
  assert.equal(await page.locator('details.playbook').count(), 1);

  // The roster: lead handles incidents, admin commands them.
  for (const [user, role] of [['lead', 'incident-handler'], ['admin', 'incident-commander']]) {
    await page.locator('#add-member summary').click();
    await page.locator('#member-user').fill(user);
    await page.locator('#member-role').fill(role);
    await page.locator('#member-contact').fill(user + '@example.com, +86 10 5555 0100');
    await page.locator('#member-team').fill('security');
    await rendered(() => page.locator('#member-submit').click());
  }
  assert.match(await page.locator('table.roster tbody tr[data-name="Security lead"]').textContent(), /lead.*incident-handler.*security/);
  // Both are new, so due for training on the playbook naming their role,
  // within the grace period; none overdue.
  assert.deepEqual(await page.locator('table.obligations tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.member, tr.dataset.state])),
    [['Admin', 'due'], ['Security lead', 'due']]);
  assert.equal(await page.locator('#training-counts .badge.danger').getAttribute('data-n'), '0');
  await page.locator('#record-training summary').click();
  await page.locator('#training-member').selectOption({ label: 'Security lead (incident-handler)' });
  await page.locator('#training-playbook').selectOption('general-incident-response');
  assert.equal(await page.locator('#training-version').inputValue(), '1');
  await rendered(() => page.locator('#training-submit').click());
  assert.equal(await page.locator('table.obligations tbody tr[data-member="Security lead"]').getAttribute('data-state'), 'current');
  assert.match(await page.locator('table.obligations tbody tr[data-member="Security lead"]').textContent(), /by admin/);

  // Briefings: the payments team is not briefed, then it is.
  const before = Number(await page.locator('#coverage .stat-value').getAttribute('data-percent'));
  assert.ok(await page.locator('ul.unbriefed li', { hasText: 'payments' }).count() === 1, 'payments not briefed yet');
  await page.locator('#record-briefing summary').click();
  await page.locator('#briefing-team').fill('payments');
  await page.locator('#briefing-playbook').selectOption('general-incident-response');
  await page.locator('#briefing-attendees').fill('王工, e2e-owner');
  await rendered(() => page.locator('#briefing-submit').click());
  const after = Number(await page.locator('#coverage .stat-value').getAttribute('data-percent'));
  assert.ok(after > before, `coverage ${before} → ${after}`);
  assert.equal(await page.locator('ul.briefed li', { hasText: 'payments' }).count(), 1);
  assert.match(await page.locator('table.briefings tbody tr').first().textContent(), /payments.*general-incident-response v1.*admin.*王工, e2e-owner/);

  // Reviews: none held and no schedule start, so one is due now; one
  // held today puts the next six months ahead.
  await page.locator('#review-overdue').waitFor();
  await page.locator('#record-review summary').click();
  await page.locator('#review-participants').fill('admin, lead');
  await page.locator('#review-findings').fill('Escalation contacts were out of date.');
  await page.locator('#review-decisions').fill('Check the roster every quarter.');
  await rendered(() => page.locator('#review-submit').click());
  assert.equal(await page.locator('#review-overdue').count(), 0);
  assert.equal(await page.locator('table.reviews tbody tr').count(), 1);
  const next = new Date(await page.evaluate(async () => (await (await fetch('/api/v1/process-reviews')).json()).due.next));
  const months = (next.getUTCFullYear() - new Date().getUTCFullYear()) * 12 + next.getUTCMonth() - new Date().getUTCMonth();
  assert.equal(months, 6, `next review ${next.toISOString()}`);
  await page.locator('details#pb-general-incident-response summary').click();
  await page.locator('table.playbook-versions').waitFor();
  await shot('vmc-process-en.png');
});

await step('an incident follows the playbook, records its impact and root causes, and management decides', async () => {
  // Another asset configured as shop-web is, for "where else?".
  await api('PUT', '/api/v1/assets/shop-admin', { kind: 'application', team: 'payments', environment: 'prod', exposure: 'internet' });
  await rendered(() => page.locator('nav.main-nav a[href="/incidents"]').click());
  await rendered(() => page.locator('table.incidents a', { hasText: 'Web shell found on shop-web' }).click());
  incidentURL = new URL(page.url()).pathname;
  assert.match(incidentURL, /^\/incidents\/\d+$/);
  const tasksBefore = await page.locator('table.tasks tbody tr').count();
  await page.locator('#playbook details summary').click();
  await page.locator('#follow-key').selectOption('general-incident-response');
  await rendered(() => page.locator('#follow-submit').click());
  assert.equal(await text('#flash'), `Following general-incident-response v1: ${playbookTasks} tasks added.`);
  assert.equal(await page.locator('#playbook-followed').getAttribute('data-key'), 'general-incident-response');
  assert.equal(await page.locator('table.tasks tbody tr').count(), tasksBefore + playbookTasks);
  // A step's task is owned by the roster's member in the step's role.
  assert.match(await page.locator('table.tasks tbody tr', { hasText: 'Validate the report and determine the scope' }).textContent(), /Other\s*lead/);

  await page.locator('#impact details summary').click();
  await page.locator('#impact-downtime').fill('95');
  await page.locator('#impact-cost').fill('12000');
  await page.locator('#impact-hours').fill('36.5');
  await page.locator('#impact-longterm').fill('50000');
  await page.locator('#impact-note').fill('PIPL fine risk, estimated by legal');
  await page.locator('#impact-projects').fill('shop');
  await rendered(() => page.locator('#impact-submit').click());
  const impact = await text('dl.impact-facts');
  for (const want of ['95 minutes', '12,000 CNY', '36.5', '50,000 CNY', 'PIPL fine risk', 'shop']) assert.ok(impact.includes(want), `impact has ${want}: ${impact}`);

  // Root causes: a code vulnerability with its CWE, checked against the
  // catalogue, and a misconfiguration found elsewhere too.
  assert.equal(await page.locator('#rca-documented [data-documented]').getAttribute('data-documented'), 'false');
  await page.locator('#rca details summary', { hasText: 'Add a cause' }).click();
  await page.locator('#cause-kind').selectOption('code_vulnerability');
  await page.locator('#cause-cwe').fill('CWE-434');
  await page.locator('#cause-description').fill('The upload form accepted a JSP file and stored it under the web root.');
  await rendered(() => page.locator('#cause-submit').click());
  const cwe = page.locator('table.causes tbody tr[data-cwe="CWE-434"]');
  assert.match(await cwe.textContent(), /Code vulnerability.*CWE-434.*Unrestricted Upload of File with Dangerous Type/);
  await page.locator('#rca details summary', { hasText: 'Add a cause' }).click();
  await page.locator('#cause-kind').selectOption('misconfiguration');
  await page.locator('#cause-configuration').fill('exposure=internet environment=prod');
  await page.locator('#cause-description').fill('The upload directory is served with script execution on.');
  await rendered(() => page.locator('#cause-submit').click());
  const misconf = page.locator('table.causes tbody tr', { hasText: 'Misconfiguration' });
  await misconf.locator('button.where-else').click();
  const panel = page.locator('.where-else-panel');
  await panel.waitFor();
  const hits = await panel.locator('table.where-else-hits tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.asset + ':' + tr.dataset.match));
  assert.deepEqual(hits.sort(), ['shop-admin:configuration', 'shop-web:configuration']);
  assert.match(await panel.locator('tr[data-asset="shop-web"]').textContent(), /Already in this incident/);
  await rendered(() => page.locator('#where-else-tasks', { hasText: 'Open tasks for these 1 assets' }).click());
  assert.equal(await text('#flash'), '1 tasks opened on this incident.');
  assert.match(await page.locator('table.tasks tbody tr', { hasText: 'shop-admin' }).textContent(), /Where else \(cause \d+, misconfiguration\): shop-admin.*Change management.*admin/);

  // Recommendations, for management to review.
  for (const [rec, cause] of [['Disable script execution in upload directories', 'Misconfiguration'], ['Train developers on secure file upload', 'Code vulnerability']]) {
    await page.locator('#rca details summary', { hasText: 'Add a recommendation' }).click();
    await page.locator('#rec-text').fill(rec);
    await page.locator('#rec-owner').fill('lead');
    await page.locator('#rec-due').fill(isoDay(30));
    await page.locator('#rec-cause').selectOption({ label: await page.locator('#rec-cause option', { hasText: cause }).textContent() });
    await rendered(() => page.locator('#rec-submit').click());
  }
  const recs = page.locator('table.recommendations tbody tr');
  assert.deepEqual(await recs.evaluateAll((trs) => trs.map((tr) => tr.dataset.status)), ['undecided', 'undecided']);
  assert.equal(await page.locator('#rca-documented [data-documented]').getAttribute('data-documented'), 'true');
  // The admin holds finding.accept: schedule one fix, accept the other risk.
  const fix = recs.filter({ hasText: 'Disable script execution' });
  await fix.locator('details.decide summary').click();
  await fix.locator('.decision-kind').selectOption('schedule');
  await rendered(() => fix.locator('.decision-submit').click());
  assert.equal(await fix.getAttribute('data-status'), 'scheduled');
  assert.match(await fix.textContent(), /Schedule the fix by admin.*Task #\d+, lead/);
  assert.match(await page.locator('table.tasks tbody tr', { hasText: 'Disable script execution' }).textContent(), /Recommendation \d+: Disable script execution.*Change management.*lead/);
  const risk = recs.filter({ hasText: 'Train developers' });
  await risk.locator('details.decide summary').click();
  await risk.locator('.decision-kind').selectOption('accept_risk');
  assert.equal(await risk.locator('.decision-owner').isVisible(), false, 'schedule fields hidden for a risk acceptance');
  await risk.locator('.decision-expires').fill(isoDay(90));
  await risk.locator('.decision-submit').click();
  await risk.locator('[role=alert]', { hasText: 'reason' }).waitFor();
  await risk.locator('.decision-reason').fill('The WAF rule blocks JSP uploads until the training in Q3.');
  await rendered(() => risk.locator('.decision-submit').click());
  assert.equal(await risk.getAttribute('data-status'), 'risk_accepted');
  assert.match(await risk.textContent(), /Accept the risk by admin.*Accepted until.*The WAF rule blocks JSP uploads/);
  assert.equal(await page.locator('details.decide').count(), 0, 'nothing left to decide');
});

await step('a personal data breach in the EU and China shows each deadline, the one passed overdue, and takes the decisions', async () => {
  // The web shell touched no personal data; the insider incident was
  // flagged when it was reported, six hours after it was detected, and
  // the breach's facts are still to record.
  assert.match(await text('#breach-summary'), /Not flagged as involving personal data/);
  await rendered(() => page.locator('nav.main-nav a[href="/incidents"]').click());
  await rendered(() => page.locator('table.incidents a', { hasText: 'Insider copying the customer database' }).click());
  await page.locator('#breach p.empty', { hasText: 'No jurisdictions named yet.' }).waitFor();
  await page.locator('#breach details summary', { hasText: 'Change the breach facts' }).click();
  assert.equal(await page.locator('#breach-personal').isChecked(), true);
  await page.locator('#breach-aware').fill(shanghai(5));
  await page.locator('#data_categories-contact').check();
  await page.locator('#data_categories-credentials').check();
  await page.locator('#breach-subjects').fill('1200');
  await page.locator('#breach-jurisdictions').fill('eu, CN');
  await rendered(() => page.locator('#breach-submit').click());
  const rows = page.locator('#breach table.obligations tbody tr');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.jurisdiction + ':' + tr.dataset.status)).then((x) => x.sort()),
    ['CN:overdue', 'EU:pending']);
  // China's four hours from awareness have passed; the GDPR's 72 have not.
  assert.match(await rows.filter({ hasText: 'CN' }).textContent(), /\(4 hours from awareness\).*Overdue/);
  assert.match(await rows.filter({ hasText: 'EU' }).textContent(), /EU GDPR.*\(72 hours from awareness\).*Pending/);
  await page.locator('#breach-overdue').waitFor();
  assert.match(await text('#breach-summary'), /Contact details, Credentials.*1,200/);
  // Notified late: the delay must be explained.
  await page.locator('#breach details summary', { hasText: 'Record a decision' }).click();
  await page.locator('#breach-decision-jurisdiction').selectOption('CN');
  await page.locator('#breach-decision-action').selectOption('notified');
  await page.locator('#breach-decision-reference').fill('GD-CAC-2026-0117');
  await page.locator('#breach-decision-submit').click();
  await page.locator('#breach-decision-form [role=alert]', { hasText: 'delay_reason' }).waitFor();
  await page.locator('#breach-decision-delay').fill('The scope was confirmed only after the forensic image was analysed.');
  await rendered(() => page.locator('#breach-decision-submit').click());
  await page.locator('#breach details summary', { hasText: 'Record a decision' }).click();
  await page.locator('#breach-decision-jurisdiction').selectOption('EU');
  await page.locator('#breach-decision-action').selectOption('no_notify');
  assert.equal(await page.locator('#breach-decision-reference').isVisible(), false);
  await page.locator('#breach-decision-reason').fill('No EU residents among the 1,200 accounts on review of the data.');
  await rendered(() => page.locator('#breach-decision-submit').click());
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.jurisdiction + ':' + tr.dataset.status)).then((x) => x.sort()),
    ['CN:notified_late', 'EU:not_notifying']);
  assert.equal(await page.locator('#breach-overdue').count(), 0);
  assert.match(await rows.filter({ hasText: 'CN' }).textContent(), /Notified late.*GD-CAC-2026-0117.*Delay: The scope was confirmed/);
  assert.equal(await page.locator('table.breach-decisions tbody tr').count(), 2);
});

await step('the communication tree: a briefing reaches the e-mail and the signed webhook, and is withheld beyond a clearance', async () => {
  const receiver = process.env.RECEIVER;
  assert.ok(receiver, 'RECEIVER is set');
  await rendered(() => page.goto(base + incidentURL));
  const add = async (fill) => {
    await page.locator('#communication details summary', { hasText: 'Add a stakeholder' }).click();
    await fill();
    await rendered(() => page.locator('#stakeholder-submit').click());
  };
  await add(async () => {
    await page.locator('#stakeholder-name').fill('CISO');
    await page.locator('#stakeholder-role').selectOption('management');
    await page.locator('#stakeholder-email').fill('ciso@example.com');
    await page.locator('#stakeholder-lang').selectOption('zh-CN');
  });
  await add(async () => {
    await page.locator('#stakeholder-name').fill('SOC webhook');
    await page.locator('#stakeholder-role').selectOption('responder');
    await page.locator('#stakeholder-webhook').fill(receiver + '/hook');
  });
  const secret = await text('#webhook-secret');
  assert.match(secret, /^whsec_/);
  await add(async () => {
    await page.locator('#stakeholder-name').fill('Customer X');
    await page.locator('#stakeholder-role').selectOption('customer');
    await page.locator('#stakeholder-email').fill('security@customer.example');
    await page.locator('#stakeholder-clearance').selectOption('GREEN');
    await page.locator('#stakeholder-external').check();
  });
  assert.equal(await page.locator('#webhook-secret').count(), 0, 'the secret is shown once');
  assert.deepEqual(await page.locator('table.stakeholders tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.name + ':' + tr.dataset.clearance)),
    ['CISO:AMBER', 'Customer X:GREEN', 'SOC webhook:AMBER']);
  await page.locator('#communication details summary', { hasText: 'Add a level' }).click();
  await page.locator('#level-severity').selectOption('high');
  await page.locator('#level-notify-CISO').check();
  await rendered(() => page.locator('#level-submit').click());
  assert.match(await page.locator('table.escalation tbody tr[data-level="1"]').textContent(), /High.*At once.*CISO/);

  await page.locator('#send-message summary').click();
  await page.locator('#message-kind').selectOption('briefing');
  await page.locator('#message-text').fill('Web shell removed; customer data is being assessed.');
  await rendered(() => page.locator('#message-submit').click());
  assert.equal(await text('#flash'), 'Deliveries: 2 Sent, 1 Withheld.');
  const deliveries = await page.locator('table.deliveries tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.dataset.name}:${tr.dataset.channel}:${tr.dataset.status}`));
  assert.deepEqual(deliveries.sort(), ['CISO:email:sent', 'Customer X:email:withheld', 'SOC webhook:webhook:sent']);
  assert.match(await page.locator('table.deliveries tbody tr[data-name="Customer X"]').textContent(), /Withheld.*TLP/);
  assert.equal(await page.locator('#informed').getAttribute('data-informed'), '2');
  assert.equal(await page.locator('#informed').getAttribute('data-stakeholders'), '3');
  assert.equal(await text('#informed'), '2 of 3 stakeholders informed.');
  assert.match(await page.locator('table.timeline tbody tr').first().textContent(), /Briefing/);

  // What arrived: one e-mail, to the CISO; one webhook call whose
  // signature holds under the secret the UI showed once.
  const mail = await (await fetch(receiver + '/mail')).json();
  assert.deepEqual(mail.map((m) => m.to), [['ciso@example.com']]);
  assert.ok(mailBody(mail[0].data).includes('Web shell removed; customer data is being assessed.'), 'the e-mail carries the text');
  const calls = await (await fetch(receiver + '/calls')).json();
  assert.equal(calls.length, 1);
  assert.equal(calls[0].event, 'briefing');
  const sig = Object.fromEntries(calls[0].signature.split(',').map((kv) => kv.split('=')));
  const mac = crypto.createHmac('sha256', secret).update(sig.t + '.' + calls[0].body).digest('hex');
  assert.equal(sig.v1, mac, 'the webhook call is signed with the secret shown');
  assert.ok(JSON.parse(calls[0].body).text.includes('Web shell removed'), 'the webhook carries the text');
  await shot('vmc-incident-response-en.png');
  // The same page in Chinese.
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  const headings = await page.locator('main section.card h2').allTextContents();
  for (const want of ['响应预案', '影响', '响应任务', '根本原因分析', '个人信息泄露', '沟通', '证据', '时间线']) assert.ok(headings.includes(want), `${want} in ${headings}`);
  assert.equal(await text('#informed'), '3 个相关方中已通知 2 个。');
  assert.equal(await page.locator('table.deliveries tbody tr[data-name="Customer X"] .delivery-status').textContent(), '已拦截');
  await shot('vmc-incident-response-zh-CN.png');
  await rendered(() => page.locator('#lang').selectOption('en'));
});

await step('a report sent through the public form is acknowledged and accepted in Disclosures, and its reporter sees it', async () => {
  // The reporter: no account, another browser.
  const outside = await browser.newContext({ locale: 'en-US' });
  const rp = await outside.newPage();
  rp.setDefaultTimeout(7000);
  await rp.goto(base + '/security/report?lang=en');
  await rp.locator('#title').fill('Arbitrary file upload in /uploads');
  await rp.locator('#description').fill('POST a .jsp file to /uploads and request it: the server runs it.');
  await rp.locator('#product').fill('shop-web');
  await rp.locator('#reporter_name').fill('Li Hua');
  await rp.locator('#reporter_contact').fill('lihua@researcher.example');
  await rp.locator('input[name="wants_credit"]').check();
  await rp.locator('button[type="submit"]').click();
  const code = (await rp.locator('p.code').textContent()).trim();
  assert.match(code, /^\S{6,}$/, `acknowledgement code ${code}`);
  const statusLink = await rp.locator('p.link a').getAttribute('href');

  await rendered(() => page.locator('nav.main-nav a[href="/disclosures"]').click());
  assert.equal(await text('main h1'), 'Vulnerability reports');
  const row = page.locator(`table.disclosures tbody tr[data-code="${code}"]`);
  assert.equal(await row.getAttribute('data-state'), 'received');
  await page.locator('#disclosure-overdue').check();
  await rendered(() => page.locator('#disclosure-filters button[type="submit"]').click());
  assert.match(page.url(), /\/disclosures\?overdue=true$/);
  assert.equal(await row.count(), 0, 'just received: not overdue');
  await rendered(() => page.goBack());
  await page.locator('#disclosure-state').selectOption('received');
  await rendered(() => page.locator('#disclosure-filters button[type="submit"]').click());
  assert.equal(await row.count(), 1);
  await rendered(() => row.locator('a').first().click());
  assert.equal(await text('main h1'), `Report ${code} Arbitrary file upload in /uploads`);
  assert.deepEqual(await page.locator('table.deadlines tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.deadline + ':' + tr.dataset.overdue)),
    ['ack:false', 'triage:false', 'disclosure:false']);
  assert.match(await text('#credit'), /Li Hua.*asked for/);
  // Acknowledge, with an answer to the reporter.
  assert.deepEqual(await page.locator('#report-move-to option').evaluateAll((os) => os.map((o) => o.value)), ['acknowledged', 'rejected', 'duplicate']);
  await page.locator('#report-move-to').selectOption('acknowledged');
  await page.locator('#report-move-message').fill('Thank you: we are reproducing it.');
  await rendered(() => page.locator('#report-move-submit').click());
  assert.equal(await page.locator('#disclosure-state [data-state]').getAttribute('data-state'), 'acknowledged');
  assert.match(await page.locator('table.deadlines tbody tr[data-deadline="ack"]').textContent(), /Met/);
  assert.match(await page.locator('table.report-log tbody tr[data-kind="reply"]').textContent(), /To the reporter.*Thank you: we are reproducing it\./);
  // Accept, confirm the credit, link to the incident it is handled in.
  await page.locator('#report-move-to').selectOption('accepted');
  await page.locator('#report-move-reason').fill('Reproduced on shop-web; the web shell came in this way.');
  await rendered(() => page.locator('#report-move-submit').click());
  assert.equal(await page.locator('#disclosure-state [data-state]').getAttribute('data-state'), 'accepted');
  await rendered(() => page.locator('#report-credit-submit').click());
  assert.match(await text('#credit'), /Li Hua.*confirmed/);
  const incidentID = incidentURL.split('/').pop();
  await page.locator('#report-link-incident').fill(incidentID);
  await rendered(() => page.locator('#report-link-submit').click());
  assert.equal(await page.locator('#report-incident').getAttribute('href'), incidentURL);
  assert.equal(await page.locator('#report-incident-form').count(), 0, 'linked: no second link offered');

  // The reporter sees the answer and the new state, and writes back.
  await rp.goto(base + statusLink);
  assert.match(await rp.locator('main').textContent(), /Accepted/);
  assert.match(await rp.locator('.msg').first().textContent(), /Thank you: we are reproducing it\./);
  assert.doesNotMatch(await rp.locator('main').textContent(), /Reproduced on shop-web/, 'the team\'s reasons stay with the team');
  await rp.locator('#text').fill('Happy to retest the fix.');
  await rp.locator('form button[type="submit"]').click();
  await rp.locator('.msg', { hasText: 'Happy to retest the fix.' }).waitFor();
  await outside.close();
  await rendered(() => page.reload());
  assert.match(await page.locator('table.report-log tbody tr[data-kind="reporter"]').textContent(), /the reporter.*From the reporter.*Happy to retest the fix\./);
  await shot('vmc-disclosure-en.png');
});

await step('each new page has its heading in English and in Chinese', async () => {
  const pages = [
    ['/acceptances', 'Risk acceptances', '风险接受'],
    ['/sla', 'SLA policies', '修复时限（SLA）策略'],
    ['/components', 'Components', '组件'],
    ['/import', 'Import advisories', '导入漏洞情报'],
    ['/incidents', 'Security incidents', '安全事件'],
    ['/disclosures', 'Vulnerability reports', '漏洞报告'],
    ['/process', 'Incident response process', '事件响应流程'],
    ['/users', 'Users and teams', '用户与团队'],
  ];
  for (const [lang, i] of [['en', 1], ['zh-CN', 2]]) {
    if (await page.locator('html').getAttribute('lang') !== lang) await rendered(() => page.locator('#lang').selectOption(lang));
    for (const p of pages) {
      await rendered(() => page.locator(`nav.main-nav a[href="${p[0]}"]`).click());
      assert.equal(await text('main h1'), p[i], `${p[0]} in ${lang}`);
      // A value the page failed to build shows as the word, in no language.
      assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /, `${p[0]} in ${lang}`);
      assert.equal(await page.locator(`nav.main-nav a[href="${p[0]}"]`).getAttribute('aria-current'), 'page');
    }
  }
  await shot('users-zh-CN.png');
  await rendered(() => page.locator('#lang').selectOption('en'));
  assert.equal(await text('main h1'), 'Users and teams');
});

await step('an asset shows its components and findings, and takes an SBOM', async () => {
  await page.getByRole('link', { name: 'Assets' }).click();
  await page.locator('h1', { hasText: 'Assets' }).waitFor();
  await page.locator('details.new-asset summary').click();
  await page.getByLabel('Name', { exact: true }).fill('e2e-sbom');
  await page.getByLabel('Kind').selectOption('image');
  await page.getByRole('button', { name: 'Save asset' }).click();
  await page.locator('h1', { hasText: 'e2e-sbom' }).waitFor();
  const bom = {
    bomFormat: 'CycloneDX', specVersion: '1.5', version: 1,
    components: [{
      type: 'library', 'bom-ref': 'log4j', group: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1',
      purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', cpe: 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*',
    }],
  };
  await page.locator('#inventory-file').setInputFiles({ name: 'bom.cdx.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bom)) });
  await page.getByRole('button', { name: 'Upload and match' }).click();
  await page.locator('#upload-result', { hasText: '1 added' }).waitFor();
  assert.match(await text('#upload-result'), /1 findings opened/);
  await page.locator('#components tbody tr', { hasText: 'log4j-core' }).waitFor();
  await page.locator('#asset-findings tbody tr', { hasText: 'CVE-2021-44228' }).waitFor();
  await page.goto(base + '/inventory/shop-web');
  await page.locator('h1', { hasText: 'shop-web' }).waitFor();
  assert.equal(await page.locator('#components tbody tr').count(), 4);
  assert.ok(await page.locator('#asset-findings tbody tr').count() >= 3);
  await shot('vmc-asset-en.png');
});

await step('components: searching finds log4j-core with the assets that have it', async () => {
  await rendered(() => page.getByRole('link', { name: 'Components' }).click());
  assert.equal(await text('main h1'), 'Components');
  await page.getByLabel('Search names and package URLs').fill('log4j');
  await rendered(() => page.getByRole('button', { name: 'Search' }).click());
  assert.match(page.url(), /\/components\?q=log4j$/);
  const row = page.locator('table.components tbody tr', { hasText: 'log4j-core' });
  assert.equal(await row.count(), 1, 'one log4j-core 2.14.1');
  const assets = await row.locator('td:nth-child(5) a').allTextContents();
  assert.deepEqual(assets.sort(), ['e2e-sbom', 'shop-web']);
  await page.getByLabel('Ecosystem').fill('npm');
  await rendered(() => page.getByRole('button', { name: 'Search' }).click());
  await page.locator('main p.empty', { hasText: 'No components match.' }).waitFor();
});

await step('the audit page verifies the hash chain', async () => {
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.locator('h1', { hasText: 'Audit log' }).waitFor();
  assert.ok(await page.locator('table.audit tbody tr').count() >= 3);
  await page.locator('table.audit tbody tr', { hasText: 'confirmed in use' }).waitFor();
  await page.getByRole('button', { name: 'Verify chain' }).click();
  const ok = page.locator('#verify-result [data-intact="true"]');
  await ok.waitFor();
  assert.match(await ok.textContent(), /Chain intact\. \d+ entries checked\./);
  await shot('vmc-audit-en.png');
});

await step('signing out ends the session', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin$/);
  await page.goto(base + '/audit');
  await page.waitForURL(/\/signin\?next=%2Faudit$/);
  const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(status, 401);
});

await step('a Chinese browser gets the Chinese UI by default', async () => {
  const zh = await browser.newContext({ locale: 'zh-CN' });
  const p = await zh.newPage();
  await p.goto(base + '/');
  await p.locator('h1', { hasText: '登录' }).waitFor({ timeout: 7000 });
  assert.equal(await p.locator('html').getAttribute('lang'), 'zh-CN');
  await p.getByLabel('用户名').waitFor({ timeout: 7000 });
  await zh.close();
});

await step('an asset owner is offered only what their permissions allow', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1360, height: 900 } });
  const p = await ctx.newPage();
  p.setDefaultTimeout(7000);
  p.on('pageerror', (err) => problems.push('owner page error: ' + err.message));
  p.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push('owner console: ' + msg.text());
  });
  await p.goto(base + '/signin?next=%2Fsla');
  await p.getByLabel('User name').fill('e2e-owner');
  await p.getByLabel('Password').fill('a long enough password for e2e');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('h1', { hasText: 'SLA policies' }).waitFor();
  const nav = await p.locator('nav.main-nav a').allTextContents();
  assert.ok(!nav.includes('Audit log') && nav.includes('Findings') && nav.includes('Users & teams'), `owner's nav: ${nav}`);
  await p.locator('table.sla').waitFor();
  assert.equal(await p.locator('#sla-form').count(), 0, 'no policy form without policy.write');
  await p.locator('nav.main-nav a[href="/users"]').click();
  await p.locator('table.teams').waitFor();
  assert.equal(await p.locator('table.users, details.new-user').count(), 0, 'no user list without user.admin');
  // An owner is cleared for TLP:AMBER: the AMBER incident is listed,
  // the RED one is not, and opening it by id finds nothing.
  await p.locator('nav.main-nav a[href="/incidents"]').click();
  await p.locator('table.incidents').waitFor();
  const titles = await p.locator('table.incidents tbody tr').allTextContents();
  assert.ok(titles.length === 1 && /Web shell/.test(titles[0]), `owner's incidents: ${titles}`);
  const red = await p.evaluate(async () => (await fetch('/api/v1/incidents?category=insider')).json());
  assert.deepEqual(red.items, []);
  // The incident's response sections: an owner works on the response
  // (finding.triage) but takes no management decision (finding.accept)
  // and does not read the process (process.read).
  assert.ok(!nav.includes('Vulnerability reports') && !nav.includes('Disclosures') && !nav.includes('Response process'), `owner's nav: ${nav}`);
  await p.goto(base + incidentURL);
  await p.locator('#rca table.causes').waitFor();
  assert.equal(await p.locator('#rca details summary', { hasText: 'Add a cause' }).count(), 1, 'an owner may add causes');
  assert.equal(await p.locator('details.decide, #breach-decision-form').count(), 0, 'no decisions without finding.accept');
  assert.equal(await p.locator('#follow-form').count(), 0, 'no playbook list without process.read');
  assert.equal(await p.locator('#playbook-followed').getAttribute('data-key'), 'general-incident-response');
  await p.goto(base + '/process');
  await p.locator('main [role=alert]', { hasText: 'does not have permission' }).waitFor();
  await p.goto(base + '/audit');
  await p.locator('main [role=alert]', { hasText: 'does not have permission' }).waitFor();
  await ctx.close();
});

await step('a user\'s chosen language follows them to another browser', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1360, height: 900 } });
  const p = await ctx.newPage();
  p.setDefaultTimeout(7000);
  await p.goto(base + '/signin');
  await p.getByLabel('User name').fill('e2e-owner');
  await p.getByLabel('Password').fill('a long enough password for e2e');
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('h1', { hasText: 'Dashboard' }).waitFor();
  await p.getByLabel('Language').selectOption('zh-CN');
  await p.locator('h1', { hasText: '概览' }).waitFor();
  await ctx.close();
  // Another browser, English by default, with nothing remembered.
  const ctx2 = await browser.newContext({ locale: 'en-US', viewport: { width: 1360, height: 900 } });
  const p2 = await ctx2.newPage();
  p2.setDefaultTimeout(7000);
  await p2.goto(base + '/signin');
  await p2.getByLabel('User name').fill('e2e-owner');
  await p2.getByLabel('Password').fill('a long enough password for e2e');
  await p2.getByRole('button', { name: 'Sign in' }).click();
  await p2.locator('h1', { hasText: '概览' }).waitFor();
  assert.equal(await p2.locator('html').getAttribute('lang'), 'zh-CN');
  await ctx2.close();
});

await step('the API docs render at /api/v1/docs, from vmc alone', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const p = await ctx.newPage();
  const outside = [];
  p.on('request', (r) => { if (!r.url().startsWith(base)) outside.push(r.url()); });
  await p.goto(base + '/api/v1/docs');
  // Tags start folded: every one is listed, and unfolding one shows its
  // operations.
  // Swagger UI parses the whole spec first: on a busy machine that takes
  // longer than 15 seconds.
  await p.locator('.swagger-ui .opblock-tag').first().waitFor({ timeout: 45000 });
  const tags = await p.locator('.swagger-ui .opblock-tag').allTextContents();
  assert.ok(tags.length >= 15 && tags.some((t) => /^incidents/.test(t)), `tags shown: ${tags}`);
  await p.locator('.swagger-ui .opblock-tag[data-tag="incidents"]').click();
  await p.locator('.swagger-ui .opblock-summary-path', { hasText: '/api/v1/incidents/{id}/moves' }).first().waitFor();
  await p.locator('.swagger-ui .opblock-tag[data-tag="findings"]').click();
  await p.locator('.swagger-ui .opblock-summary-path', { hasText: '/api/v1/reports/{kind}' }).first().waitFor();
  assert.deepEqual(outside, [], 'requests to other origins');
  await p.screenshot({ path: path.join(shots, 'api-docs.png') });
  await ctx.close();
});

await step('incident metrics: the figures, SAMM against its 80% target, the charts and the review report, in English and Chinese', async () => {
  // Signed out above: the admin signs in again, to the incidents.
  await page.goto(base + '/signin?next=%2Fincidents');
  await page.locator('#signin-name').fill('admin');
  await page.locator('#signin-password').fill(password);
  await page.locator('main button[type=submit]').click();
  await page.waitForURL(base + '/incidents');
  await page.locator('#incident-metrics-link').waitFor();
  // A phishing mail caught before anyone clicked: closed at once, its
  // response's person-hours recorded, so its metrics are collated.
  const detected = new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const phish = await api('POST', '/api/v1/incidents', { title: 'Phishing mail to finance, caught by the filter', category: 'phishing', severity: 'low', tlp: 'GREEN', detected });
  const phishID = phish.id;
  await api('POST', `/api/v1/incidents/${phishID}/moves`, { to: 'closed', reason: 'caught by the mail filter; nobody clicked' });
  await api('PUT', `/api/v1/incidents/${phishID}/impact`, { downtime_minutes: 0, person_hours: 1.5, reason: 'SOC time sheet' });
  if (await page.locator('html').getAttribute('lang') !== 'en') await rendered(() => page.locator('#lang').selectOption('en'));
  await rendered(() => page.locator('#incident-metrics-link').click());
  assert.equal(await text('main h1'), 'Incident metrics and review');
  assert.equal(await page.locator('nav.main-nav a[href="/incidents"]').getAttribute('aria-current'), 'page');
  // The page shows the API's figures: the incidents above, one with its
  // impact and root causes, and the phishing mail closed.
  const m = await api('GET', '/api/v1/incident-metrics');
  assert.ok(m.incidents >= 2 && m.closed >= 1 && m.samm.collated.numerator >= 1, `incidents measured: ${JSON.stringify(m).slice(0, 300)}`);
  assert.equal(await page.locator(`table.imetrics-rows tr[data-id="${phishID}"]`).count(), 1);
  const num = (v, d) => new Intl.NumberFormat('en', { maximumFractionDigits: d }).format(v);
  assert.equal(await text('#imetrics-incidents'), `${num(m.incidents)} (${num(m.open)} open, ${num(m.closed)} closed)`);
  assert.equal(await text('#imetrics-hours'), num(m.person_hours, 1));
  assert.ok(m.person_hours >= 36.5 + 1.5, `person-hours ${m.person_hours}`);
  assert.match(await text('#imetrics-direct'), /12,000 CNY/);
  for (const k of ['briefed', 'informed', 'root_cause', 'collated']) {
    const r = m.samm[k];
    const row = page.locator(`table.samm tr[data-metric="${k}"]`);
    const want = r.percent === null ? 'nodata' : (r.met ? 'met' : 'below');
    assert.equal(await row.locator('[data-status]').getAttribute('data-status'), want, `${k}: ${JSON.stringify(r)}`);
    assert.equal(r.met, r.percent !== null && r.percent > 80, `${k} met only over 80%`);
    const cells = await row.locator('td').allTextContents();
    assert.deepEqual(cells.slice(1, 4), [num(r.numerator), num(r.denominator),
      r.percent === null ? '—' : new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(r.percent / 100)], k);
  }
  assert.equal(m.samm.root_cause.denominator, m.closed, 'every closed incident is in the root-cause metric');
  assert.equal(await page.locator(m.review.overdue ? '#imetrics-review-overdue' : '#imetrics-review-ok').count(), 1);
  assert.equal(await page.locator('table.imetrics-rows tbody tr').count(), m.rows.length);
  await chartsLoaded('en', 4);
  assert.match(await page.locator('#imetrics-report-pdf').getAttribute('href'), /^\/api\/v1\/reports\/incidents\?format=pdf&lang=en$/);
  assert.match(await page.locator('#imetrics-report-csv').getAttribute('href'), /^\/api\/v1\/reports\/incidents\?format=csv&lang=en$/);
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await shot('incident-metrics-en.png');

  // A window: the incidents of this year only.
  const year = new Date().getUTCFullYear();
  await page.locator('#imetrics-from').fill(`${year}-01-01`);
  await page.locator('#imetrics-to').fill(`${year + 1}-01-01`);
  await rendered(() => page.locator('#imetrics-window button[type=submit]').click());
  assert.equal(new URL(page.url()).search, `?from=${year}-01-01&to=${year + 1}-01-01`);
  assert.match(await page.locator('#imetrics-report-pdf').getAttribute('href'), new RegExp(`from=${year}-01-01&to=${year + 1}-01-01&format=pdf`));
  assert.ok((await page.locator('#imetrics-chart-trend img').getAttribute('src')).includes(`from=${year}-01-01`));

  // In Chinese, with the review report as a Chinese PDF.
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  assert.equal(await text('main h1'), '安全事件度量与复盘');
  assert.match(await text('table.samm'), /已记录根因和改进建议的已关闭事件/);
  await chartsLoaded('zh-CN', 4);
  const link = page.locator('#imetrics-report-pdf');
  assert.equal(await link.textContent(), '下载 PDF');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /^vmc-incidents-.*zh-CN\.pdf$/);
  const file = path.join(shots, 'incidents-zh-CN.pdf');
  await download.saveAs(file);
  const pdf = await fs.readFile(file);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 10 * 1024, `PDF of ${pdf.length} bytes`);
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await shot('incident-metrics-zh-CN.png');
  await rendered(() => page.locator('#lang').selectOption('en'));
});

await step('baselines: a host\'s sshd_config drifts from the OpenSSH baseline, rule by rule, and opens findings', async () => {
  const sshd = await fs.readFile(fileURLToPath(new URL('../../baseline/testdata/debian12/sshd_config', import.meta.url)));
  const hardening = Buffer.from('PermitRootLogin no\nPasswordAuthentication no\nX11Forwarding no\n');
  await adminOnInventory();
  await page.locator('details.new-asset summary').click();
  await page.getByLabel('Name', { exact: true }).fill('e2e-host');
  await page.getByLabel('Kind').selectOption('host');
  await page.getByRole('button', { name: 'Save asset' }).click();
  await page.locator('h1', { hasText: 'e2e-host' }).waitFor();
  await rendered(() => page.locator('nav.main-nav a[href="/baselines"]').click());
  assert.equal(await text('main h1'), 'Baseline configuration');
  assert.equal(await page.locator('table.baselines tbody tr').count(), 3);
  await page.locator('table.baselines a', { hasText: 'openssh-server' }).click();
  await page.locator('table.baseline-rules tr[data-rule="SSH-01"] a[href="https://public.cyber.mil/stigs/downloads/"]').waitFor();
  await page.locator('.baseline-hosts a', { hasText: 'e2e-host' }).click();
  await page.locator('h1', { hasText: 'Configuration compliance of e2e-host' }).waitFor();
  await page.locator('#no-snapshot').waitFor();
  const upload = async (files) => {
    await page.locator('#snapshot-files').setInputFiles(files);
    await page.locator('#snapshot-baseline').selectOption('openssh-server');
    await page.getByRole('button', { name: 'Import and evaluate' }).click();
  };
  // Hardened by a drop-in first, then Debian's defaults alone: drift.
  await upload([{ name: 'sshd_config', mimeType: 'text/plain', buffer: sshd }, { name: '00-hardening.conf', mimeType: 'text/plain', buffer: hardening }]);
  await page.locator('#snapshot-done', { hasText: '0 findings opened' }).waitFor();
  assert.match(await text('.baseline-eval .compliance'), /^77\.8% compliant: 7 pass, 2 fail/);
  await upload([{ name: 'sshd_config', mimeType: 'text/plain', buffer: sshd }]);
  await page.locator('#snapshot-done', { hasText: '3 findings opened' }).waitFor();
  assert.match(await text('.baseline-eval .compliance'), /^44\.4% compliant: 4 pass, 5 fail/);
  const row = page.locator('table.baseline-results tr[data-rule="SSH-01"]');
  assert.equal(await row.getAttribute('data-status'), 'fail');
  assert.match(await row.textContent(), /Drift.*sshd:PermitRootLogin.*prohibit-password.*not set: sshd's default/);
  assert.equal(await page.locator('table.baseline-results .badge.warn', { hasText: 'Drift' }).count(), 3);
  assert.equal(await page.locator('table.baseline-history tbody tr').count(), 2);
  // A file vmc cannot read is refused, naming it.
  await upload([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('remember to patch\n') }]);
  await page.locator('#snapshot-result', { hasText: 'notes.txt: syntax error: cannot tell the format' }).waitFor();
  await shot('baselines-host-en.png');
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  await page.locator('h1', { hasText: 'e2e-host 的配置合规情况' }).waitFor();
  assert.match(await text('.baseline-eval .compliance'), /^合规率 44\.4%/);
  await rendered(() => page.locator('#lang').selectOption('en'));
  await page.goto(base + '/findings?asset=e2e-host');
  await page.locator('main tbody tr', { hasText: 'BASELINE-openssh-server-SSH-01' }).first().waitFor();
});

await step('trusted computing: a host\'s snapshot recorded, its IMA list verified against a manifest — an altered and an unknown binary, two findings — in English and Chinese', async () => {
  // The transcript's SHA-256 list and manifest (internal/cli/testdata/script/trust.txtar).
  const txtar = await fs.readFile(new URL('../../cli/testdata/script/trust.txtar', import.meta.url), 'utf8');
  const part = (name) => {
    const at = txtar.indexOf(`-- ${name} --\n`) + name.length + 7;
    const end = txtar.indexOf('\n-- ', at);
    return Buffer.from(txtar.slice(at, end < 0 ? undefined : end + 1));
  };
  // The admin signed out above: back in, landing on the page.
  // Start signed out, whatever the steps before left.
  await page.context().clearCookies();
  await page.goto(base + '/signin?next=%2Ftrust');
  await page.locator('#signin-name').fill('admin');
  await page.locator('#signin-password').fill(password);
  await rendered(() => page.locator('#signin-password').press('Enter'));
  await page.waitForURL(base + '/trust');
  if (await page.locator('html').getAttribute('lang') !== 'en') await rendered(() => page.locator('#lang').selectOption('en'));
  assert.equal(await page.locator('nav.main-nav a[href="/trust"]').getAttribute('aria-current'), 'page');
  assert.equal(await text('main h1'), 'Trusted computing posture');
  await page.locator('#trust-snap-asset').fill('e2e-plc-gw');
  await page.locator('#trust-snap-files').setInputFiles([
    { name: 'getcap.txt', mimeType: 'text/plain', buffer: await fs.readFile(new URL('../../trust/testdata/getcap-nuvoton-npct75x.txt', import.meta.url)) },
    { name: 'sb-state.txt', mimeType: 'text/plain', buffer: Buffer.from('SecureBoot enabled\n') },
  ]);
  await page.locator('#trust-snap-save').click();
  await page.locator('#trust-snap-saved', { hasText: 'Recorded the posture of e2e-plc-gw: 1 gaps.' }).waitFor();
  const row = page.locator('#trust-postures tr[data-asset="e2e-plc-gw"]');
  await row.waitFor();
  assert.match(await row.textContent(), /TPM 2\.0 2\.0 rev 1\.38.*NTC NPCT75xrls 7\.2\.1\.0.*Enabled.*Measured boot unknown/);
  await page.locator('#trust-verify-asset').selectOption('e2e-plc-gw');
  await page.locator('#trust-verify-list').setInputFiles({ name: 'ascii_runtime_measurements', mimeType: 'text/plain', buffer: part('sha256-altered.txt') });
  await page.locator('#trust-verify-manifest').setInputFiles({ name: 'manifest.txt', mimeType: 'text/plain', buffer: part('sha256-manifest.txt') });
  await page.locator('#trust-verify-run').click();
  await page.locator('#trust-verified', { hasText: '4 files checked, 2 as expected, 2 deviations; findings: 2 opened, 0 resolved.' }).waitFor();
  assert.deepEqual(await page.locator('#trust-verified tr[data-kind]').evaluateAll((rs) => rs.map((r) => r.dataset.kind)), ['changed-binary', 'unknown-binary']);
  const found = await api('GET', '/api/v1/findings?asset=e2e-plc-gw');
  assert.deepEqual(found.items.map((x) => x.vuln).sort(), ['IMA-changed-binary', 'IMA-unknown-binary']);
  await shot('trust-en.png');
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  assert.equal(await text('main h1'), '可信计算环境');
  assert.match(await page.locator('#trust-postures tr[data-asset="e2e-plc-gw"]').textContent(), /已启用.*度量启动未知/);
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await rendered(() => page.locator('#lang').selectOption('en'));
});

await step('hardening: a maintenance group and its plan made in the UI, a patch plan whose progress moves with re-scans, SAMM scores, in English and Chinese', async () => {
  // A go.mod naming github.com/lf-edge/eve: the demo data holds five of
  // its Go vulnerability database reports (GO-2026-4430 to -4436), fixed
  // at different pseudo-versions, so each upgrade fixes some of them.
  const gomod = (v) => ({ name: 'go.mod', mimeType: 'text/plain', buffer: Buffer.from(`module example.com/edge\n\ngo 1.21\n\nrequire github.com/lf-edge/eve ${v}\n`) });
  const rescan = async (v, want) => {
    await page.goto(base + '/inventory/e2e-edge');
    await page.locator('h1', { hasText: 'e2e-edge' }).waitFor();
    await page.locator('#inventory-file').setInputFiles(gomod(v));
    await page.getByRole('button', { name: 'Upload and match' }).click();
    await page.locator('#upload-result', { hasText: want }).waitFor();
  };
  // Start signed out, whatever the steps before left.
  await page.context().clearCookies();
  await page.goto(base + '/signin?next=%2Finventory');
  await page.locator('#signin-name').fill('admin');
  await page.locator('#signin-password').fill(password);
  await rendered(() => page.locator('#signin-password').press('Enter'));
  await page.waitForURL(base + '/inventory');
  if (await page.locator('html').getAttribute('lang') !== 'en') await rendered(() => page.locator('#lang').selectOption('en'));
  await page.locator('details.new-asset summary').click();
  await page.getByLabel('Name', { exact: true }).fill('e2e-edge');
  await page.locator('details.new-asset select[name=environment]').selectOption('prod');
  await page.getByLabel('Maintenance group').fill('e2e-edge-fleet');
  await page.getByRole('button', { name: 'Save asset' }).click();
  await page.locator('h1', { hasText: 'e2e-edge' }).waitFor();
  await rescan('v0.0.0-20220101000000-000000000000', '5 findings opened');

  // The maintenance group and its plan, through the form; a window the
  // API cannot read is refused first, naming the field.
  await rendered(() => page.locator('nav.main-nav a[href="/hardening"]').click());
  assert.equal(await text('main h1'), 'Environment hardening');
  assert.equal(await page.locator('nav.tabs a[aria-current=page]').textContent(), 'Maintenance and patching');
  await page.locator('#new-group summary').click();
  await page.locator('#group-name').fill('e2e-edge-fleet');
  await page.locator('#group-function').fill('edge gateways');
  await page.locator('#group-risk').selectOption('critical');
  await page.locator('#group-owner').fill('platform');
  await page.locator('#group-windows').fill('sunday 2am');
  await page.locator('#group-mitigation').fill('block the management port at the edge firewall');
  await page.locator('#group-isolation').fill('move the gateway to the quarantine VLAN');
  await page.locator('#group-acceptance').fill('the CISO accepts up to 30 days');
  await page.locator('#group-form-save').click();
  await page.locator('#group-form-status [role=alert]', { hasText: 'sunday' }).waitFor();
  await page.locator('#group-windows').fill('sun 02:00 4h; wed 22:00 2h');
  await page.locator('#group-routine').fill('14');
  await page.locator('#group-emergency').fill('24');
  await page.locator('#group-form-save').click();
  await page.locator('#hardening-done', { hasText: 'Saved maintenance group e2e-edge-fleet: 1 members.' }).waitFor();
  const group = page.locator('.maintenance-group[data-group="e2e-edge-fleet"]');
  assert.equal(await group.locator('.members').textContent(), 'e2e-edge');
  assert.equal(await group.locator('.windows').textContent(), 'sun 02:00 4h; wed 22:00 2h UTC');
  assert.equal(await group.locator('.routine').textContent(), 'every 14 days');
  assert.equal(await group.locator('.emergency').textContent(), 'within 24h of discovery, on KEV, SSVC act');
  assert.match(await group.locator('.no-patch').textContent(), /Mitigation: block the management port.*Isolation: move the gateway.*Risk acceptance: the CISO accepts/);

  // The patch plan: every open eve finding of the group, 0% until a
  // re-scan verifies a fix.
  await page.locator('details.new-plan summary').click();
  await page.locator('#plan-group').selectOption('e2e-edge-fleet');
  await page.locator('#plan-title').fill('eve to the June 2023 build');
  await page.locator('#plan-package').fill('github.com/lf-edge/eve');
  await page.locator('#plan-updates').fill('github.com/lf-edge/eve → v0.0.0-20230601000000');
  await page.locator('#plan-rollback').fill('reflash the previous image from the A/B partition');
  await page.locator('#plan-form-save').click();
  await page.locator('#hardening-done', { hasText: /Created patch plan \d+: 5 findings\./ }).waitFor();
  const plan = page.locator('table.patch-plans tr', { hasText: 'eve to the June 2023 build' });
  assert.equal(await plan.locator('.patch-progress').getAttribute('data-percent'), '0');
  for (const s of ['approved', 'deploying']) {
    await plan.locator('select[name=status]').selectOption(s);
    await plan.getByRole('button', { name: 'Move' }).click();
    // The message of the move before may still be showing: wait for
    // this move's own message and badge.
    await page.locator('#hardening-done', { hasText: `is now ${s[0].toUpperCase()}${s.slice(1)}.` }).waitFor();
    await plan.locator(`.badge[data-status="${s}"]`).waitFor();
  }

  // The first rollout reaches the August 2022 build: the re-scan verifies
  // the two fixes it carries.
  await rescan('v0.0.0-20220801000000-000000000000', '0 findings opened');
  await rendered(() => page.locator('nav.main-nav a[href="/hardening"]').click());
  assert.equal(await plan.locator('.patch-progress').getAttribute('data-percent'), '40');
  assert.equal(await plan.locator('.patch-progress .percent').textContent(), '40% patched: 2 of 5 verified by re-scan');
  await shot('hardening-en.png');

  // EH1 and EH3 tabs draw; the upgrade to the build fixing the rest is listed.
  await rendered(() => page.locator('nav.tabs a[href="/hardening/environment"]').click());
  await page.locator('table.upgrades tr[data-package="github.com/lf-edge/eve"]').first().waitFor();
  await rendered(() => page.locator('nav.tabs a[href="/hardening/verification"]').click());
  await page.locator('details.new-audit summary').click();
  await page.locator('#audit-name').fill('e2e prod audit');
  await page.locator('#audit-scope').fill('edge gateways');
  await page.locator('#audit-checklist').fill('sshd hardened\nTLS 1.2 or later only');
  await page.locator('#audit-start').fill('2026-06-01');
  await page.locator('#audit-form-save').click();
  await page.locator('#hardening-done', { hasText: 'Created audit plan' }).waitFor();
  const audit = page.locator('table.audit-plans tr', { hasText: 'e2e prod audit' });
  assert.equal(await audit.getAttribute('data-overdue'), 'true');
  await audit.locator('.badge.overdue', { hasText: 'Overdue' }).waitFor();

  // SAMM: answers for a project give its maturity score, as the CLI's
  // transcript computes it (internal/cli/testdata/script/maintenance.txtar).
  await rendered(() => page.locator('nav.tabs a[href="/hardening/samm"]').click());
  await page.locator('#samm-project').fill('e2e-shop');
  for (const [q, a] of [['O-EM-1-A', '3'], ['O-EM-1-B', '3'], ['O-EM-2-A', '2'], ['O-EM-2-B', '1']]) await page.locator('#samm-' + q).selectOption(a);
  await page.locator('#samm-form-save').click();
  await page.locator('#hardening-done', { hasText: 'e2e-shop: maturity score 1.375.' }).waitFor();
  const samm = page.locator('table.samm-scores tr[data-project="e2e-shop"]');
  assert.equal(await samm.locator('.practice-score').textContent(), '1.375');
  assert.match(await samm.textContent(), /1\.375.*1\.5.*1\.25.*1.*0\.375.*0.*4\/6/);

  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  assert.equal(await text('main h1'), '环境加固');
  assert.equal(await page.locator('nav.tabs a[aria-current=page]').textContent(), 'SAMM 成熟度');
  await page.locator('table.samm-scores th', { hasText: '成熟度得分' }).waitFor();
  await rendered(() => page.locator('nav.tabs a[href="/hardening"]').click());
  assert.equal(await group.locator('.routine').textContent(), '每 14 天');
  assert.equal(await plan.locator('.patch-progress .percent').textContent(), '已修补 40%：5 个中 2 个经复扫验证');
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await rendered(() => page.locator('#lang').selectOption('en'));
});

await step('suggestions: enrichment by source, then a CWE and CVSS vector suggested from the description, one accepted and one rejected, in English and Chinese', async () => {
  // Start signed out, whatever the steps before left.
  await page.context().clearCookies();
  await page.goto(base + '/signin?next=%2Fvulns%2FCVE-2023-38408');
  await page.locator('#signin-name').fill('admin');
  await page.locator('#signin-password').fill(password);
  await rendered(() => page.locator('#signin-password').press('Enter'));
  await page.waitForURL(base + '/vulns/CVE-2023-38408');
  if (await page.locator('html').getAttribute('lang') !== 'en') await rendered(() => page.locator('#lang').selectOption('en'));
  await page.locator('main h1', { hasText: 'CVE-2023-38408' }).waitFor();
  // The CVE record (its CNA wrote "n/a" for vendor, product, version and
  // problem type, and no ADP container) states no CWE, CVSS, affected
  // product or fix, and no other source fills them: all four are none.
  const enr = page.locator('#enrichment table.enrichment tbody tr');
  assert.equal(await enr.count(), 1);
  assert.match(await enr.first().textContent(), /^cve5\s*CVE-2023-38408\s*none\s*none\s*none\s*none$/);
  await page.locator('#suggestions', { hasText: 'No suggestions.' }).waitFor();
  await page.locator('#suggest-make').click();
  const rows = page.locator('#suggestions table.suggestions tbody tr');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /CVSS v3\.1.*CVSS:3\.1\/AV:.*%.*Open/);
  assert.match(await rows.nth(1).textContent(), /CWE.*CWE-\d+.*%.*nb-[0-9a-f]{12}.*Open/);
  const ids = await page.locator('#suggestions [data-accept]').evaluateAll((bs) => bs.map((b) => b.dataset.accept));
  await page.locator(`#suggestions [data-accept="${ids[1]}"]`).click();
  // A refused decision shows in the form's status: say what it said.
  await page.locator('#suggestions tbody tr', { hasText: 'Accepted · admin' }).or(page.locator('#suggest-status:not(:empty)')).first().waitFor();
  assert.equal(await text('#suggest-status'), '', 'accepting the CWE suggestion');
  await page.locator(`#suggestions [data-reject="${ids[0]}"]`).click();
  await page.locator('#suggestions tbody tr', { hasText: 'Rejected · admin' }).waitFor();
  assert.equal(await page.locator('#suggestions [data-accept]').count(), 0);
  // The accepted CWE is now the analyst's claim, naming the model and who accepted it.
  const v = await api('GET', '/api/v1/vulns/CVE-2023-38408');
  const cwes = v.fields.find((f) => f.field === 'cwes');
  assert.equal(cwes.claims[0].source, 'analyst');
  assert.match(JSON.stringify(cwes.claims[0].value), /suggested by model nb-[0-9a-f]{12}, accepted by admin/);
  assert.equal(v.fields.filter((f) => f.field === 'severity').length, 0);
  await shot('suggestions-en.png');
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  assert.equal(await text('#suggestions h2'), '建议');
  assert.equal(await text('#enrichment h2'), '数据补全');
  assert.match(await text('#suggestions'), /已接受 · admin.*|已拒绝 · admin/s);
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await rendered(() => page.locator('#lang').selectOption('en'));
});

await step('peers: the federation page lists peer vmcs, in English and Chinese', async () => {
  await adminOnInventory();
  await rendered(() => page.locator('nav.main-nav a[href="/peers"]').click());
  assert.equal(await text('main h1'), 'Peer vmcs');
  await page.locator('#peers-origin', { hasText: 'vmc peer add' }).waitFor();
  await page.locator('table.peers').or(page.getByText('No peers yet.')).first().waitFor();
  await page.locator('#lang').selectOption('zh-CN');
  await page.locator('h1', { hasText: '对等 vmc' }).waitFor();
  await page.locator('#lang').selectOption('en');
  await page.locator('h1', { hasText: 'Peer vmcs' }).waitFor();
});

await step('rules: a rule that does not compile is refused at its line and column (also in Chinese), a good one saved and dry-run on the demo data\'s past events, a keyword watched and unwatched', async () => {
  await adminOnInventory();
  await rendered(() => page.locator('nav.main-nav a[href="/rules"]').click());
  assert.equal(await text('main h1'), 'Rules and watchlists');
  // The condition's second line has an operator expr does not know.
  const bad = async () => {
    await page.locator('#rule-name').fill('Broken');
    await page.locator('#rule-when').fill('advisory.kev &&\n  advisory.cvss >>= 9');
    await page.locator('#rule-then').fill('tag("kev")');
    await page.locator('#rule-save').click();
  };
  await bad();
  const whenErr = page.locator('#rule-when-error');
  await whenErr.locator('.badge').waitFor();
  assert.match(await whenErr.textContent(), /^Line 2, column \d+ when: line 2, column \d+: /);
  assert.equal(await whenErr.getAttribute('data-line'), '2');
  assert.equal(await page.locator('#rule-then-error').textContent(), '');
  assert.equal((await api('GET', '/api/v1/rules')).filter((r) => r.name === 'Broken').length, 0);
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  assert.equal(await text('main h1'), '规则与关注列表');
  await bad();
  await whenErr.locator('.badge').waitFor();
  assert.match(await whenErr.textContent(), /^第 2 行第 \d+ 列 条件第 2 行第 \d+ 列：/);
  await rendered(() => page.locator('#lang').selectOption('en'));
  // A good rule: every new finding of shop-web is assigned and tagged.
  await page.locator('#rule-name').fill('shop-web triage');
  await page.locator('#rule-on-finding_created').check();
  await page.locator('#rule-when').fill('finding.asset == "shop-web"');
  await page.locator('#rule-then').fill('[assign("payments"), tag("triage")]');
  await rendered(() => page.locator('#rule-save').click());
  await page.locator('#flash', { hasText: 'Saved “shop-web triage” as version 1.' }).waitFor();
  assert.match(page.url(), /\/rules\?id=\d+$/);
  assert.match(await text('table.rules'), /shop-web triage.*finding\.created.*Enabled.*v1/s);
  assert.equal(await page.locator('table.rule-versions tbody tr').count(), 1);
  await page.locator('#rule-dry-run').click();
  await page.locator('#dry-run-result').waitFor();
  const summary = await text('#dry-run-result .dry-run-summary');
  const [, evaluated, matched] = summary.match(/Evaluated on (\d+) past events; (\d+) matched/).map(Number);
  // The fixture asset has at least three findings, each a finding.created event.
  assert.ok(matched >= 3 && evaluated >= matched, summary);
  const rows = page.locator('table.dry-run tbody tr');
  assert.equal(await rows.count(), matched);
  assert.match(await rows.first().textContent(), /finding\.created.*assign\("payments"\).*tag\("triage"\)\s*1$/s);
  // A dry-run does nothing: no run is recorded.
  const id = page.url().match(/id=(\d+)/)[1];
  assert.deepEqual(await api('GET', `/api/v1/rules/${id}/runs`), []);
  // A keyword watch, in Chinese, added and removed.
  await page.locator('#watch-kind').selectOption('keyword');
  await page.locator('#watch-value').fill('SQL注入');
  await page.locator('#watch-to').fill('https://hooks.example.cn/vmc');
  await page.locator('#watch-add').click();
  const watch = page.locator('table.watches tbody tr', { hasText: 'SQL注入' });
  await watch.waitFor();
  assert.match(await watch.textContent(), /Keyword.*SQL注入.*https:\/\/hooks\.example\.cn\/vmc/);
  await shot('rules-en.png');
  await watch.locator('[data-remove]').click();
  await page.locator('#watches', { hasText: 'You watch nothing yet.' }).waitFor();
  assert.deepEqual(await api('GET', '/api/v1/watches'), []);
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
});

await step('jobs: an import started through the API runs as a job, which the Jobs page follows to completed, in English and Chinese', async () => {
  await adminOnInventory();
  // POST /api/v1/imports/jobs takes the file as the raw body, its name
  // in ?file=, as the import page sends it: a real CVE record of the demo data.
  const record = await fs.readFile(fileURLToPath(new URL('../../demo/data/cve5/CVE-2021-44228.json', import.meta.url)));
  const started = await page.evaluate(async (bytes) => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch('/api/v1/imports/jobs?file=CVE-2021-44228.json', {
      method: 'POST', body: new Blob([new Uint8Array(bytes)]),
      headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': me.csrf_token },
    });
    if (r.status !== 202) throw new Error(`POST /api/v1/imports/jobs: ${r.status} ${await r.text()}`);
    return { location: r.headers.get('Location'), job: await r.json() };
  }, [...record]);
  const id = started.job.id;
  assert.equal(started.job.kind, 'import');
  assert.equal(started.location, `/api/v1/jobs/${id}`);
  await rendered(() => page.locator('nav.main-nav a[href="/jobs"]').click());
  assert.equal(await text('main h1'), 'Background jobs');
  // The page asks again while a job is unfinished, so the row reaches completed by itself.
  const row = page.locator(`table.jobs tbody tr[data-id="${id}"][data-state="completed"]`);
  await row.waitFor({ timeout: 30000 });
  assert.match(await row.textContent(), new RegExp(`#${id}import\\s*Completed\\s*1 of 3\\s*admin.*\\d`));
  assert.ok(number(await text('#jobs-depth li[data-state="completed"]')) >= 1);
  // The state filter is in the URL: failed jobs leave this one out.
  await page.locator('#jobs-state').selectOption('failed');
  await rendered(() => page.locator('form.filters button[type=submit]').click());
  assert.equal(new URL(page.url()).search, '?state=failed');
  assert.equal(await page.locator(`table.jobs tbody tr[data-id="${id}"]`).count(), 0);
  await rendered(() => page.goto(base + '/jobs?state=completed'));
  await rendered(() => page.locator(`table.jobs a[href="/jobs/${id}"]`).click());
  assert.equal(await text('main h1'), `Job #${id}`);
  assert.match(await text('#job .job-facts'), /import.*Completed.*1 of 3.*admin/s);
  assert.match(await text('#job'), /"file": "CVE-2021-44228\.json"/);
  const output = JSON.parse(await text('#job-output pre'));
  assert.equal(output.file, 'CVE-2021-44228.json');
  assert.equal(output.report.read, 1);
  await page.locator('#job', { hasText: 'No attempt has failed.' }).waitFor();
  assert.equal(await page.locator('#job-cancel').count(), 0, 'a completed job offers no Cancel');
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  assert.equal(await text('main h1'), `任务 #${id}`);
  assert.match(await text('#job .job-facts'), /类型.*状态.*已完成.*尝试次数.*1 \/ 3/s);
  assert.equal(await text('#job section:nth-of-type(2) h2'), '参数');
  await page.locator('#job', { hasText: '没有失败的尝试。' }).waitFor();
  await rendered(() => page.locator('nav.main-nav a[href="/jobs"]').click());
  assert.equal(await text('main h1'), '后台任务');
  assert.equal(await text('nav.main-nav a[href="/jobs"]'), '任务');
  assert.match(await text(`table.jobs tbody tr[data-id="${id}"]`), /已完成/);
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await rendered(() => page.locator('#lang').selectOption('en'));
});

await step('rules: the scheduled kinds (process review, audit plans, failed syncs) are offered, a bad field of review is refused at its column, and a rule over review.overdue dry-runs on past events', async () => {
  await adminOnInventory();
  await rendered(() => page.locator('nav.main-nav a[href="/rules"]').click());
  assert.equal(await text('main h1'), 'Rules and watchlists');
  for (const k of ['review_due', 'review_overdue', 'audit_due', 'audit_overdue', 'sync_failed']) {
    assert.equal(await page.locator(`#rule-on-${k}`).count(), 1, `no checkbox for ${k}`);
  }
  await page.locator('#rule-name').fill('Review overdue');
  await page.locator('#rule-on-review_overdue').check();
  await page.locator('#rule-when').fill('review.days_late <= -7');
  await page.locator('#rule-then').fill('notify("ciso@example.com", "Process review overdue by " + string(-review.days_left) + " days")');
  await page.locator('#rule-dry-run').click();
  const whenErr = page.locator('#rule-when-error');
  await whenErr.locator('.badge').waitFor();
  assert.match(await whenErr.textContent(), /^Line 1, column 8 .*has no field days_late/);
  await page.locator('#rule-when').fill('review.days_left <= -7');
  await page.locator('#rule-dry-run').click();
  await page.locator('#dry-run-result').waitFor();
  assert.match(await text('#dry-run-result .dry-run-summary'), /Evaluated on \d+ past events; \d+ matched/);
  assert.equal((await api('GET', '/api/v1/rules')).filter((r) => r.name === 'Review overdue').length, 0, 'a dry-run saves nothing');
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
});

await step('attack paths: a pasted model analysed, its attack graph drawn as SVG, the first path highlighted, the one fix that cuts every path named, a model error at its line and column, in English and Chinese', async () => {
  // internet → web (nginx on 443 or tomcat on 8080, each remotely
  // exploitable) → the deploy user's password sniffed there → ssh to db
  // (port 22 or 2222) as deploy → sudo's local privilege escalation →
  // root on db. Every hop but the last has two ways, so the one fix that
  // cuts every path is patching sudo.
  const model = [
    'attackerLocated(internet).',
    'attackGoal(execCode(db,root)).',
    'hacl(internet, web, tcp, 443).',
    'hacl(internet, web, tcp, 8080).',
    'hacl(web, db, tcp, 22).',
    'hacl(web, db, tcp, 2222).',
    'networkServiceInfo(web, nginx, tcp, 443, www).',
    'networkServiceInfo(web, tomcat, tcp, 8080, www).',
    "vulExists(web, 'CVE-2099-1001', nginx).",
    "vulProperty('CVE-2099-1001', remoteExploit, privEscalation).",
    "vulExists(web, 'CVE-2099-1003', tomcat).",
    "vulProperty('CVE-2099-1003', remoteExploit, privEscalation).",
    'hasAccount(deploy, web, www).',
    'hasAccount(deploy, db, deploy).',
    'networkServiceInfo(db, sshd, tcp, 22, root).',
    'networkServiceInfo(db, sshd, tcp, 2222, root).',
    "vulExists(db, 'CVE-2099-1002', sudo).",
    "vulProperty('CVE-2099-1002', localExploit, privEscalation).",
    'setuidProgramInfo(db, sudo, root).',
  ].join('\n');
  await adminOnInventory();
  await rendered(() => page.locator('nav.main-nav a[href="/attack-paths"]').click());
  assert.equal(await text('main h1'), 'Attack paths');
  // The stored analysis the test server holds (the "shop" JSON model):
  // listed, and shown with the same drawing when selected.
  const storedRow = page.locator('table.attack-analyses tbody tr', { hasText: 'shop' });
  await storedRow.waitFor();
  assert.match(await storedRow.textContent(), /shop.*admin\s*1\s*1\s*View/s);
  assert.match(await text('table.attack-models'), /shop\s*json\s*admin/);
  await rendered(() => storedRow.locator('a', { hasText: 'View' }).click());
  assert.match(page.url(), /\/attack-paths\?analysis=\d+$/);
  await page.locator('#ap-stored-view #ap-svg').waitFor();
  assert.match(await text('#ap-stored-view h2'), /^Stored analysis #\d+$/);
  assert.equal(await page.locator('#ap-svg g.node').count(), 15);
  assert.equal(await page.locator('#ap-svg g.node.goal').getAttribute('data-label'), 'execCode(db1,postgres)');
  // A syntax error is refused with its position.
  await page.locator('#ap-model').fill('attackerLocated(internet).\nhacl(internet web, tcp, 80).');
  await page.locator('#ap-analyse').click();
  await page.locator('#ap-status [role=alert]').waitFor();
  assert.match(await text('#ap-status'), /model\.P:2:\d+: /);
  await page.locator('#ap-model').fill(model);
  await page.locator('#ap-analyse').click();
  await page.locator('#ap-svg').waitFor();
  // The drawing has a node per graph node the API reports, and no more.
  const rep = await api('POST', '/api/v1/attack-paths/analyse', { model });
  assert.equal(rep.graph.nodes.length, 47);
  assert.equal(await page.locator('#ap-svg g.node').count(), rep.graph.nodes.length);
  assert.equal(await page.locator('#ap-svg .edge').count(), rep.graph.edges.length);
  assert.match(await text('#ap-graph'), /47 nodes, 61 edges/);
  // The goal is reached, and drawn as a goal.
  assert.equal(await page.locator('#ap-goals .goal-reached').count(), 1);
  assert.match(await text('#ap-goals'), /Reached\s*execCode\(db,root\)/);
  assert.equal(await page.locator('#ap-svg g.node.goal').getAttribute('data-label'), 'execCode(db,root)');
  assert.equal(await page.locator('#ap-svg g.node.attacker').getAttribute('data-label'), 'attackerLocated(internet)');
  // Nodes lie in rows, premises above what they conclude, none overlapping.
  const boxes = await page.locator('#ap-svg g.node').evaluateAll((gs) => gs.map((g) => {
    const b = g.getBBox();
    const m = g.transform.baseVal.consolidate().matrix;
    return { x: m.e + b.x, y: m.f + b.y, w: b.width, h: b.height };
  }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, `nodes ${i} and ${j} overlap`);
    }
  }
  // Three paths, most likely first; the first goes in through nginx on
  // 443 and ssh on 22. Selecting it lights its nodes and edges only.
  assert.equal(await page.locator('#ap-paths > li.path').count(), 3);
  await page.locator('#ap-paths > li.path').first().locator('button').click();
  await page.locator('#ap-svg.highlighting').waitFor();
  assert.equal(await page.locator('#ap-paths > li.path').first().locator('button').getAttribute('aria-pressed'), 'true');
  const lit = await page.locator('#ap-svg g.node.on').evaluateAll((gs) => gs.map((g) => g.dataset.label));
  for (const want of ['attackerLocated(internet)', 'hacl(internet,web,tcp,443)', "vulExists(web,'CVE-2099-1001',nginx,remoteExploit,privEscalation)",
    'execCode(web,www)', 'principalCompromised(deploy)', 'netAccess(db,tcp,22)', 'execCode(db,deploy)', 'execCode(db,root)']) {
    assert.ok(lit.includes(want), `${want} not highlighted: ${lit}`);
  }
  for (const not of ['hacl(internet,web,tcp,8080)', "vulExists(web,'CVE-2099-1003',tomcat,remoteExploit,privEscalation)", 'netAccess(db,tcp,2222)']) {
    assert.ok(!lit.includes(not), `${not} highlighted though the first path does not use it`);
  }
  assert.ok(await page.locator('#ap-svg .edge.on').count() >= 8);
  await page.locator('#ap-paths > li.path').first().locator('button').click();
  assert.equal(await page.locator('#ap-svg.highlighting').count(), 0);
  // One exact fix: patch sudo on db.
  assert.equal(await page.locator('#ap-fix-note').getAttribute('data-exact'), 'true');
  assert.equal(await page.locator('#ap-fix-list li').count(), 1);
  assert.match(await text('#ap-fix-list'), /Patch\s*CVE-2099-1002 on db/);
  // The drawing fits the width at first; zooming in makes it wider.
  const fitted = (await page.locator('#ap-svg').boundingBox()).width;
  await page.locator('#ap-zoom-in').click();
  assert.ok((await page.locator('#ap-svg').boundingBox()).width > fitted * 1.2);
  await page.locator('#ap-zoom-fit').click();
  assert.equal(await page.locator('#ap-svg').getAttribute('width'), '100%');
  await shot('attack-paths-en.png');
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await rendered(() => page.locator('#lang').selectOption('zh-CN'));
  assert.equal(await text('main h1'), '攻击路径');
  assert.equal(await text('nav.main-nav a[href="/attack-paths"]'), '攻击路径');
  await page.locator('#ap-model').fill(model);
  await page.locator('#ap-analyse').click();
  await page.locator('#ap-svg').waitFor();
  assert.equal(await text('#ap-goals h2'), '已达成的目标');
  assert.equal(await text('#ap-fixes h2'), '建议的修复');
  assert.match(await text('#ap-fix-list'), /修补\s*db 上的 CVE-2099-1002/);
  assert.doesNotMatch(await text('main'), /\b(null|undefined|NaN)\b|\[object /);
  await rendered(() => page.locator('#lang').selectOption('en'));
});

await step('no script errors or CSP violations', async () => {
  assert.deepEqual(problems, []);
});

await browser.close();
console.log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);
