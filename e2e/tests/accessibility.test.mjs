// Screen readers and keyboards: results announce their update (aria-live,
// politely), each chart carries a text alternative made of its key numbers,
// and arrow keys move the crosshair whose values are announced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from '../support/harness.mjs';
import { useApp, openApp, setValue, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();

test('key numbers announce a parameter change through a polite live region', { timeout: 180_000 }, async () => {
  const { page, errors } = await openApp(app);
  await page.waitForSelector('#key-numbers .card');
  assert.equal(await page.getAttribute('#key-numbers', 'aria-live'), 'polite');
  const before = await page.textContent('#key-numbers');
  await setValue(page, '#dial-volatility', '1.5');
  await page.waitForFunction((b) => document.querySelector('#key-numbers')?.textContent !== b, before, { timeout: SLOW });
  const after = await page.textContent('#key-numbers');
  assert.notEqual(after, before);
  assert.match(after, /\$[\d,]+/);
  assertNoConsoleErrors(errors);
});

test('charts have text alternatives and a keyboard crosshair', { timeout: 180_000 }, async () => {
  const { page, errors } = await openApp(app);
  await page.waitForSelector('#key-numbers .card');
  const growth = '#chart-growth';
  await page.waitForSelector(growth);
  // The text alternative names each strategy with its final value.
  const altId = await page.getAttribute(growth, 'aria-describedby');
  const alt = await page.textContent(`#${altId}`);
  const names = await page.$$eval('#key-numbers .card h3', (hs) => hs.map((h) => h.textContent.trim()));
  assert.ok(names.length >= 2);
  assert.match(alt, /^Growth of 1 from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\. Final value: /);
  for (const n of names) assert.ok(alt.includes(n), `${n} missing from: ${alt}`);
  const finals = [...alt.matchAll(/ (\d+\.\d\d)(?:;|\.$)/g)].map((m) => Number(m[1]));
  assert.equal(finals.length, names.length, alt);
  // The final growth of 1 agrees with the card's total return (final = 1 + total return).
  const totals = await page.$$eval('#key-numbers .kv[data-key="total_return"] dd', (ds) =>
    ds.map((d) => Number(d.textContent.replace(/[%,★\s]/g, '').replace('−', '-')) / 100));
  finals.forEach((f, i) => assert.ok(Math.abs(f - (1 + totals[i])) <= 0.006 + 0.001 * f, `${f} vs ${totals[i]}`));

  // Keyboard: focus the chart, End puts the crosshair on the last day, arrows move it.
  const day = () => page.$eval(`${growth} ~ .chart-day`, (p) => ({ day: p.dataset.day, text: p.textContent }));
  await page.focus(growth);
  await page.keyboard.press('End');
  await page.waitForFunction((s) => document.querySelector(`${s} ~ .chart-day`)?.dataset.day !== undefined, growth);
  const last = await day();
  assert.match(last.text, /^\d{4}-\d\d-\d\d: /);
  for (const n of names) assert.ok(last.text.includes(n), last.text);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(([s, d]) => document.querySelector(`${s} ~ .chart-day`)?.dataset.day === String(Number(d) - 2), [growth, last.day]);
  const moved = await day();
  assert.notEqual(moved.text.slice(0, 10), last.text.slice(0, 10), 'the date moved');
  assert.equal(await page.getAttribute(`${growth} ~ .chart-day`, 'aria-live'), 'polite');
  await screenshot(page, 'keyboard-crosshair');
  await page.keyboard.press('Escape');
  await page.waitForFunction((s) => document.querySelector(`${s} ~ .chart-day`)?.dataset.day === undefined, growth);
  assertNoConsoleErrors(errors);
});
