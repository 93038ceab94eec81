// Flow 7: the session (strategies, view settings, built-in market dials)
// survives a reload through localStorage; a new visitor starts fresh.
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
const KEY = 'indexlab.session.v1'; // src/services.rs

test('strategies and view settings survive a reload', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsColumns(page);
  const options = await page.$$eval('#add-preset option', (os) =>
    os.filter((o) => o.value !== '').map((o) => ({ value: o.value, label: o.textContent.trim() })),
  );
  const pick = options.find((o) => !before.includes(o.label));
  await page.selectOption('#add-preset', pick.value);
  await page.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n, before.length + 2, {
    timeout: SLOW,
  });
  // Rename the first strategy, switch to a linear scale and the turnover tab.
  const first = page.locator('.strategy-list li.strategy').first();
  await first.locator('button.edit').click();
  await setValue(page, '.strategy-list li.strategy:first-child .f-name', 'My index');
  await page.waitForFunction(() => document.querySelector('#metrics-table thead th:nth-child(2)')?.textContent.includes('My index'), null, {
    timeout: SLOW,
  });
  await page.click('#log-scale');
  await page.click('#tab-turnover');
  await page.waitForSelector('#chart-turnover', { timeout: SLOW });
  // The session is written to localStorage.
  await page.waitForFunction(
    ([key, name]) => (localStorage.getItem(key) || '').includes(name) && (localStorage.getItem(key) || '').includes('My index'),
    [KEY, pick.label],
    { timeout: SLOW },
  );
  const columns = await metricsColumns(page);
  const table = await metricsText(page);

  await page.reload();
  await waitForReady(page);
  assert.deepEqual(await metricsColumns(page), columns);
  assert.equal(await metricsText(page), table, 'the same strategies give the same metrics after a reload');
  assert.deepEqual(
    await page.$$eval('.strategy-list .strategy-name', (els) => els.map((e) => e.textContent.trim())),
    columns,
  );
  assert.equal(await page.isChecked('#log-scale'), false, 'the linear scale was not kept');
  assert.equal(await page.getAttribute('#tab-turnover', 'aria-selected'), 'true', 'the open tab was not kept');
  await screenshot(page, 'session-restored');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('market dials survive a reload; "Reset" goes back to the defaults', async () => {
  const { page, context, errors } = await openApp(app);
  const source = await page.textContent('#data-source');
  await setValue(page, '#dial-seed', '7');
  await page.waitForFunction((s) => document.querySelector('#data-source').textContent !== s, source, { timeout: SLOW });
  const seeded = await page.textContent('#data-source');
  assert.match(seeded, /seed 7\b/);
  await page.waitForFunction((key) => /"seed":7\b/.test(localStorage.getItem(key) || ''), KEY, { timeout: SLOW });

  await page.reload();
  await waitForReady(page);
  assert.equal(await page.textContent('#data-source'), seeded);
  assert.equal(await page.inputValue('#dial-seed'), '7');

  // The header's reset button (no id: found by its label, "Reset" since main 36beb2c, "Reset data" before).
  await page.locator('header.top button', { hasText: /^Reset( data)?$/ }).click();
  await page.waitForFunction((s) => document.querySelector('#data-source').textContent === s, source, { timeout: SLOW });
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a new visitor (fresh browser profile) gets the default comparison', async () => {
  // A first context saves a changed session...
  const first = await openApp(app);
  const cols = await metricsColumns(first.page);
  await first.page.locator('.strategy-list li.strategy button.remove').first().click();
  await first.page.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n, cols.length, {
    timeout: SLOW,
  });
  await first.context.close();
  // ...which a second, separate profile does not see.
  const { page, context, errors } = await openApp(app);
  assert.deepEqual(await metricsColumns(page), cols);
  assertNoConsoleErrors(errors);
  assertNoConsoleErrors(first.errors);
  await context.close();
});

test('with browser storage blocked the page works and says the session is not kept', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // As in school and LMS setups that block storage: reading localStorage throws.
  await context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.server.url);
  await waitForReady(page);
  assert.ok((await metricsColumns(page)).length >= 3, 'the default comparison shows');
  assert.match(await page.textContent('#storage-note'), /blocks storage/);
  // Editing still works.
  await page.locator('.strategy-list li.strategy').first().locator('button.edit').click();
  await setValue(page, '.strategy-list li.strategy:first-child .f-name', 'No storage');
  await page.waitForFunction(() => document.querySelector('#metrics-table thead').textContent.includes('No storage'), null, {
    timeout: SLOW,
  });
  await screenshot(page, 'storage-blocked');
  assert.deepEqual(errors, []);
  await context.close();
});
