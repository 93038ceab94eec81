// Markup in asset names, file names, strategy names and share links is shown
// as text everywhere, never parsed: tables, the strategy list, the validation
// report, the asset list, the rebalancing log, messages, chart legends and
// the hover readout (drawn on canvas), and the SVG download. The test fails on
// any dialog, any element the payloads would create, any request they would
// make (`<img src=x>` fetches ./x), any CSP violation or console error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { screenshot } from '../support/harness.mjs';
import { useApp, waitForReady, download, setValue, metricsColumns, tempDir, SLOW } from '../support/app.mjs';

const app = useApp();

// The payloads. Asset ids are lowercased and a `/` ends an asset name (a pair
// such as BTC/USD keeps its first part), so the ids shown are as computed here.
const IMG = '<img src=x onerror=alert(1)>';
const SVG = '"><svg onload=alert(3)>';
const SCRIPT_RAW = '"><script>alert(4)</script>';
const SCRIPT = SCRIPT_RAW.slice(0, SCRIPT_RAW.indexOf('/')); // '"><script>alert(4)<'
const GECKO_FILE = `${IMG}-usd-max.csv`; // CoinGecko export naming: the id is the IMG payload
const LONG_FILE = '"><svg onload=alert(2)> long.csv';
const STRATEGY = `"><script>alert(5)</script><img src=x onerror=alert(6)>`;
const BAD_FILE = '<img src=x onerror=alert(7)>.csv';

/** Deterministic daily rows for `days` days from 2021-01-01. */
function series(days, seed) {
  const out = [];
  let p = 10 + seed * 7;
  for (let d = 0; d < days; d++) {
    p *= 1 + 0.03 * Math.sin(d * 0.37 + seed * 1.3) + 0.004 * Math.cos(d * 0.11 * (seed + 1));
    const date = new Date(Date.UTC(2021, 0, 1 + d)).toISOString().slice(0, 10);
    out.push({ date, price: p, cap: p * (1e6 * (seed + 1) ** 2), volume: p * 1e4 });
  }
  return out;
}

const csvField = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function writeFiles(dir) {
  const gecko = ['snapped_at,price,market_cap,total_volume']
    .concat(series(400, 1).map((r) => `${r.date} 00:00:00 UTC,${r.price},${r.cap},${r.volume}`))
    .join('\n');
  const long = ['date,asset,price,market_cap,volume'];
  for (const [i, name] of ['btc', SVG, SCRIPT_RAW].entries()) {
    for (const r of series(400, i + 2)) long.push([r.date, csvField(name), r.price, r.cap, r.volume].join(','));
  }
  const files = { gecko: path.join(dir, GECKO_FILE), long: path.join(dir, LONG_FILE), bad: path.join(dir, BAD_FILE) };
  fs.writeFileSync(files.gecko, gecko + '\n');
  fs.writeFileSync(files.long, long.join('\n') + '\n');
  fs.writeFileSync(files.bad, 'date,price\n2021-01-01,abc\n');
  return files;
}

/** A page that records dialogs, requests, CSP violations and console errors. */
async function openWatched(browser, url) {
  const origin = new URL(url).origin;
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const page = await context.newPage();
  const watch = { dialogs: [], requests: [], errors: [] };
  page.on('dialog', async (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  context.on('request', (r) => watch.requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && watch.errors.push(m.text()));
  page.on('pageerror', (e) => watch.errors.push(String(e)));
  await page.goto(url);
  await waitForReady(page);
  return { context, page, watch };
}

/** Elements or attributes the payloads would have created if parsed as HTML. */
function injected(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (tag === 'img' || tag === 'iframe' || tag === 'object' || tag === 'embed') bad.push(el.outerHTML);
      if (tag === 'svg' && el.hasAttribute('onload')) bad.push(el.outerHTML);
      if (tag === 'script' && !/^\.?\/?boot-[0-9a-f]+\.js$/.test(el.getAttribute('src') || '')) bad.push(el.outerHTML);
      for (const a of el.attributes) if (/^on/i.test(a.name)) bad.push(`${tag}[${a.name}]`);
    }
    return bad;
  });
}

