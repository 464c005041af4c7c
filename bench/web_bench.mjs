// The overview's first load in headless chromium over loopback (run by
// bench/run.sh with the server it started): node web_bench.mjs BASE USER
// PASSWORD HASH RUNS.
//
// Each run is a fresh browser context (an empty cache) that signs in, then
// opens the overview and waits for its charts to be drawn. Printed: the
// requests the overview made, the bytes transferred (compressed) and their
// size once decoded, and the time from navigation to the charts drawn (best
// of RUNS). The anchor, measured in the same run, is the same page's data
// alone: the same API requests fetched by the page, nothing drawn.

import { createRequire } from 'node:module';

// playwright-core as the browser tests install it (tests/web/package.json)
const { chromium } = createRequire(new URL('../tests/web/package.json', import.meta.url))('playwright-core');

const [base, user, password, hash, runsArg] = process.argv.slice(2);
const runs = Number(runsArg) || 5;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--headless'],
});

async function once() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.evaluate(async ([u, p]) => fetch('/api/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: u, password: p }),
  }), [user, password]);
  // a new page in the same context: the session cookie, an empty cache
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const sizes = new Map();
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
  const t0 = Date.now();
  await page.goto(`${base}/#/${hash}`);
  await page.reload();
  await page.waitForSelector('body[data-charts=drawn]', { timeout: 30000 });
  const drawn = Date.now() - t0;
  const res = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => ({ name: r.name, decoded: r.decodedBodySize })));
  const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].decodedBodySize);
  const wire = [...sizes.values()].reduce((a, b) => a + b, 0);
  const decoded = res.reduce((a, r) => a + r.decoded, nav);
  // the anchor: the API requests alone, fetched by the page
  const apis = res.map((r) => r.name).filter((n) => n.includes('/api/'));
  const a0 = Date.now();
  await page.evaluate(async (urls) => Promise.all(urls.map((u) => fetch(u, { cache: 'no-store' }).then((r) => r.text()))), apis);
  const anchor = Date.now() - a0;
  await context.close();
  return { drawn, requests: res.length + 1, wire, decoded, anchor, apis: apis.length };
}

let best = null;
for (let i = 0; i < runs; i++) {
  const r = await once();
  if (!best || r.drawn < best.drawn) best = r;
}
await browser.close();
const kib = (n) => (n / 1024).toFixed(1);
console.log(`  overview, first load (best of ${runs}): ${best.requests} requests (${best.apis} to the API), ` +
  `${kib(best.wire)} KiB transferred, ${kib(best.decoded)} KiB decoded; charts drawn after ${best.drawn} ms (aim < 1000 ms)`);
console.log(`  anchor, the same ${best.apis} API requests alone: ${best.anchor} ms | ratio ${(best.drawn / Math.max(1, best.anchor)).toFixed(1)}`);
