// Bundles (scenario + data in one file), the charts-only embed view, and the
// app published under a sub-path.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, dataDir, screenshot } from '../support/harness.mjs';
import { useApp, openApp, SLOW, metricsText, waitForReady, tempDir, assertNoConsoleErrors } from '../support/app.mjs';

const app = useApp();

test('an exported bundle restores the data and the scenario in a fresh page', async () => {
  const { page, context, errors } = await openApp(app);
  const files = ['btc-usd-max.csv', 'eth-usd-max.csv', 'ltc-usd-max.csv'].map((f) =>
    path.join(dataDir, 'coingecko-exports-19', f),
  );
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => /^3 file\(s\)/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  await page.selectOption('#add-preset', { index: 4 });
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 5);
  const table = await metricsText(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-bundle')]);
  assert.match(download.suggestedFilename(), /\.indexlab$/);
  const dir = tempDir();
  const bundle = path.join(dir, download.suggestedFilename());
  await download.saveAs(bundle);
  assert.ok(fs.statSync(bundle).size > 1000, 'the bundle holds the data');
  await context.close();

  const fresh = await openApp(app);
  assert.doesNotMatch(await metricsText(fresh.page), /Top 30/, 'a fresh page starts on the defaults');
  await fresh.page.setInputFiles('#file-input', bundle);
  await fresh.page.waitForFunction(() => /^3 file\(s\)/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  await fresh.page.waitForFunction((t) => {
    const el = document.querySelector('#metrics-table');
    return [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') === t;
  }, table, { timeout: SLOW });
  assert.match(await fresh.page.textContent('#link-notice'), /Same data/);
  await screenshot(fresh.page, 'bundle-restored');
  assertNoConsoleErrors([...errors, ...fresh.errors]);
  await fresh.context.close();
});

test('a damaged bundle is refused with a message and changes nothing', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsText(page);
  const file = path.join(tempDir(), 'broken.indexlab');
  fs.writeFileSync(file, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('.data-error', { timeout: SLOW });
  assert.match(await page.textContent('.data-error'), /broken\.indexlab: this bundle cannot be opened/);
  assert.equal(await metricsText(page), before);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('under a sub-path the app runs and its links reproduce the view; embed shows only charts', async () => {
  const sub = await serveDist('/projects/indexlab/');
  after(() => sub.close());
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sub.url.replace(/\/projects.*$/, '') });
  const errors = [];
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(sub.url);
  await waitForReady(page);
  await page.selectOption('#add-preset', { index: 2 });
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 5);
  const table = await metricsText(page);
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const link = await page.evaluate(() => location.href);
  assert.ok(link.startsWith(sub.url), `the link ${link} keeps the sub-path`);

  const other = await context.newPage();
  other.on('pageerror', (e) => errors.push(String(e)));
  await other.goto(link);
  await waitForReady(other);
  await other.waitForFunction((t) => {
    const el = document.querySelector('#metrics-table');
    return el && [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') === t;
  }, table, { timeout: SLOW });

  // The embed view: the same scenario, charts only, for an iframe.
  await other.click('#embed-link');
  const embed = await other.inputValue('#embed-url');
  assert.ok(embed.startsWith(sub.url) && embed.includes('#s.v1.'), embed);
  const frame = await context.newPage();
  frame.on('pageerror', (e) => errors.push(String(e)));
  await frame.goto(embed);
  await frame.waitForSelector('main.embed #chart-growth', { timeout: SLOW });
  await frame.waitForFunction(() => {
    const c = document.querySelector('#chart-growth');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (Math.abs(d[k] - d[0]) + Math.abs(d[k + 1] - d[1]) > 30) n++;
    return n > 2000;
  }, null, { timeout: SLOW });
  assert.equal(await frame.locator('.side').count(), 0, 'the embed view has no side panel');
  assert.equal(await frame.locator('#metrics-table').count(), 0, 'the embed view has no metrics table');
  await screenshot(frame, 'embed-view');
  await context.close();
  assert.deepEqual(errors, []);
});
