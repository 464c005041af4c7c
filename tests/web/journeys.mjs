// The dashboard's journeys in headless chromium (run by test_web.sh, which
// starts the server over a scenario): node journeys.mjs BASE_URL OUT_DIR.
//
// One journey per role the issue names: the prefecture admin reads the
// overview and produces the reminder notices; a county operator records a
// step with a photo, uploads a weekly batch with three bad rows and sees
// exactly those rows named, fixes the rejects file and uploads it again, and
// cannot open another county's household by its address; the auditor sees
// no change button anywhere and the API refuses a request forged from his
// page. Every page is checked with axe-core (no "serious" or "critical"
// violation) and photographed at 1366×768 and 390×844; no page may break
// the Content-Security-Policy or throw. Prints "ok - ..." / "not ok - ...".
// With PAGE_CHECKS=0 (test_web.sh's PostgreSQL pass) the axe checks and
// the photographs are left out: the pages are the same files over either
// database, and the SQLite pass checks and photographs them.
//
// Users with a second factor (test_web.sh enrols them) sign in with a code
// computed here from the secret their enrolment printed (the directory in
// TOTP_DIR); a finance user without one enrols through the 二次验证 page.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [base, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const pageChecks = process.env.PAGE_CHECKS !== '0';
const YEAR_DAY = 'year=2023&as_of=2023-07-16';

let failed = 0;
function ok(name) {
  console.log(`ok - web: ${name}`);
}
function notOk(name, why) {
  failed++;
  console.log(`not ok - web: ${name}`);
  for (const l of String(why).split('\n').slice(0, 12)) console.log(`    ${l}`);
}
function expect(name, cond, why = '') {
  if (cond) ok(name);
  else notOk(name, why || 'expected to hold');
}
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    notOk(name, e.stack || e);
  }
  console.error(`# ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--headless'],
});

// ---- one-time codes (RFC 6238) ----
const lastStep = {};
const usedRecovery = {};
function secretFile(user, ext) {
  try {
    return readFileSync(`${process.env.TOTP_DIR || '.'}/${user}.${ext}`, 'utf8').trim();
  } catch {
    return '';
  }
}
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let acc = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    acc = (acc << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
/** The 6-digit code of base32 SECRET at 30-second STEP. */
function totpAt(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(msg).digest();
  const off = mac[19] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}
/** A code USER has not used yet: this step's or the next one's (a code
 * works once), else one of the recovery codes enrolment printed; null for
 * a user without a second factor. */
function nextCode(user) {
  const secret = secretFile(user, 'totp');
  if (!secret) return null;
  const last = lastStep[user] ?? Number(secretFile(user, 'step') || 0);
  const step = Math.floor(Date.now() / 30000);
  const s = Math.max(step, last + 1);
  if (s <= step + 1) {
    lastStep[user] = s;
    return totpAt(secret, s);
  }
  const codes = secretFile(user, 'recovery').split('\n');
  usedRecovery[user] = (usedRecovery[user] || 0) + 1;
  return codes[usedRecovery[user] - 1];
}
/** A signed-in page for USER (a fresh browser context: its own cookies). */
async function signIn(user, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) page.problems.push(m.text());
  });
  page.on('dialog', (d) => d.accept());
  await page.goto(`${base}/`);
  await page.fill('#main input[name=user]', user);
  await page.fill('#main input[name=password]', `${user}-password-1`);
  await page.click('#main button[type=submit]');
  if (secretFile(user, 'totp')) {
    await page.waitForSelector('#main input[name=totp]', { state: 'visible' });
    await page.fill('#main input[name=totp]', nextCode(user));
    await page.click('#main button[type=submit]');
  }
  await page.waitForSelector('nav#nav a[aria-current=page]');
  return page;
}

/** Waits until FN(ARG), run in the page, is true (polled: the page's CSP
 * forbids the eval that page.waitForFunction needs). */
async function until(page, fn, arg, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
    await page.waitForTimeout(100);
  }
}

/** Opens HASH, waits for the page to finish loading. */
async function open(page, hash) {
  await page.goto(`${base}/#/${hash}`);
  await page.waitForLoadState('networkidle');
  await until(page, () => !document.querySelector('#main[aria-busy]'));
}

async function shot(page, name) {
  if (pageChecks) await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}

/** axe-core on the page as it is: no serious or critical violation. */
async function accessible(page, name) {
  if (!pageChecks) return;
  await page.evaluate(axeSource); // through the debugger, so the CSP is not in the way
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(`${name}: no serious or critical accessibility violation`, bad.length === 0,
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('\n'));
}

/** The page at HASH for PAGE's user: loads, no CSP breach, accessible, photographed. */
async function checkPage(page, hash, name) {
  await open(page, hash);
  await accessible(page, name);
  await shot(page, name);
  expect(`${name}: no CSP violation or script error`, page.problems.length === 0, page.problems.join('\n'));
  page.problems.length = 0;
}