/** Asserts that nothing ran, was created or was fetched by a payload. */
async function assertInert(page, watch, where) {
  assert.deepEqual(await injected(page), [], `${where}: injected markup`);
  assert.deepEqual(watch.dialogs, [], `${where}: a dialog opened`);
  const origin = new URL(page.url()).origin;
  const fetched = watch.requests.filter((u) => !u.startsWith(origin) || /\/x$/.test(new URL(u).pathname));
  assert.deepEqual(fetched, [], `${where}: requests made by a payload`);
  assert.deepEqual(watch.errors, [], `${where}: console errors`);
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()));

/** Moves the mouse across every chart canvas (the hover readout is drawn). */
async function hoverCharts(page) {
  for (const c of await page.locator('canvas.chart-canvas').all()) {
    const box = await c.boundingBox();
    if (!box) continue;
    for (const f of [0.2, 0.5, 0.8]) await page.mouse.move(box.x + box.width * f, box.y + box.height / 2);
  }
  await page.mouse.move(1, 1);
}

test('asset, file and strategy names with markup are shown as text everywhere', async () => {
  const files = writeFiles(tempDir());
  const { context, page, watch } = await openWatched(app.browser, app.server.url);

  // A bad file whose name is markup: the error names it as text.
  await page.setInputFiles('#file-input', files.bad);
  await page.waitForSelector('.data-error', { timeout: SLOW });
  assert.ok((await page.textContent('.data-error span')).startsWith(`Could not load the files: ${BAD_FILE}, line 2`));
  await page.click('.data-error button');

  // A CoinGecko export and a long CSV, both named and filled with markup.
  await page.setInputFiles('#file-input', [files.gecko, files.long]);
  await page.waitForFunction(() => /^2 file\(s\): 4 assets/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  await waitForReady(page);
  const ids = [IMG, SVG, SCRIPT, 'btc'];

  // The validation report: asset ids and file names.
  await page.click('#report summary');
  await page.waitForSelector('#report .report-table tbody tr', { timeout: SLOW });
  const report = await page.$$eval('#report .report-table tbody tr', (trs) =>
    trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]),
  );
  assert.deepEqual(report.map((r) => r[0]).sort(), [...ids].sort());
  assert.deepEqual(
    Object.fromEntries(report),
    { [IMG]: GECKO_FILE, [SVG]: LONG_FILE, [SCRIPT]: LONG_FILE, btc: LONG_FILE },
  );
  // The asset list, and its search with a payload typed in.
  await page.click('details.assets summary');
  assert.deepEqual((await texts(page, '.asset-list li b')).sort(), [...ids].sort());
  await page.fill('details.assets input[type="search"]', '<svg');
  await page.waitForFunction(() => document.querySelectorAll('.asset-list li').length === 1);
  assert.deepEqual(await texts(page, '.asset-list li b'), [SVG]);
  await page.fill('details.assets input[type="search"]', '');

  // A strategy named with markup: the list, the metrics table, the log's picker.
  await page.locator('.strategy-list li.strategy .edit').first().click();
  await setValue(page, '.strategy-list li.strategy:first-child .f-name', STRATEGY);
  await page.waitForFunction((n) => document.querySelector('.strategy-list .strategy-name').textContent === n, STRATEGY);
  assert.equal(await page.getAttribute('.strategy-list li.strategy:first-child .remove', 'aria-label'), `Remove ${STRATEGY}`);
  await page.waitForFunction((n) => document.querySelector('#metrics-table thead th:nth-child(2)').textContent.includes(n), STRATEGY, {
    timeout: SLOW,
  });
  assert.equal((await metricsColumns(page))[0], STRATEGY);

  // The rebalancing log lists trades in the marked-up assets.
  await page.click('#tab-rebalancing-log');
  await page.waitForSelector('#log-table tbody tr', { timeout: SLOW });
  assert.ok((await texts(page, '#log-strategy option')).includes(STRATEGY));
  const logAssets = new Set(await page.$$eval('#log-table tbody tr', (trs) => trs.map((tr) => tr.cells[1].textContent)));
  for (const id of [IMG, SVG, SCRIPT]) assert.ok(logAssets.has(id), `the log has no trade in ${id}: ${[...logAssets]}`);
  await setValue(page, '#log-asset', IMG);
  await page.waitForFunction(
    (id) => [...document.querySelectorAll('#log-table tbody tr')].every((tr) => tr.cells[1].textContent === id),
    IMG,
    { timeout: SLOW },
  );

  // Charts draw the names on canvas (legends, weights, hover readout): no DOM.
  await page.click('#tab-weights');
  await page.waitForSelector('#focus-strategy', { timeout: SLOW });
  assert.ok((await texts(page, '#focus-strategy option')).includes(STRATEGY));
  await hoverCharts(page);
  // The SVG download escapes the legend's text.
  const svg = (await download(page, () => page.click('[data-chart="growth"] .svg-download'))).body.toString();
  assert.ok(svg.includes('&lt;img src=x onerror=alert(6)&gt;'), 'the SVG legend lacks the escaped strategy name');
  assert.doesNotMatch(svg, /<img|<script|onerror=alert\(6\)>/);

  await screenshot(page, 'injection-names');
  await assertInert(page, watch, 'after upload and edits');
  await context.close();
});

