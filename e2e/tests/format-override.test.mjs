// Formats are detected from each file's header; the user can force one, and
// the files already picked are read again with the choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { dataDir, screenshot } from '../support/harness.mjs';
import { useApp, openApp, SLOW, assertNoConsoleErrors } from '../support/app.mjs';

const app = useApp();

test('forcing a wrong format gives a clear error; detection loads the file again', async () => {
  const { page, context, errors } = await openApp(app);
  const btc = path.join(dataDir, 'coingecko-exports-19', 'btc-usd-max.csv');
  await page.selectOption('#format-override', { label: 'CoinGecko API JSON' });
  await page.setInputFiles('#file-input', btc);
  await page.waitForSelector('.data-error', { timeout: SLOW });
  const message = await page.textContent('.data-error');
  assert.match(message, /btc-usd-max\.csv/);
  assert.match(await page.textContent('#data-source'), /Built-in synthetic market/, 'the previous data stays');
  await screenshot(page, 'format-override-wrong');

  await page.selectOption('#format-override', 'auto');
  await page.waitForFunction(() => /^1 file\(s\): 1 assets/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  assert.equal(await page.locator('.data-error').count(), 0, 'a successful load clears the error');
  await screenshot(page, 'format-override-detected');
  assertNoConsoleErrors(errors);
  await context.close();
});