async function api(page, path, init = {}) {
  return page.evaluate(async ([p, i]) => {
    const r = await fetch(p, i);
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [path, init]);
}

// ---- sign-in ----
await step('sign-in errors', async () => {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await accessible(page, 'login');
  await page.fill('#main input[name=user]', 'admin');
  await page.fill('#main input[name=password]', 'not-the-password');
  await page.click('#main button[type=submit]');
  const msg = await page.waitForSelector('#main .msg.error');
  expect('login: a wrong password is told in Chinese', (await msg.textContent()).includes('用户名或密码不正确'));
  await shot(page, 'login-wrong-password');
  await context.close();
});

// ---- the prefecture admin: the overview and the reminder notices ----
await step('admin journey', async () => {
  const page = await signIn('admin');
  await checkPage(page, `overview?${YEAR_DAY}`, 'overview');
  await page.waitForSelector('body[data-charts=drawn]', { timeout: 15000 });
  const rows = await page.$$eval('table.overview tbody tr', (trs) => trs.map((tr) => tr.querySelector('th').textContent));
  expect('overview: seven counties and the prefecture total', rows.length === 8 && rows[7] === '全州合计', rows.join(','));
  const total = await page.textContent('table.overview tbody tr.total');
  expect('overview: numbers with thousands separators', total.includes('43,977'), total);
  expect('overview: a chart per stage, drawn', (await page.$$('.chart canvas')).length === 4);
  const counts = await page.textContent('ul.countdowns');
  expect('overview: countdowns to the deadlines, dates in Chinese', counts.includes('2023年5月31日') && counts.includes('还有 76 天'), counts);
  const kpi = await page.textContent('ul.kpis');
  expect('overview: energy saving against 2.43 万户 and 246.23 万 m²', kpi.includes('2.43 万户') && kpi.includes('246.23 万 m²'), kpi);
  const behind = await page.$$eval('ul.behind li', (l) => l.length);
  expect('overview: the counties behind are listed', behind > 0);
  await page.click('button:has-text("生成催办通知")');
  const notice = await page.waitForSelector('pre.notice');
  const text = await notice.textContent();
  expect('overview: the reminder notices are produced', text.includes('关于加快推进') && text.includes('冬季清洁取暖工作领导小组办公室'), text.slice(0, 200));
  await shot(page, 'overview-notices');
  await page.setViewportSize(PHONE);
  await open(page, `overview?${YEAR_DAY}`);
  await shot(page, 'overview-phone');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect('overview: no sideways scrolling on a phone', wide <= PHONE.width, `page is ${wide}px wide`);
  await page.setViewportSize(DESKTOP);

  await checkPage(page, 'households', 'households');
  await page.fill('input[name=q]', '652301-0000');
  await page.click('form[role=search] button[type=submit]');
  await until(page, () => document.querySelector('caption')?.textContent.includes('查找结果'));
  const found = await page.$$eval('#main tbody tr th', (t) => t.map((x) => x.textContent));
  expect('households: search by 户编号', found.length > 0 && found.every((x) => x.startsWith('652301-0000')), found.join(','));
  const masked = await page.textContent('#main tbody tr td[data-key=id_number]');
  expect('households: ID numbers masked', masked.includes('****'), masked);
  await page.click('#main tbody tr button:has-text("显示")');
  await until(page, () => !document.querySelector('#main tbody tr td[data-key=id_number]').textContent.includes('*'));
  ok('households: 显示 reveals the whole number');
  const log = await api(page, '/api/audit/log?object=household&limit=5');
  expect('households: the reveal is audited', JSON.stringify(log.body).includes('household.reveal'));
  await open(page, 'households');
  await page.click('button:has-text("下一页")');
  await until(page, () => document.querySelector('.pager span')?.textContent.includes('第 2 页'));
  ok('households: paging');
  // the 进度状态 filter: every household listed stands at that stage
  await page.selectOption('form[role=search] select[name=status]', '已完工');
  await page.click('form[role=search] button[type=submit]');
  await until(page, () => location.hash.includes('status='));
  await page.waitForSelector('#main tbody tr');
  const states = await page.$$eval('#main tbody tr', (rows) => rows.map((r) => r.lastElementChild.previousElementSibling?.textContent || r.lastElementChild.textContent));
  expect('households: filtered by 进度状态 已完工', states.length > 0 && states.every((x) => x.includes('已完工')), states.slice(0, 5).join(','));
  await open(page, 'households');
  await page.click('#main tbody tr th a');
  await page.waitForSelector('dl.record');
  await accessible(page, 'household');
  await shot(page, 'household');
  await checkPage(page, `dispatch?${YEAR_DAY}`, 'dispatch');
  const head = await page.textContent('#main h2');
  expect('dispatch: the weekly dispatch of the chosen day', head.includes('2023年7月16日') && head.includes('第28周'), head);
  for (const p of ['review', 'funds', 'users', 'audit']) await checkPage(page, p, p);
  await page.context().close();
});

// ---- the county operator: a step with a photo, a weekly batch, scope ----
await step('county operator journey', async () => {
  const page = await signIn('cj');
  const list = await api(page, '/api/households?county=%E6%98%8C%E5%90%89%E5%B8%82&limit=2000');
  const fresh = list.body.tables[0].rows.filter((r) => r.status === '已登记').map((r) => r.hh_no);
  expect('scenario: households of 昌吉市 not started yet', fresh.length >= 8, `${fresh.length}`);
  const menu = await page.$$eval('nav#nav a', (a) => a.map((x) => x.textContent));
  expect('county operator: no 用户与权限 in the menu', !menu.includes('用户与权限') && menu.includes('进度填报'), menu.join(','));

  await checkPage(page, 'progress', 'progress');
  const capture = await page.getAttribute('input[name=evidence]', 'capture');
  const accept = await page.getAttribute('input[name=evidence]', 'accept');
  expect('progress: the photo input opens the camera', capture !== null && accept === 'image/*');
  await page.fill('input[name=household]', fresh[0]);
  await page.selectOption('select[name=stage]', '已开工');
  await page.fill('input[name=date]', '2023-07-17');
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await page.setInputFiles('input[name=evidence]', { name: '现场.png', mimeType: 'image/png', buffer: png });
  await page.click('#h-record ~ button[type=submit], form[aria-labelledby=h-record] button[type=submit]');
  const rec = await page.waitForSelector('form[aria-labelledby=h-record] .msg.ok, form[aria-labelledby=h-record] .msg.error');
  const recText = await rec.textContent();
  expect('progress: one step recorded with its photo', (await rec.getAttribute('class')).includes('ok'), recText);
  const after = await api(page, `/api/households/show?household=${fresh[0]}&county=%E6%98%8C%E5%90%89%E5%B8%82`);
  expect('progress: the household is now 已开工', after.body.tables[0].rows[0].status === '已开工', JSON.stringify(after.body).slice(0, 200));
  await shot(page, 'progress-recorded');

  // a weekly batch: eight rows, three of them wrong (file rows 3, 6 and 8)
  const lines = [
    '县市,户编号,环节,日期,备注',
    `昌吉市,${fresh[1]},已开工,2023-07-18,`,
    '昌吉市,652301-999999,已开工,2023-07-18,', // no such household
    `昌吉市,${fresh[2]},已开工,2023-07-18,`,
    `昌吉市,${fresh[3]},已开工,2023-07-18,`,
    `昌吉市,${fresh[4]},已开工,2023-02-30,`, // no such day
    `昌吉市,${fresh[5]},已开工,2023-07-18,`,
    `昌吉市,${fresh[6]},已调试,2023-07-18,`, // skips 已开工 and 已完工
  ];
  await page.setInputFiles('input[name=file]', { name: '周报.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await page.click('form[aria-labelledby=h-batch] button[type=submit]');
  await page.waitForSelector('table.problems');
  const named = await page.$$eval('table.problems tbody tr th', (t) => t.map((x) => x.textContent));
  expect('batch: exactly the three bad rows are named', named.join(',') === '第 3 行,第 6 行,第 8 行', named.join(','));
  const cols = await page.$$eval('table.problems thead th', (t) => t.map((x) => x.textContent));
  expect('batch: row, column, value and reason', ['行', '列', '值', '原因'].every((c) => cols.includes(c)), cols.join(','));
  const msgText = await page.textContent('form[aria-labelledby=h-batch] .msg');
  expect('batch: the message names no server path', !msgText.includes('/tmp') && msgText.includes('周报.csv'), msgText);
  await accessible(page, 'progress-batch-errors');
  await shot(page, 'progress-batch-errors');
  const href = await page.getAttribute('form[aria-labelledby=h-batch] a[download]', 'href');
  const rejects = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  const rows = rejects.replace(/^\ufeff/, '').trim().split(/\r?\n/);
  expect('batch: the rejects file holds the three rows and their reasons', rows.length === 4 && rows[0].includes('错误原因'), rejects);
  // fixed: another household for the unknown one, a real day, 已开工
  const fixed = rows.map((l, i) => (i === 0 ? l : l
    .replace('652301-999999', fresh[7])
    .replace('2023-02-30', '2023-07-18')
    .replace('已调试', '已开工'))).join('\n');
  await page.setInputFiles('input[name=file]', { name: '周报-改正.csv', mimeType: 'text/csv', buffer: Buffer.from(`${fixed}\n`) });
  await page.click('form[aria-labelledby=h-batch] button[type=submit]');
  await until(page, () => document.querySelector('form[aria-labelledby=h-batch] .msg')?.textContent.includes('周报-改正.csv'));
  const again = await page.textContent('form[aria-labelledby=h-batch] .msg');
  expect('batch: the fixed rejects file is taken whole', again.includes('记录 3 条') && again.includes('拒收 0 行') && !(await page.$('table.problems')), again);
  await shot(page, 'progress-batch-fixed');

  // another county's household by its address
  const fk = await (async () => {
    const c = await browser.newContext();
    const p = await c.newPage();
    await p.goto(`${base}/`);
    await p.evaluate(async (totp) => fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: 'admin-password-1', totp }) }), nextCode('admin'));
    const r = await api(p, '/api/households?county=%E9%98%9C%E5%BA%B7%E5%B8%82&limit=1');
    await c.close();
    return r.body.tables[0].rows[0].hh_no;
  })();
  await open(page, `household/${encodeURIComponent('阜康市')}/${fk}`);
  const refused = await page.waitForSelector('#main .msg.error');
  const why = await refused.textContent();
  expect("scope: another county's household cannot be opened by its address", !(await page.$('dl.record')) && why.includes('您无权查看该农户（阜康市）'), why);
  await shot(page, 'household-other-county');
  await page.setViewportSize(PHONE);
  await open(page, 'progress');
  await shot(page, 'progress-phone');
  await page.context().close();
});