test('a share link carrying markup shows it as text, and a hostile fingerprint does not crash', async () => {
  const { context, page, watch } = await openWatched(app.browser, app.server.url);
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const payload = (await page.evaluate(() => location.hash)).slice('#s.v1.'.length);
  const scenario = JSON.parse(zlib.inflateRawSync(Buffer.from(payload, 'base64url')));
  const encode = (sc) => `s.v1.${zlib.deflateRawSync(Buffer.from(JSON.stringify(sc))).toString('base64url')}`;
  const open = async (sc) => {
    await page.evaluate((h) => (location.hash = h), encode(sc));
  };

  // A fingerprint of multi-byte characters and markup (its 12th byte falls
  // inside a character, which once crashed the page) is refused as text.
  const forged = structuredClone(scenario);
  forged.data = { files: { names: [GECKO_FILE], fingerprint: `a${'é'.repeat(6)}<b>x</b>` } };
  await open(forged);
  await page.waitForFunction(() => /not a SHA-256/.test(document.querySelector('#link-notice.error')?.textContent), null, {
    timeout: SLOW,
  });
  await page.click('#link-notice button');

  // Strategy names and uploaded-file names from the link appear as text.
  const named = structuredClone(scenario);
  named.strategies[0].name = IMG;
  named.strategies[1].name = SCRIPT_RAW;
  named.data = { files: { names: [GECKO_FILE, LONG_FILE], fingerprint: 'ab'.repeat(32) } };
  await open(named);
  await page.waitForSelector('#link-notice', { timeout: SLOW });
  const notice = await page.textContent('#link-notice span');
  assert.ok(notice.includes(`(${GECKO_FILE}, ${LONG_FILE})`), notice);
  assert.ok(notice.includes('fingerprint abababababab…'), notice);
  await page.waitForFunction((n) => document.querySelector('.strategy-list .strategy-name')?.textContent === n, IMG, {
    timeout: SLOW,
  });
  // Waiting for the files, the names show as text in the waiting notice too.
  assert.ok((await page.textContent('#waiting-files')).includes(GECKO_FILE));
  // Dismissed: the link's strategies run on the data at hand.
  await page.click('#link-notice button');
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length > 2, null, { timeout: SLOW });
  assert.deepEqual((await metricsColumns(page)).slice(0, 2), [IMG, SCRIPT_RAW]);
  await hoverCharts(page);

  // Markup where the link holds an unknown value: the error quotes it as text.
  const hostile = structuredClone(scenario);
  hostile.strategies[0].weighting = IMG;
  await open(hostile);
  await page.waitForSelector('#link-notice.error', { timeout: SLOW });
  const error = await page.textContent('#link-notice span');
  assert.ok(error.includes(IMG), error);
  assert.deepEqual((await metricsColumns(page)).slice(0, 2), [IMG, SCRIPT_RAW], 'the setup is unchanged');

  // Markup as the link itself (not a link at all).
  await page.evaluate((h) => (location.hash = h), `${SVG}.v1.${IMG}`);
  await page.waitForFunction(() => /not an IndexLab link/.test(document.querySelector('#link-notice')?.textContent), null, {
    timeout: SLOW,
  });

  assert.equal(await page.locator('#crash').count(), 0, 'the page crashed');
  await screenshot(page, 'injection-link');
  await assertInert(page, watch, 'after hostile links');
  await context.close();
});
