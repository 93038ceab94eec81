// A panic never leaves a frozen or blank page: the panic hook shows a message
// with a working Reset. `?panic-test` makes the app panic on purpose once it
// is mounted (release builds abort after a panic, so this also checks that
// the hook runs before the abort).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, serveDist, openPage } from '../support/harness.mjs';
import { useApp, openApp, waitForReady, metricsColumns, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();

test('a panic shows a message whose Reset returns to the built-in market and the defaults', async () => {
  const { page, context, errors } = await openApp(app);
  const defaults = await metricsColumns(page);
  const source = await page.textContent('#data-source');
  assert.match(source, /^Built-in synthetic market/);
  // Change the saved session, so Reset has something to undo.
  await page.selectOption('#add-preset', { index: 4 });
  await page.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n + 2, defaults.length);
  const changed = await metricsColumns(page);
  assert.equal(changed.length, defaults.length + 1);
  await page.waitForFunction(() => /indexlab\.session/.test(Object.keys(localStorage).join(' ')));
  assertNoConsoleErrors(errors);

  await page.goto(`${app.server.url}?panic-test`);
  await page.waitForSelector('#crash', { timeout: SLOW });
  const message = await page.textContent('#crash');
  assert.match(message, /Something went wrong inside IndexLab/);
  assert.match(message, /deliberate panic requested by \?panic-test/);
  assert.equal(await page.getAttribute('#crash', 'role'), 'alert');
  assert.ok(await page.isVisible('#crash'), 'the message is visible');
  assert.equal(await page.locator('#crash').count(), 1, 'one message, not one per panic');
  // The page behind it is not blank: the restored session is still drawn.
  assert.deepEqual(await metricsColumns(page), changed);
  // The hook ran (its console line), then the module aborted (an uncaught trap).
  assert.ok(
    errors.some((e) => /IndexLab crashed: [\s\S]*deliberate panic/.test(e)),
    `the hook's console line is missing: ${errors.join(' | ')}`,
  );
  await screenshot(page, 'crash-message');

  const reset = page.locator('#crash a#crash-reset');
  assert.equal((await reset.textContent()).trim(), 'Reset');
  errors.length = 0;
  await reset.click();
  await page.waitForFunction(() => !document.querySelector('#crash') && document.querySelector('#metrics-table'), null, {
    timeout: SLOW,
  });
  await waitForReady(page);
  assert.deepEqual(await metricsColumns(page), defaults, 'Reset restores the default comparison');
  assert.match(await page.textContent('#data-source'), /^Built-in synthetic market/);
  // The flag is gone from the address, so a reload keeps what the user does next.
  assert.equal(await page.evaluate(() => location.search), '');
  assert.equal(await page.evaluate(() => location.hash), '');
  await page.reload();
  await waitForReady(page);
  assert.deepEqual(await metricsColumns(page), defaults);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('Reset from a crash works under a sub-path and drops a share link in the address', async () => {
  const sub = await serveDist('/projects/indexlab/');
  after(() => sub.close());
  const { page, context, errors } = await openPage(app.browser, sub.url);
  await waitForReady(page);
  await page.selectOption('#add-preset', { index: 4 });
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const hash = await page.evaluate(() => location.hash);
  await page.goto(`${sub.url}?panic-test${hash}`);
  await page.waitForSelector('#crash', { timeout: SLOW });
  errors.length = 0;
  await page.click('#crash-reset');
  await page.waitForFunction(() => !document.querySelector('#crash'), null, { timeout: SLOW });
  await waitForReady(page);
  assert.equal(await page.evaluate(() => location.pathname), '/projects/indexlab/');
  assert.equal(await page.evaluate(() => location.search + location.hash), '', 'Reset does not re-open the link');
  assert.equal((await metricsColumns(page)).length, 3);
  assertNoConsoleErrors(errors);
  await context.close();
});