// ---- the household's history: a step she recorded with a photo, in its timeline ----
await step('household history', async () => {
  const page = await signIn('cj');
  const list = await api(page, '/api/households?county=%E6%98%8C%E5%90%89%E5%B8%82&limit=2000');
  const hh = list.body.tables[0].rows.filter((r) => r.status === '已登记').map((r) => r.hh_no)[0];
  expect('history: a household of 昌吉市 not started yet', !!hh);
  await open(page, 'progress');
  await page.fill('input[name=household]', hh);
  await page.selectOption('select[name=stage]', '已开工');
  await page.fill('input[name=date]', '2023-07-19');
  // a photo of its own (bytes after the PNG's end, which viewers ignore): files are stored once by content
  const png = Buffer.concat([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'), Buffer.from(hh)]);
  await page.setInputFiles('input[name=evidence]', { name: '开工照片.png', mimeType: 'image/png', buffer: png });
  await page.click('form[aria-labelledby=h-record] button[type=submit]');
  const rec = await page.waitForSelector('form[aria-labelledby=h-record] .msg.ok, form[aria-labelledby=h-record] .msg.error');
  expect('history: the step recorded with its photo', (await rec.getAttribute('class')).includes('ok'), await rec.textContent());

  await open(page, `household/${encodeURIComponent('昌吉市')}/${encodeURIComponent(hh)}`);
  await page.waitForSelector('dl.record');
  await page.waitForSelector('ol.timeline-list');
  const items = await page.$$eval('.tl-item', (li) => li.map((x) => ({
    kind: x.querySelector('.kind')?.textContent, what: x.querySelector('strong')?.textContent,
    when: x.querySelector('time')?.textContent || '', text: x.textContent,
  })));
  expect('history: registration first', items[0] && items[0].kind === '登记' && items[0].what === '登记入册', JSON.stringify(items[0]));
  const started = items.find((x) => x.what === '已开工' && x.when === '2023年7月19日');
  expect('history: her step, dated as recorded, with her name', started && started.kind === '进度' && started.text.includes('经办人：cj'), JSON.stringify(items));
  await until(page, () => [...document.querySelectorAll('.tl-item ul.thumbs img')].some((i) => i.complete && i.naturalWidth > 0));
  const thumb = await page.$eval('.tl-item ul.thumbs a.thumb', (a) => ({
    href: a.getAttribute('href'), alt: a.querySelector('img').alt, target: a.target,
    step: a.closest('.tl-item').querySelector('strong').textContent,
  }));
  expect('history: the photo as a thumbnail of that step, described', thumb.step === '已开工' && thumb.alt.includes('开工照片.png') && thumb.alt.includes('已开工'), JSON.stringify(thumb));
  const full = await page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, type: r.headers.get('Content-Type'), disposition: r.headers.get('Content-Disposition'), bytes: (await r.arrayBuffer()).byteLength };
  }, thumb.href);
  expect('history: the thumbnail opens the full image (image/png, shown inline)',
    thumb.href.startsWith('/api/files/') && thumb.target === '_blank' && full.status === 200 && full.type === 'image/png' && full.disposition.startsWith('inline') && full.bytes === png.length,
    JSON.stringify(full));
  await accessible(page, 'household-history');
  await shot(page, 'household-history');
  await page.setViewportSize(PHONE);
  await open(page, `household/${encodeURIComponent('昌吉市')}/${encodeURIComponent(hh)}`);
  await page.waitForSelector('ol.timeline-list');
  await until(page, () => [...document.querySelectorAll('.tl-item ul.thumbs img')].some((i) => i.complete && i.naturalWidth > 0));
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect('history: fits a phone (390 px, no sideways scrolling)', wide <= 390, `${wide} px`);
  await accessible(page, 'household-history-phone');
  await shot(page, 'household-history-phone');
  expect('history: no CSP violation or script error', page.problems.length === 0, page.problems.join('\n'));
  await page.context().close();
});

// ---- the auditor: reads everything, changes nothing ----
await step('auditor journey', async () => {
  const page = await signIn('aud');
  const menu = await page.$$eval('nav#nav a', (a) => a.map((x) => x.getAttribute('href')));
  expect('auditor: no 进度填报 or 用户与权限 in the menu', !menu.includes('#/progress') && !menu.includes('#/users'), menu.join(','));
  const pages = [`overview?${YEAR_DAY}`, 'households', `dispatch?${YEAR_DAY}`, 'review', 'funds', 'audit'];
  let changes = 0;
  for (const p of pages) {
    await open(page, p);
    changes += (await page.$$('[data-change]')).length;
  }
  expect('auditor: no change button on any page', changes === 0, `${changes} change controls`);
  // the chain check (a POST since it may take a published head)
  await page.getByRole('button', { name: '校验哈希链' }).click();
  const said = await page.locator('.form-msg').filter({ hasText: '审计日志完整' }).first()
    .waitFor({ timeout: 15000 }).then(() => true, () => false);
  expect('auditor: 校验哈希链 says the chain holds', said, await page.locator('.form-msg').first().innerText());
  await accessible(page, 'audit-as-auditor');
  await shot(page, 'auditor-audit');
  await open(page, 'progress');
  expect('auditor: the entry page is not offered', !(await page.$('input[name=household]')));
  const session = await api(page, '/api/session');
  const forged = await api(page, '/api/users/add', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.body.csrf_token },
    body: JSON.stringify({ name: 'forged', role: 'prefecture_admin' }),
  });
  expect('auditor: the API refuses a forged change (403 denied)', forged.status === 403 && forged.body.error.code === 'denied', JSON.stringify(forged));
  const noToken = await api(page, '/api/reports/freeze', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"year":2023,"period":"2023-W27"}' });
  expect('auditor: a change without the CSRF token is refused (403 csrf)', noToken.status === 403 && noToken.body.error.code === 'csrf', JSON.stringify(noToken));
  await page.context().close();
});

