// Share links: "Copy link" puts the whole simulation in the address
// fragment; opening that address in another browser profile reproduces it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  waitForReady,
  metricsColumns,
  metricsText,
  setValue,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();

async function copyLink(page) {
  await page.click('#copy-link');
  await page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  return page.url();
}

test('a copied link reproduces strategies, range, capital and view in a fresh profile', async () => {
  const { page, context, errors } = await openApp(app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
  // A setup unlike the defaults.
  const presets = await page.$$eval('#add-preset option', (os) => os.filter((o) => o.value).map((o) => o.textContent.trim()));
  const pick = presets.find((label) => /capped|cap-weighted with/i.test(label)) ?? presets[presets.length - 1];
  await page.selectOption('#add-preset', { label: pick });
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 5, null, { timeout: SLOW });
  const first = page.locator('.strategy-list li.strategy').first();
  await first.locator('button.edit').click();
  await setValue(page, '.strategy-list li.strategy:first-child .f-fee', '25');
  await setValue(page, '#range-from', '2019-03-01');
  await setValue(page, '#capital', '2500');
  await page.click('#log-scale');
  await page.click('#tab-monthly-returns');
  await page.waitForFunction(
    () => [...document.querySelectorAll('#metrics-table tr[data-key="start"] td')].every((td) => td.textContent.trim() >= '2019-03-01'),
    null,
    { timeout: SLOW },
  );
  const table = await metricsText(page);
  const columns = await metricsColumns(page);

  const url = await copyLink(page);
  assert.match(await page.textContent('#copy-link'), /copied/i);
  assert.ok(url.startsWith(app.server.url), url);
  // The clipboard holds the same address.
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
  // Nothing about the page changed by copying.
  assert.equal(await metricsText(page), table);

  const other = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page2 = await other.newPage();
  const errors2 = [];
  page2.on('pageerror', (e) => errors2.push(String(e)));
  page2.on('console', (m) => m.type() === 'error' && errors2.push(m.text()));
  await page2.goto(url);
  await waitForReady(page2);
  await page2.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n, columns.length + 1, {
    timeout: SLOW,
  });
  assert.deepEqual(await metricsColumns(page2), columns);
  assert.equal(await metricsText(page2), table, 'the link gives other numbers');
  assert.equal(await page2.inputValue('#range-from'), '2019-03-01');
  assert.equal(Number(await page2.inputValue('#capital')), 2500);
  assert.equal(await page2.isChecked('#log-scale'), false);
  assert.equal(await page2.getAttribute('#tab-monthly-returns', 'aria-selected'), 'true');
  assert.equal(await page2.locator('#link-notice').count(), 0, 'a notice for a built-in-market link');
  await screenshot(page2, 'share-link-opened');
  assertNoConsoleErrors(errors2);
  await other.close();
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a damaged link says so and leaves the current setup', async () => {
  const { page, context, errors } = await openApp(app);
  const table = await metricsText(page);
  await page.goto(`${app.server.url}#s.v1.this-is-not-a-link`);
  await page.locator('#link-notice').waitFor({ timeout: SLOW });
  await waitForReady(page);
  const notice = (await page.textContent('#link-notice')).trim();
  assert.match(notice, /unchanged/i, notice);
  assert.match(await page.getAttribute('#link-notice', 'class'), /\berror\b/);
  assert.equal(await metricsText(page), table);
  await screenshot(page, 'share-link-damaged');
  await page.locator('#link-notice').getByRole('button', { name: 'Dismiss' }).click();
  await page.locator('#link-notice').waitFor({ state: 'detached' });
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a link made with uploaded files asks for the same files', async () => {
  const path = await import('node:path');
  const { dataDir } = await import('../support/harness.mjs');
  const files = ['btc-usd-max.csv', 'eth-usd-max.csv', 'sol-usd-max.csv'].map((f) =>
    path.join(dataDir, 'coingecko-exports-19', f),
  );
  const { page, context, errors } = await openApp(app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => /^3 file\(s\)/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  const table = await metricsText(page);
  const url = await copyLink(page);

  const other = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page2 = await other.newPage();
  await page2.goto(url);
  await page2.locator('#link-notice').waitFor({ timeout: SLOW });
  const notice = await page2.textContent('#link-notice');
  for (const f of files.map((f) => path.basename(f))) assert.ok(notice.includes(f), `the notice does not name ${f}: ${notice}`);
  // Loading the same files confirms them and gives the sender's numbers.
  await page2.setInputFiles('#file-input', files);
  await page2.waitForFunction(() => /Same data/.test(document.querySelector('#link-notice')?.textContent || ''), null, {
    timeout: SLOW,
  });
  await page2.waitForFunction((t) => {
    const el = document.querySelector('#metrics-table');
    return el && [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') === t;
  }, table, { timeout: SLOW });
  await screenshot(page2, 'share-link-same-files');
  await other.close();
  assertNoConsoleErrors(errors);
  await context.close();
});

test('without the Clipboard API (plain-http hosting) the copy buttons fail softly', async () => {
  // navigator.clipboard only exists in secure contexts: a copy served over
  // plain http from a LAN address has none. Simulated by hiding it.
  // Failed before main 991a1a3: both buttons threw an uncaught TypeError
  // ("reading 'writeText'").
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true }),
  );
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.server.url);
  await waitForReady(page);
  await page.click('#copy-link');
  // The link still goes to the address bar, where it can be copied by hand.
  await page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  // The button must not claim a copy that did not happen.
  const label = (await page.textContent('#copy-link')).trim();
  assert.doesNotMatch(label, /copied/i, `the button says "${label}" without a clipboard`);
  await page.locator('.metrics .chart-actions button', { hasText: 'Copy' }).click();
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#crash').count(), 0);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('back and forward step through the links copied earlier', async () => {
  const { page, context, errors } = await openApp(app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
  const first = await copyLink(page);
  const three = await metricsColumns(page);
  await page.selectOption('#add-preset', { index: 2 });
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 5, null, {
    timeout: SLOW,
  });
  const second = await copyLink(page);
  assert.notEqual(first, second);
  const four = await metricsColumns(page);
  await page.goBack();
  await page.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n, three.length + 1, {
    timeout: SLOW,
  });
  assert.deepEqual(await metricsColumns(page), three);
  assert.equal(page.url(), first);
  await page.goForward();
  await page.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n, four.length + 1, {
    timeout: SLOW,
  });
  assert.deepEqual(await metricsColumns(page), four);
  await screenshot(page, 'share-link-forward');
  assertNoConsoleErrors(errors);
  await context.close();
});
