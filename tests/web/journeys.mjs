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

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [base, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
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
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}

/** axe-core on the page as it is: no serious or critical violation. */
async function accessible(page, name) {
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
    await p.evaluate(async () => fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: 'admin-password-1' }) }));
    const r = await api(p, '/api/households?county=%E9%98%9C%E5%BA%B7%E5%B8%82&limit=1');
    await c.close();
    return r.body.tables[0].rows[0].hh_no;
  })();
  await open(page, `household/${encodeURIComponent('阜康市')}/${fk}`);
  const refused = await page.waitForSelector('#main .msg.error');
  const why = await refused.textContent();
  expect("scope: another county's household cannot be opened by its address", !(await page.$('dl.record')) && why.includes('不在您的辖区'), why);
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