// ---- reviewer and finance: their pages ----
await step('reviewer and finance pages', async () => {
  for (const [user, pages] of [['rev', ['review']], ['fin', ['funds']]]) {
    const page = await signIn(user);
    for (const p of pages) await checkPage(page, p, `${p}-as-${user}`);
    await page.context().close();
  }
});

// ---- 县市详情 (begin): one county down to township, village, contractor and technology ----
const digits = (t) => Number(String(t || '').replace(/[^\d]/g, ''));
await step('county detail', async () => {
  const page = await signIn('admin');
  await open(page, `overview?${YEAR_DAY}`);
  await page.click('table.overview tbody th a:has-text("昌吉市")');
  await page.waitForSelector('#county-panel table');
  await until(page, () => !document.querySelector('#main[aria-busy]'));
  const hash = await page.evaluate(() => decodeURIComponent(location.hash));
  expect('county: the overview leads to the county page of the same day', hash.startsWith('#/county/昌吉市') && hash.includes('as_of=2023-07-16'), hash);
  const h1 = await page.textContent('#main h1');
  expect('county: the page is the county\'s', h1.includes('昌吉市') && h1.includes('县市详情'), h1);
  const cards = await page.$$eval('ul.kpis li', (l) => l.length);
  expect('county: the headline figures as on the overview', cards >= 5 && !!(await page.$('p.headline .badge')), `${cards} cards`);
  const caption = await page.textContent('#county-panel caption');
  expect('county: the township table first', caption.includes('按乡镇'), caption);
  const totalName = await page.textContent('#county-panel tr.total th');
  const totalStarted = await page.textContent('#county-panel tr.total td:nth-of-type(2) .stage span');
  const disp = await api(page, '/api/reports/dispatch?year=2023&as_of=2023-07-16');
  const cj = disp.body.tables[0].rows.find((r) => r.county === '昌吉市');
  expect('county: its total is the dispatch\'s row', totalName === '昌吉市合计' && digits(totalStarted) === cj.started_n, `${totalName} ${totalStarted} / ${cj.started_n}`);
  const towns = await page.$$eval('#county-panel tbody tr:not(.total) th a', (a) => a.map((x) => x.firstChild.textContent));
  expect('county: a row per township, each a link to its villages', towns.length >= 2, towns.join(','));
  await page.waitForSelector('body[data-charts=drawn]', { timeout: 15000 });
  const fig = await page.textContent('.chart-card figcaption');
  expect('county: its progress chart', fig.includes('昌吉市'), fig);
  await accessible(page, 'county');
  await shot(page, 'county');

  await page.click('[role=tab]:has-text("按施工单位")');
  await until(page, () => document.querySelector('#county-panel caption')?.textContent.includes('按施工单位'));
  const head = await page.$$eval('#county-panel thead th', (t) => t.map((x) => x.textContent));
  const selected = await page.getAttribute('[role=tab][aria-selected=true]', 'id');
  expect('county: by contractor', head[0] === '施工单位' && selected === 'tab-contractor', `${head.join(',')} ${selected}`);
  const byContractor = await page.textContent('#county-panel tr.total td:nth-of-type(2) .stage span');
  expect('county: by contractor, the same total', digits(byContractor) === cj.started_n, byContractor);
  await accessible(page, 'county-contractor');
  await shot(page, 'county-contractor');

  await page.focus('#tab-contractor');
  await page.keyboard.press('ArrowRight');
  await until(page, () => document.querySelector('#county-panel caption')?.textContent.includes('按技术路线'));
  ok('county: the tabs move with the arrow keys');

  await page.click('[role=tab]:has-text("按乡镇")');
  await until(page, () => document.querySelector('#county-panel caption')?.textContent.includes('按乡镇'));
  await page.click(`#county-panel tbody tr:not(.total) th a >> nth=1`);
  await until(page, () => document.querySelector('#county-panel caption')?.textContent.includes('按村'));
  const chosen = await page.inputValue('#county-panel select[name=township]');
  const rowsTowns = await page.$$eval('#county-panel tbody tr:not(.total) th', (t) => t.map((x) => x.textContent));
  expect('county: a township\'s row leads to its villages only', chosen === towns[1] && rowsTowns.length > 0 && rowsTowns.every((t) => t === towns[1]), `${chosen}: ${rowsTowns.join(',')}`);
  const here = await page.evaluate(() => decodeURIComponent(location.hash));
  expect('county: the address keeps the view', here.includes('by=village') && here.includes(`township=${towns[1]}`), here);
  await accessible(page, 'county-villages');
  await shot(page, 'county-villages');
  expect('county: no CSP violation or script error', page.problems.length === 0, page.problems.join('\n'));

  await page.setViewportSize(PHONE);
  await open(page, `county/${encodeURIComponent('昌吉市')}?${YEAR_DAY}&by=village`);
  await page.waitForSelector('#county-panel table');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect('county: the phone page does not scroll sideways', wide <= PHONE.width + 1, `${wide}px`);
  await shot(page, 'county-phone');
  await page.context().close();
});

await step('county detail as a county operator', async () => {
  const page = await signIn('cj');
  const own = await page.getAttribute('nav#nav a:has-text("昌吉市总览")', 'href');
  expect('county operator: 昌吉市总览 is her county\'s page', decodeURIComponent(own || '') === '#/county/昌吉市', own);
  await page.click('nav#nav a:has-text("昌吉市总览")');
  await page.waitForSelector('#county-panel table');
  const current = await page.getAttribute('nav#nav a:has-text("昌吉市总览")', 'aria-current');
  expect('county operator: the menu marks it', current === 'page', current);
  await open(page, `county/${encodeURIComponent('阜康市')}?${YEAR_DAY}`);
  const refused = await page.waitForSelector('#main .msg.error');
  const why = await refused.textContent();
  expect('county operator: another county\'s page is refused in Chinese', why.includes('无权查看阜康市的县市详情') && why.includes('昌吉市') && !(await page.$('#county-panel')) && !(await page.$('ul.kpis')), why);
  await accessible(page, 'county-other-refused');
  await shot(page, 'county-other-refused');
  await page.context().close();
});
// ---- 县市详情 (end) ----

// ---- the review cycle and the money (scenario in test_web.sh: 玛纳斯县) ----
const MANAS = '玛纳斯县';

