// Controls that keep the user's work: a dial keeps the chosen dates when
// the new market still covers them; a zoomed chart's dates can become the
// comparison's range; Reset can be undone for a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from '../support/harness.mjs';
import { useApp, openApp, metricsColumns, metricsText, setValue, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();

test('a dial keeps the date range; zoomed dates become the range; Reset can be undone', async () => {
  const { page, context, errors } = await openApp(app);
  await setValue(page, '#range-from', '2020-01-01');
  await page.waitForFunction(() => document.querySelector('#metrics-table tr[data-key="start"] td')?.textContent.trim() === '2020-01-01', null, {
    timeout: SLOW,
  });
  await setValue(page, '#dial-volatility', '1.5');
  await page.waitForFunction(() => /1\.50/.test(document.querySelector('.dials')?.textContent), null, { timeout: SLOW });
  assert.equal(await page.inputValue('#range-from'), '2020-01-01', 'the dial reset the dates');

  // Zoom on the growth chart, then make those dates the range.
  const box = await page.locator('#chart-growth').boundingBox();
  const y = box.y + box.height * 0.5;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 4 });
  await page.mouse.move(box.x + box.width * 0.7, y, { steps: 4 });
  await page.mouse.up();
  await page.waitForSelector('#use-zoom', { timeout: SLOW });
  await page.click('#use-zoom');
  await page.waitForSelector('#use-zoom', { state: 'detached', timeout: SLOW });
  const from = await page.inputValue('#range-from');
  const to = await page.inputValue('#range-to');
  assert.ok(from > '2020-01-01' && to < '2023-12-30' && from < to, `range ${from} to ${to}`);
  await page.waitForFunction((f) => document.querySelector('#metrics-table tr[data-key="start"] td')?.textContent.trim() === f, from, {
    timeout: SLOW,
  });

  // Reset, then Undo: the comparison and its dates come back.
  const table = await metricsText(page);
  const cols = await metricsColumns(page);
  await page.click('#reset');
  await page.waitForSelector('#reset-undo', { timeout: SLOW });
  await page.waitForFunction((f) => document.querySelector('#range-from').value !== f, from, { timeout: SLOW });
  await screenshot(page, 'controls-reset-undo');
  await page.click('#undo-reset');
  await page.waitForSelector('#reset-undo', { state: 'detached', timeout: SLOW });
  assert.equal(await page.inputValue('#range-from'), from);
  assert.deepEqual(await metricsColumns(page), cols);
  await page.waitForFunction((t) => {
    const el = document.querySelector('#metrics-table');
    return el && [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') === t;
  }, table, { timeout: SLOW });
  assertNoConsoleErrors(errors);
  await context.close();
});
