// Browser test of vmc's web UI: playwright-core drives the system's
// headless Chromium (no browser download) through a signed-in session.
//
//   node e2e/run.mjs http://127.0.0.1:8080
//
// Environment: ADMIN_PASSWORD (the admin's password), CHROMIUM (default
// /usr/bin/chromium), SCREENSHOTS (directory, default /tmp). The server
// must hold the demo data and an asset with findings, Log4Shell among
// them (TestBrowser in web's tests builds one). Steps run in order, each
// needing the ones before; after a failure the rest are reported as not
// run. The last line is "N passed, N failed"; the exit status is 1 when
// anything failed.

import assert from 'node:assert/strict';
import path from 'node:path';
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
const shot = async (name) => page.screenshot({ path: path.join(shots, name), fullPage: true });
const number = (s) => Number(String(s).replace(/[^\d.]/g, ''));

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
  await shot('vmc-dashboard-en.png');
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
  await shot('vmc-dashboard-zh-CN.png');
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

await step('no script errors or CSP violations', async () => {
  assert.deepEqual(problems, []);
});

await browser.close();
console.log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);