/** An API answer as the prefecture admin, from a context of its own. */
async function asAdmin(path) {
  const c = await browser.newContext();
  const p = await c.newPage();
  await p.goto(`${base}/`);
  await p.evaluate(async (totp) => fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: 'admin-password-1', totp }) }), nextCode('admin'));
  const r = await api(p, path);
  await c.close();
  return r;
}

/** The rows of the table under heading ID as objects keyed by column label. */
async function tableRows(page, id) {
  return page.$$eval(`section[aria-labelledby=${id}] table`, (ts) => {
    const t = ts[0];
    if (!t) return [];
    const heads = [...t.querySelectorAll('thead th')].map((x) => x.textContent);
    return [...t.querySelectorAll('tbody tr')].map((tr) => Object.fromEntries([...tr.children].map((c, i) => [heads[i], c.textContent])));
  });
}

/** Both viewports of the page as it is: axe, and a screenshot each. */
async function bothSizes(page, name) {
  await accessible(page, name);
  await shot(page, name);
  await page.setViewportSize(PHONE);
  await shot(page, `${name}-phone`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(`${name}: no sideways scrolling on a phone`, wide <= PHONE.width, `page is ${wide}px wide`);
  await accessible(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  expect(`${name}: no CSP violation or script error`, page.problems.length === 0, page.problems.join('\n'));
  page.problems.length = 0;
}

await step('reviewer journey', async () => {
  const apps = (await asAdmin('/api/reviews')).body.tables[0].rows;
  const mine = apps.find((r) => r.reviewer === 'rev' && r.county === MANAS && r.status === '复核中');
  const other = apps.find((r) => r.reviewer === 'rev2');
  expect('scenario: an application for rev and one for rev2', mine && other, JSON.stringify(apps));
  const page = await signIn('rev');
  await checkPage(page, 'review', 'review-as-reviewer');
  const listed = (await tableRows(page, 'h-apps')).map((r) => r['申请编号']);
  expect('reviewer: sees his application and not rev2\'s', listed.includes(mine.number) && !listed.includes(other.number), listed.join(','));
  expect('reviewer: no form to apply or assign', !(await page.$('form[aria-labelledby=h-apply]')) && !(await page.$('form[aria-labelledby=h-assign]')));
  await page.click(`button[aria-label="查看 ${mine.number} 的抽样"]`);
  await page.waitForSelector('section.sample table');
  const F = 'form[aria-labelledby=h-result]';
  const pending = () => page.$$eval(`${F} select[name=household] option`, (o) => o.map((x) => x.value));
  const left = await pending();
  expect('reviewer: the result form offers the sampled households without a result (two)', left.length === 2, left.join(','));
  await bothSizes(page, 'review-sample');
  const [first, second] = left;
  // a pass for the first, with its photo (a pass needs evidence)
  await page.selectOption(`${F} select[name=household]`, first);
  await page.fill(`${F} input[name=date]`, '2023-08-02');
  await page.setInputFiles(`${F} input[name=evidence]`, { name: '复核照片.png', mimeType: 'image/png', buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64') });
  await page.click(`${F} button[type=submit]`);
  await until(page, (s) => document.querySelectorAll(`${s} select[name=household] option`).length === 1, F);
  ok('reviewer: a pass is saved and the household leaves the form');
  // a fail without a note: refused in Chinese beside the form
  await page.selectOption(`${F} select[name=result]`, 'fail');
  await page.fill(`${F} input[name=date]`, '2023-08-02');
  await page.click(`${F} button[type=submit]`);
  const err = await (await page.waitForSelector(`${F} .msg.error`)).textContent();
  expect('reviewer: a fail without a note is refused beside the form, in Chinese', err.includes('备注') && /[\u4e00-\u9fff]/.test(err), err);
  await shot(page, 'review-fail-without-note');
  await page.fill(`${F} input[name=note]`, '原燃煤炉具未拆除');
  await page.click(`${F} button[type=submit]`);
  await until(page, (s) => !document.querySelector(s), F);
  const done = await page.textContent('section.sample .msg.ok');
  expect('reviewer: the application is complete once every sampled result is in', done.includes('已完成'), done);
  const results = await tableRows(page, 'h-sample');
  expect('reviewer: the sample shows the pass and the fail', results.find((r) => r['户编号'] === first)?.['复核结果'] === '合格' && results.find((r) => r['户编号'] === second)?.['复核结果'] === '不合格', JSON.stringify(results).slice(0, 300));
  const orders = await tableRows(page, 'h-rect');
  const order = orders.find((r) => r['户编号'] === second);
  expect('reviewer: the fail opened a rectification order, on the page', order && order['来源'] === '复核' && order['问题'].includes('原燃煤炉具未拆除'), JSON.stringify(orders).slice(0, 300));
  expect('reviewer: its deadline is past, in red', order && order['整改期限'] === '2023年8月17日（逾期）' && !!(await page.$('section[aria-labelledby=h-rect] .overdue')), order && order['整改期限']);
  expect('reviewer: no form to close the order', !(await page.$('form[aria-labelledby=h-close]')));
  await bothSizes(page, 'review-rectification');
  // rev2's application: no result form, and the API refuses a forged result
  await open(page, `review?app=${encodeURIComponent(other.number)}`);
  const refused = await (await page.waitForSelector('section.sample .msg.error')).textContent();
  expect("reviewer: rev2's sample is not shown to rev, and says why", refused.includes('无权'), refused);
  expect("reviewer: no result form on rev2's application", !(await page.$(F)));
  const hh = (await asAdmin(`/api/reviews/sample?application=${encodeURIComponent(other.number)}`)).body.tables[0].rows.find((r) => /^第/.test(r.sample)).hh_no;
  const session = await api(page, '/api/session');
  const forged = await api(page, '/api/reviews/result', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.body.csrf_token },
    body: JSON.stringify({ application: other.number, household: hh, result: 'pass', date: '2023-08-02' }),
  });
  expect("reviewer: the API refuses a result forged on rev2's application (403)", forged.status === 403 && forged.body.error.code === 'denied', JSON.stringify(forged));
  const still = (await asAdmin(`/api/reviews/sample?application=${encodeURIComponent(other.number)}`)).body.tables[0].rows.find((r) => r.hh_no === hh);
  expect('reviewer: the refused result changed nothing', still.result === '', JSON.stringify(still));
  await shot(page, 'review-other-reviewer');
  await page.context().close();
});

await step('admin review journey', async () => {
  const page = await signIn('admin');
  await checkPage(page, 'review', 'review-as-admin');
  // a change after review, approved from the table
  const changed = (await tableRows(page, 'h-changes'))[0];
  expect('admin: a household changed after its review waits for approval', changed && changed['暂停类别'] === '核定后变更待审批' && changed['原因'].includes('总投资'), JSON.stringify(changed));
  if (changed) {
    await page.click(`button[aria-label="审批 ${changed['户编号']} 的变更"]`);
    await page.fill('form[aria-labelledby=h-approve] input[name=note]', '同意：投资增加有发票');
    await page.fill('form[aria-labelledby=h-approve] input[name=date]', '2023-08-10');
    await page.click('form[aria-labelledby=h-approve] button[type=submit]');
    const done = await (await page.waitForSelector('section[aria-labelledby=h-changes] .msg.ok')).textContent();
    expect('admin: the change approved, payment resumes', done.includes('已审批') && done.includes(changed['户编号']), done);
    expect('admin: nothing left to approve', (await tableRows(page, 'h-changes')).length === 0);
  }
  const list = await api(page, `/api/households?county=${encodeURIComponent(MANAS)}&limit=2000`);
  const ready = list.body.tables[0].rows.filter((r) => r.status === '自验合格').map((r) => r.hh_no);
  expect('scenario: self-inspected households of 玛纳斯县 not applied for', ready.length >= 3, `${ready.length}`);
  // apply through the form, for three households named one a line
  await page.selectOption('form[aria-labelledby=h-apply] select[name=county]', MANAS);
  await page.fill('form[aria-labelledby=h-apply] input[name=date]', '2023-07-30');
  await page.check('#apply-list');
  await page.fill('form[aria-labelledby=h-apply] textarea', ready.slice(0, 3).join('\n'));
  await page.click('form[aria-labelledby=h-apply] button[type=submit]');
  const applied = await (await page.waitForSelector('form[aria-labelledby=h-apply] .msg.ok')).textContent();
  const number = (/复核-\d+-\d+-\d+/.exec(applied) || [])[0];
  expect('admin: an application through the form', !!number, applied);
  await until(page, (n) => [...document.querySelectorAll('section[aria-labelledby=h-apps] tbody th')].some((x) => x.textContent === n), number);
  let row = (await tableRows(page, 'h-apps')).find((r) => r['申请编号'] === number);
  expect('admin: the new application waits to be assigned, three households', row['状态'] === '待分配' && row['户数'] === '3', JSON.stringify(row));
  await shot(page, 'review-applied');
  // assign it through the form
  await page.selectOption('form[aria-labelledby=h-assign] select[name=application]', number);
  await page.fill('form[aria-labelledby=h-assign] input[name=unit]', '州住建局');
  await page.selectOption('form[aria-labelledby=h-assign] select[name=reviewer]', 'rev');
  await page.fill('form[aria-labelledby=h-assign] input[name=seed]', '福彩3D-2023285-917');
  await page.click('form[aria-labelledby=h-assign] button[type=submit]');
  await until(page, (n) => document.querySelector('#h-sample')?.textContent.includes(n), number);
  const said = await page.textContent('form[aria-labelledby=h-assign] .msg.ok');
  expect('admin: the assignment is confirmed beside its form', said.includes(number) && said.includes('州住建局'), said);
  row = (await tableRows(page, 'h-apps')).find((r) => r['申请编号'] === number);
  expect('admin: assigned to rev, the sample drawn', row['状态'] === '复核中' && row['复核人'] === 'rev' && Number(row['抽样']) > 0, JSON.stringify(row));
  const audit = await api(page, '/api/audit/log?object=review&limit=5');
  expect('admin: the assignment is audited with its seed', JSON.stringify(audit.body).includes('福彩3D-2023285-917'), JSON.stringify(audit.body).slice(0, 300));
  await page.click('section.sample button:has-text("核验抽样")');
  const verified = await (await page.waitForSelector('section.sample .msg.ok')).textContent();
  expect('admin: the sample verified against its seed', verified.includes('一致'), verified);
  await bothSizes(page, 'review-assigned');
  // close the order the reviewer's fail opened
  const before = await tableRows(page, 'h-rect');
  const order = before.find((r) => r['来源'] === '复核');
  expect('admin: the review\'s rectification order is open', !!order, JSON.stringify(before).slice(0, 300));
  if (order) {
    const f = 'form[aria-labelledby=h-close]';
    await page.click(`button[aria-label="关闭整改单 ${order['整改单号']}"]`);
    expect('admin: 关闭 on the row chooses the order in the form', await page.inputValue(`${f} select[name=order]`) === order['整改单号']);
    await page.fill(`${f} input[name=date]`, '2023-08-20');
    await page.fill(`${f} input[name=note]`, '已拆除原燃煤炉具');
    await page.click(`${f} button[type=submit]`);
    await until(page, (id) => ![...document.querySelectorAll('section[aria-labelledby=h-rect] tbody th')].some((x) => x.textContent === id), order['整改单号']);
    const closed = await page.textContent('section[aria-labelledby=h-rect] .msg.ok');
    expect('admin: the order is closed and leaves the open list', closed.includes(order['整改单号']), closed);
  }
  // a follow-up visit from the due list
  const due = (await tableRows(page, 'h-due'))[0];
  await page.click(`button[aria-label="记录 ${due['户编号']} 的回访"]`);
  expect('admin: the visit form is filled from the due list', await page.inputValue('#visit-form input[name=household]') === due['户编号']);
  await page.fill('#visit-form input[name=visitor]', '李干部');
  await page.selectOption('#visit-form select[name=coal]', 'yes');
  await page.selectOption('#visit-form select[name=satisfaction]', '3');
  await page.click('#visit-form button[type=submit]');
  const visited = await (await page.waitForSelector('#visit-form .msg.ok')).textContent();
  expect('admin: the visit is recorded, 返煤 opens an order', visited.includes('已记录回访') && visited.includes('整改单'), visited);
  await until(page, (hh) => [...document.querySelectorAll('section[aria-labelledby=h-rect] tbody tr')].some((tr) => tr.textContent.includes(hh) && tr.textContent.includes('回访')), due['户编号']);
  ok('admin: the visit\'s order is listed');
  await bothSizes(page, 'review-followup');
  await page.context().close();

  // the county operator applies for her county only; nothing to apply is said in Chinese
  const cj = await signIn('cj');
  await open(cj, 'review');
  expect('county operator: the apply form, for 昌吉市 only', await cj.inputValue('form[aria-labelledby=h-apply] input[name=county]') === '昌吉市');
  expect('county operator: no form to assign', !(await cj.$('form[aria-labelledby=h-assign]')));
  await cj.click('form[aria-labelledby=h-apply] button[type=submit]');
  const none = await (await cj.waitForSelector('form[aria-labelledby=h-apply] .msg.error')).textContent();
  expect('county operator: applying with nothing self-inspected is refused in Chinese', none.includes('没有可申请复核的农户'), none);
  await accessible(cj, 'review-as-county');
  await shot(cj, 'review-as-county');
  await cj.context().close();
});

await step('finance journey', async () => {
  const page = await signIn('fin');
  await checkPage(page, 'funds?year=2023&as_of=2023-12-31', 'funds-as-finance');
  const received = async () => (await tableRows(page, 'h-funds')).find((r) => r['县(市)'] === MANAS && r['资金来源'] === '中央资金')?.['到位(元)'];
  expect('finance: 玛纳斯县 has received its central funds', await received() === '200,000.00', await received());
  // 拨付 through the form
  await page.selectOption('form[aria-labelledby=h-appr] select[name=source]', 'central');
  await page.fill('form[aria-labelledby=h-appr] input[name=amount]', '10000');
  await page.fill('form[aria-labelledby=h-appr] input[name=date]', '2023-06-10');
  await page.fill('form[aria-labelledby=h-appr] input[name=key]', 'WEB-J-1');
  await page.selectOption('form[aria-labelledby=h-appr] select[name=to]', MANAS);
  await page.click('form[aria-labelledby=h-appr] button[type=submit]');
  const appr = await (await page.waitForSelector('form[aria-labelledby=h-appr] .msg')).textContent();
  expect('finance: an allocation to 玛纳斯县 through the form', appr.includes('已拨付'), appr);
  for (let i = 0; i < 50 && (await received()) !== '210,000.00'; i++) await page.waitForTimeout(100);
  expect('finance: the county account shows it', await received() === '210,000.00', await received());
  // reserve
  await page.selectOption('form[aria-labelledby=h-reserve] select[name=county]', MANAS);
  await page.fill('form[aria-labelledby=h-reserve] input[name=date]', '2023-10-25');
  await page.click('form[aria-labelledby=h-reserve] button[type=submit]');
  const res = await (await page.waitForSelector('form[aria-labelledby=h-reserve] .msg')).textContent();
  const reserved = Number((/已为 (\d+) 户预留/.exec(res) || [])[1]);
  expect("finance: the county's payable households reserved", reserved >= 8, res);
  // the public notice (公示): 5 working days from 25 October, with its A4 sheet
  await page.selectOption('form[aria-labelledby=h-notice] select[name=county]', MANAS);
  await page.fill('form[aria-labelledby=h-notice] input[name=date]', '2023-10-25');
  await page.click('form[aria-labelledby=h-notice] button[type=submit]');
  const pub = await (await page.waitForSelector('form[aria-labelledby=h-notice] .msg')).textContent();
  const [, notice, listed] = /公示 (公示-\d+-2023-\d+)：(\d+) 户/.exec(pub) || [];
  expect('finance: the notice lists every reserved household', Number(listed) === reserved && pub.includes('2023年10月25日至2023年10月31日'), pub);
  const sheet = await page.waitForSelector('form[aria-labelledby=h-notice] a[download]');
  const xlsx = await page.evaluate(async (u) => { const r = await fetch(u); const a = new Uint8Array(await r.arrayBuffer()); return String.fromCharCode(a[0], a[1]); }, await sheet.getAttribute('href'));
  expect('finance: the notice sheet is offered as an XLSX', xlsx === 'PK' && (await sheet.getAttribute('download')) === '公示表.xlsx', xlsx);
  await until(page, (n) => [...document.querySelectorAll('section[aria-labelledby=h-notices] tbody th')].some((x) => x.textContent === n), notice);
  ok('finance: the notice is listed');
  // an anonymous objection, then dismissed: the household is paid all the same
  const shown = await api(page, `/api/notices/show?notice=${encodeURIComponent(notice)}`);
  const objected = shown.body.tables[0].rows[0].hh_no;
  await page.fill('form[aria-labelledby=h-object] input[name=notice]', notice);
  await page.fill('form[aria-labelledby=h-object] input[name=household]', objected);
  await page.fill('form[aria-labelledby=h-object] input[name=date]', '2023-10-26');
  await page.fill('form[aria-labelledby=h-object] input[name=reason]', '未见施工');
  await page.click('form[aria-labelledby=h-object] button[type=submit]');
  const obj = await (await page.waitForSelector('form[aria-labelledby=h-object] .msg')).textContent();
  expect('finance: an anonymous objection recorded', obj.includes('已登记异议'), obj);
  const resolveButton = await page.waitForSelector('section[aria-labelledby=h-objections] button[aria-label^="处理异议"]');
  await resolveButton.click();
  await page.fill('form[aria-labelledby=h-resolve] input[name=note]', '核实：已施工，有照片');
  await page.fill('form[aria-labelledby=h-resolve] input[name=date]', '2023-10-27');
  await page.click('form[aria-labelledby=h-resolve] button[type=submit]');
  await until(page, () => [...document.querySelectorAll('section[aria-labelledby=h-objections] tbody td')].some((x) => x.textContent === '异议不成立'));
  ok('finance: the objection is dismissed through the form');
  await bothSizes(page, 'funds-notice');
  // a payment batch with its bank file as CSV
  await page.selectOption('form[aria-labelledby=h-pay] select[name=county]', MANAS);
  await page.fill('form[aria-labelledby=h-pay] input[name=date]', '2023-11-01');
  await page.selectOption('form[aria-labelledby=h-pay] select[name=format]', 'csv');
  await page.click('form[aria-labelledby=h-pay] button[type=submit]');
  const paid = await (await page.waitForSelector('form[aria-labelledby=h-pay] .msg.ok')).textContent();
  const [, batch, count] = /发放批次 (\d+)：(\d+) 户/.exec(paid) || [];
  expect('finance: a payment batch for every reserved household', Number(count) === reserved, paid);
  const link = await page.waitForSelector('form[aria-labelledby=h-pay] a[download]');
  expect('finance: the bank file is offered under a Chinese name', (await link.getAttribute('download')) === `发放批次${batch}-银行文件.csv`, await link.getAttribute('download'));
  const csv = await page.evaluate(async (u) => { const r = await fetch(u); return { type: r.headers.get('Content-Type'), text: await r.text() }; }, await link.getAttribute('href'));
  const lines = csv.text.replace(/^\ufeff/, '').trim().split(/\r?\n/);
  expect('finance: the bank file is a CSV with a row per payment', csv.type.startsWith('text/csv') && lines[0].startsWith('流水号,批次号,县市,户编号') && lines.length === Number(count) + 1, `${csv.type} ${lines.length} lines: ${lines[0]}`);
  await shot(page, 'funds-paid');
  // the bank's return: every row paid but the last, which failed
  const rows = lines.slice(1).map((l) => l.split(','));
  const ret = ['流水号,金额,状态,日期,原因', ...rows.map((f, i) => (i === rows.length - 1 ? `${f[0]},${f[7]},失败,2023-11-05,账户已销户` : `${f[0]},${f[7]},成功,2023-11-05,`))];
  await page.setInputFiles('form[aria-labelledby=h-ret] input[name=file]', { name: '银行回单.csv', mimeType: 'text/csv', buffer: Buffer.from(`\ufeff${ret.join('\r\n')}\r\n`) });
  await page.click('form[aria-labelledby=h-ret] button[type=submit]');
  const rec = await (await page.waitForSelector('form[aria-labelledby=h-ret] .msg')).textContent();
  expect('finance: the return applied, all paid but one failed', rec.includes(`入账成功 ${rows.length - 1} 笔`) && rec.includes('失败退回 1 笔'), rec);
  let b = null;
  for (let i = 0; i < 50; i++) {
    b = (await tableRows(page, 'h-batches')).find((r) => r['批次'] === batch);
    if (b && b['已到账'] === String(rows.length - 1)) break;
    await page.waitForTimeout(100);
  }
  expect("finance: the batch's paid and failed counts", b && b['已到账'] === String(rows.length - 1) && b['失败'] === '1' && b['待银行回执'] === '0', JSON.stringify(b));
  const hh = (await tableRows(page, 'h-hh')).find((r) => r['县(市)'] === MANAS);
  expect('finance: the failed payment is reversed, to be paid again', hh && hh['待发放'] === '1' && hh['已足额发放'] === String(rows.length - 1) && hh['银行处理中'] === '0', JSON.stringify(hh));
  // the batch's bank file again, as XLSX
  await page.click(`button[aria-label="重新生成批次 ${batch} 的银行文件"]`);
  const again = await page.waitForSelector(`section[aria-labelledby=h-batches] a[download="发放批次${batch}-银行文件.xlsx"]`);
  const zip = await page.evaluate(async (u) => { const r = await fetch(u); const a = new Uint8Array(await r.arrayBuffer()); return { n: a.length, head: String.fromCharCode(a[0], a[1], a[2], a[3]) }; }, await again.getAttribute('href'));
  expect('finance: the bank file again, as an XLSX (a zip)', zip.head === 'PK\u0003\u0004' && zip.n > 1000, JSON.stringify(zip));
  await bothSizes(page, 'funds-reconciled');
  // 追回: a claim against a household the bank paid, and the money back from the table
  const claimed = rows[0][3];
  await page.selectOption('form[aria-labelledby=h-recover] select[name=county]', MANAS);
  await page.fill('form[aria-labelledby=h-recover] input[name=household]', claimed);
  await page.fill('form[aria-labelledby=h-recover] input[name=amount]', '100');
  await page.fill('form[aria-labelledby=h-recover] input[name=reason]', '设备已拆除');
  await page.fill('form[aria-labelledby=h-recover] input[name=date]', '2023-11-20');
  await page.click('form[aria-labelledby=h-recover] button[type=submit]');
  const claim = await (await page.waitForSelector('form[aria-labelledby=h-recover] .msg')).textContent();
  expect('finance: a recovery claim recorded', claim.includes('已登记追回') && claim.includes('100.00'), claim);
  const back = await page.waitForSelector('section[aria-labelledby=h-recoveries] button[aria-label^="登记追回"]');
  await back.click();
  expect('finance: 到账 on the row fills the amount still owed', await page.inputValue('form[aria-labelledby=h-recovered] input[name=amount]') === '100.00');
  await page.fill('form[aria-labelledby=h-recovered] input[name=date]', '2023-11-25');
  await page.click('form[aria-labelledby=h-recovered] button[type=submit]');
  let owed = null;
  for (let i = 0; i < 50; i++) {
    owed = (await tableRows(page, 'h-recoveries')).find((r) => r['户编号'] === claimed);
    if (owed && owed['待追回(元)'] === '0.00') break;
    await page.waitForTimeout(100);
  }
  expect('finance: the money is back, nothing owed', owed && owed['已追回(元)'] === '100.00' && owed['待追回(元)'] === '0.00', JSON.stringify(owed));
  await bothSizes(page, 'funds-recovered');
  await page.context().close();
});

// ---- the second factor: a wrong code, and enrolling on the 二次验证 page ----
await step('second factor', async () => {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) page.problems.push(m.text());
  });
  await page.goto(`${base}/`);
  await page.fill('#main input[name=user]', 'admin');
  await page.fill('#main input[name=password]', 'admin-password-1');
  await page.click('#main button[type=submit]');
  await page.waitForSelector('#main input[name=totp]', { state: 'visible' });
  const asked = await page.textContent('#main .msg.error');
  expect('login: an account with a second factor is asked for its code', asked.includes('6 位动态验证码'), asked);
  await accessible(page, 'login-code');
  await page.fill('#main input[name=totp]', '000000');
  await page.click('#main button[type=submit]');
  await until(page, () => ((document.querySelector('#main .msg.error') || {}).textContent || '').includes('不正确'));
  expect('login: a wrong code is told in Chinese', (await page.textContent('#main .msg.error')).includes('动态验证码不正确'));
  await shot(page, 'login-code');
  await context.close();

  // fin2 (finance, no second factor yet) may only enrol
  const p = await signIn('fin2');
  expect('enrol: a required role without a factor lands on 二次验证', p.url().endsWith('#/totp'), p.url());
  const menu = await p.$$eval('nav#nav a', (as) => as.map((a) => a.textContent));
  expect('enrol: the menu offers nothing else', menu.length === 1 && menu[0] === '二次验证', menu.join(','));
  await accessible(p, 'totp-start');
  await p.click('#main button:has-text("开始绑定")');
  await p.waitForSelector('#main figure.qr svg path');
  const secret = (await p.textContent('#main code.secret')).trim();
  expect('enrol: the QR code is shown as an image with the secret as text', /^[A-Z2-7]{32}$/.test(secret), secret);
  await accessible(p, 'totp-scan');
  await bothSizes(p, 'totp-scan');
  await p.fill('#main input[name=code]', totpAt(secret, Math.floor(Date.now() / 30000)));
  await p.click('#main button:has-text("确认绑定")');
  await p.waitForSelector('#main ul.recovery');
  const codes = await p.$$eval('#main ul.recovery li', (li) => li.map((x) => x.textContent));
  expect('enrol: ten recovery codes are shown once', codes.length === 10 && codes.every((c) => /^[A-Z0-9]{5}-[A-Z0-9]{5}$/.test(c)), codes.join(' '));
  await accessible(p, 'totp-recovery');
  await shot(p, 'totp-recovery');
  await p.click('#main button:has-text("已保存，继续")');
  await until(p, () => document.querySelectorAll('nav#nav a').length > 1);
  const after = await p.$$eval('nav#nav a', (as) => as.map((a) => a.textContent));
  expect('enrol: afterwards the role\'s pages are there', after.includes('资金'), after.join(','));
  expect('enrol: no CSP violation or script error', p.problems.length === 0, p.problems.join('\n'));
  await p.context().close();
});

// ---- last, as it locks this address out: repeated failures ----
await step('lock-out', async () => {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  let text = '';
  for (let i = 0; i < 6 && !text.includes('已被暂时锁定'); i++) {
    await page.fill('#main input[name=user]', 'nobody');
    await page.fill('#main input[name=password]', `wrong-${i}`);
    await page.click('#main button[type=submit]');
    await until(page, () => document.querySelector('#main .msg.error') && !document.querySelector('#main button[type=submit]').disabled);
    text = await page.textContent('#main .msg.error');
  }
  expect('login: the lock-out is told after too many failures', text.includes('已被暂时锁定'), text);
  await shot(page, 'login-locked');
  await context.close();
});

await browser.close();
process.exit(failed ? 1 : 0);
