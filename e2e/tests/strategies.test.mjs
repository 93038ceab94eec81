// Flow 3: adding, editing and removing strategies changes the comparison;
// an invalid edit is refused with a message and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  metricsColumns,
  metricCell,
  metricsText,
  parsePercent,
  setValue,
  canvasHash,
  waitForCanvasChange,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();

const strategyItems = (page) => page.locator('.strategy-list li.strategy');
const strategyNames = (page) =>
  page.$$eval('.strategy-list .strategy-name', (els) => els.map((e) => e.textContent.trim()));

async function waitForColumnCount(page, n) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('#metrics-table thead th').length === n + 1,
    n,
    { timeout: SLOW },
  );
}

test('adding a preset adds a metrics column and a line', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsColumns(page);
  assert.equal(before.length, 3);
  const growth = await canvasHash(page, '#chart-growth');

  // Pick a preset that is not already compared, by its label.
  const options = await page.$$eval('#add-preset option', (os) =>
    os.filter((o) => o.value !== '').map((o) => ({ value: o.value, label: o.textContent.trim() })),
  );
  assert.ok(options.length >= 4, `only ${options.length} presets offered`);
  const pick = options.find((o) => !before.includes(o.label));
  assert.ok(pick, 'every preset is already compared');
  await page.selectOption('#add-preset', pick.value);

  await waitForColumnCount(page, 4);
  assert.deepEqual(await metricsColumns(page), [...before, pick.label]);
  assert.equal(await strategyItems(page).count(), 4);
  assert.equal((await strategyNames(page))[3], pick.label);
  assert.match(await metricCell(page, 'cagr', pick.label), /%$/);
  // The select goes back to its prompt, ready for another pick.
  assert.equal(await page.inputValue('#add-preset'), '');
  // A fourth line is drawn on the growth chart.
  await waitForCanvasChange(page, '#chart-growth', growth);

  await screenshot(page, 'strategies-added-preset');
  assertNoConsoleErrors(errors);
  await context.close();
});

test("editing a strategy's fee changes its fees and cost drag only", async () => {
  const { page, context, errors } = await openApp(app);
  const first = strategyItems(page).first();
  const name = (await first.locator('.strategy-name').textContent()).trim();
  const others = (await metricsColumns(page)).filter((c) => c !== name);
  const feesBefore = await metricCell(page, 'fees_total', name);
  const dragBefore = await metricCell(page, 'cost_drag', name);
  const othersBefore = [];
  for (const o of others) othersBefore.push(await metricCell(page, 'fees_total', o));

  await first.locator('button.edit').click();
  const fee = first.locator('.strategy-form .f-fee');
  await fee.waitFor();
  assert.equal(await fee.inputValue(), '10', 'presets trade at a 10 bp fee');
  await setValue(page, '.strategy-list li.strategy:first-child .f-fee', '100');
  // The name follows the rules: the fee is now part of it.
  const renamed = `${name}, 100 bp fee`;

  await page.waitForFunction(
    ([name, before]) => {
      const cols = [...document.querySelectorAll('#metrics-table thead th')].slice(1).map((th) => th.textContent.trim());
      const i = cols.indexOf(name);
      const td = document.querySelectorAll('#metrics-table tr[data-key="fees_total"] td')[i];
      return td && td.textContent.trim() !== before;
    },
    [renamed, feesBefore],
    { timeout: SLOW },
  );
  const feesAfter = await metricCell(page, 'fees_total', renamed);
  const dragAfter = await metricCell(page, 'cost_drag', renamed);
  assert.ok(
    parsePercent(feesAfter) > parsePercent(feesBefore),
    `fees went from ${feesBefore} to ${feesAfter} for a 10x fee`,
  );
  assert.notEqual(dragAfter, dragBefore, 'cost drag unchanged');
  assert.ok(
    Math.abs(parsePercent(dragAfter)) > Math.abs(parsePercent(dragBefore)),
    `cost drag went from ${dragBefore} to ${dragAfter} for a 10x fee`,
  );
  // The other strategies are untouched.
  for (const [i, o] of others.entries()) {
    assert.equal(await metricCell(page, 'fees_total', o), othersBefore[i], `fees of "${o}" changed`);
  }
  assert.equal(await fee.inputValue(), '100');
  assert.equal(await page.locator('.form-error').count(), 0);

  await screenshot(page, 'strategies-edited-fee');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('removing a strategy removes its column', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsColumns(page);
  const second = strategyItems(page).nth(1);
  const name = (await second.locator('.strategy-name').textContent()).trim();
  await second.locator('button.remove').click();
  await waitForColumnCount(page, before.length - 1);
  assert.deepEqual(
    await metricsColumns(page),
    before.filter((c) => c !== name),
  );
  assert.equal(await strategyItems(page).count(), before.length - 1);
  assert.ok(!(await strategyNames(page)).includes(name));
  await screenshot(page, 'strategies-removed');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('an invalid top N shows an error and leaves the metrics unchanged', async () => {
  const { page, context, errors } = await openApp(app);
  const table = await metricsText(page);
  const first = strategyItems(page).first();
  await first.locator('button.edit').click();
  await first.locator('.f-top').waitFor();
  const topBefore = await first.locator('.f-top').inputValue();
  assert.equal(topBefore, '100');

  await setValue(page, '.strategy-list li.strategy:first-child .f-top', '0');
  const error = first.locator('.form-error');
  await error.waitFor({ timeout: SLOW });
  const message = (await error.textContent()).trim();
  assert.ok(message.length > 0, 'empty error message');
  assert.match(message, /top|at least 1/i, `error "${message}" does not say what is wrong`);

  // Give a (wrong) recomputation the chance to land before comparing.
  await page.waitForTimeout(500);
  assert.equal(await metricsText(page), table, 'metrics changed after an invalid edit');

  // Fixing the value clears the error.
  await setValue(page, '.strategy-list li.strategy:first-child .f-top', '50');
  await error.waitFor({ state: 'detached', timeout: SLOW });

  await setValue(page, '.strategy-list li.strategy:first-child .f-top', '0');
  await error.waitFor({ timeout: SLOW });
  await screenshot(page, 'strategies-invalid-top-n');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('an invalid top N: the message names the field as labelled and the typed value stays to be fixed', async () => {
  // Known to fail on the current build (see the e2e report): the message is the
  // engine's "top_n must be at least 1" and the field snaps back to 100.
  const { page, context, errors } = await openApp(app);
  const first = strategyItems(page).first();
  await first.locator('button.edit').click();
  await setValue(page, '.strategy-list li.strategy:first-child .f-top', '0');
  await first.locator('.form-error').waitFor({ timeout: SLOW });
  const message = (await first.locator('.form-error').textContent()).trim();
  const shown = await first.locator('.f-top').inputValue();
  const problems = [];
  if (!/\bTop N\b/.test(message)) problems.push(`the message "${message}" does not name the "Top N" field`);
  if (/\b[a-z]+_[a-z_]+\b/.test(message)) problems.push(`the message "${message}" shows an internal identifier`);
  if (shown !== '0') problems.push(`the field shows "${shown}" next to the message, not the typed "0"`);
  assert.deepEqual(problems, []);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('copy duplicates a strategy and move up reorders the columns', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsColumns(page);
  const second = strategyItems(page).nth(1);
  await second.getByRole('button', { name: 'Copy' }).click();
  await waitForColumnCount(page, before.length + 1);
  const copyName = `${before[1]} (copy)`;
  assert.deepEqual(await metricsColumns(page), [...before, copyName]);
  // A copy runs the same strategy: the same numbers.
  assert.equal(await metricCell(page, 'cagr', copyName), await metricCell(page, 'cagr', before[1]));

  await strategyItems(page).nth(1).getByRole('button', { name: 'Move up' }).click();
  await page.waitForFunction(
    (name) => document.querySelector('#metrics-table thead th:nth-child(2)')?.textContent.trim() === name,
    before[1],
    { timeout: SLOW },
  );
  assert.deepEqual(await metricsColumns(page), [before[1], before[0], before[2], copyName]);
  assert.deepEqual(await strategyNames(page), [before[1], before[0], before[2], copyName]);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('at most 8 strategies: adding is then disabled', async () => {
  const { page, context, errors } = await openApp(app);
  for (let n = 4; n <= 8; n++) {
    await page.selectOption('#add-preset', '0');
    await waitForColumnCount(page, n);
  }
  assert.equal(await strategyItems(page).count(), 8);
  assert.equal(await page.isDisabled('#add-preset'), true, 'the preset picker is still enabled at 8');
  assert.match(await page.textContent('#add-preset option[value=""]'), /at most 8/);
  assert.equal(await strategyItems(page).first().getByRole('button', { name: 'Copy' }).isDisabled(), true);
  await screenshot(page, 'strategies-eight');
  // Removing one enables adding again.
  await strategyItems(page).last().locator('button.remove').click();
  await waitForColumnCount(page, 7);
  assert.equal(await page.isDisabled('#add-preset'), false);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('universe rules in the form: exclusions, a minimum volume and a filter on a missing column', async () => {
  const { page, context, errors } = await openApp(app);
  const top10 = strategyItems(page).nth(1);
  const name = (await strategyNames(page))[1];
  await top10.locator('.edit').click();
  // Excluding btc and eth (besides the stablecoins) changes what Top 10 holds.
  const before = await metricCell(page, 'cagr', name);
  await setValue(page, '.strategy-form .f-exclude-list', 'usdt, usdc, btc, eth');
  await page.waitForFunction((b) => {
    const th = [...document.querySelectorAll('#metrics-table thead th')].findIndex((t) => t.textContent.includes('Top 10'));
    return document.querySelector(`#metrics-table tr[data-key="cagr"] td:nth-child(${th + 1})`).textContent.trim() !== b;
  }, before, { timeout: SLOW });
  // A minimum volume nobody reaches leaves the index in cash: no holdings.
  await setValue(page, '.strategy-form .f-minvol', '1e15');
  await page.waitForFunction(
    (n) => {
      const cols = [...document.querySelectorAll('#metrics-table thead th')].map((t) => t.textContent.trim());
      const i = cols.findIndex((c) => c.endsWith(n));
      const cell = document.querySelectorAll('#metrics-table tr[data-key="avg_holdings"] td')[i - 1];
      return cell && cell.textContent.trim() === '0';
    },
    name,
    { timeout: SLOW },
  );
  await setValue(page, '.strategy-form .f-minvol', '');
  // A filter on a column the data lacks: the strategy reports it instead of running.
  await setValue(page, '.strategy-form .f-filter', 'score >= 1');
  await page.waitForFunction(() => /could not run: .*score/.test(document.querySelector('.metrics').textContent), null, {
    timeout: SLOW,
  });
  // A malformed filter is refused in the form.
  await setValue(page, '.strategy-form .f-filter', 'score is high');
  assert.match(await page.textContent('.form-error'), /column >= number/);
  await screenshot(page, 'strategies-universe-rules');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a name follows the rules until the user types one', async () => {
  const { page, context, errors } = await openApp(app);
  const first = strategyItems(page).first();
  await first.locator('button.edit').click();
  const at = (cls) => `.strategy-list li.strategy:first-child ${cls}`;
  await setValue(page, at('.f-top'), '5');
  await page.selectOption(at('.f-weighting'), 'capped');
  await setValue(page, at('.f-maxw'), '20');
  await page.selectOption(at('.f-rebalance'), 'every_n_days');
  await setValue(page, at('.f-everyn'), '14');
  await setValue(page, at('.f-band-abs'), '5');
  const want = 'Top 5, cap-weighted with 20% cap, every 14 days, 5% drift band';
  await page.waitForFunction((w) => document.querySelector('#metrics-table thead').textContent.includes(w), want, {
    timeout: SLOW,
  });
  assert.equal((await first.locator('.strategy-name').textContent()).trim(), want);
  assert.ok((await metricsColumns(page)).includes(want));
  assert.match(await page.textContent('#key-numbers'), new RegExp(want));
  // A typed name stays through later edits.
  await setValue(page, at('.f-name'), 'My five');
  await setValue(page, at('.f-top'), '7');
  await page.waitForFunction(() => document.querySelector('#metrics-table thead').textContent.includes('My five'), null, {
    timeout: SLOW,
  });
  await page.waitForFunction(() => document.querySelector('.strategy-list li.strategy:first-child .f-top').value === '7');
  assert.ok((await metricsColumns(page)).includes('My five'));
  await screenshot(page, 'strategies-named-by-rules');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a cap that cannot add up to 100% is refused in the form words', async () => {
  const { page, context, errors } = await openApp(app);
  const first = strategyItems(page).first();
  await first.locator('button.edit').click();
  const at = (cls) => `.strategy-list li.strategy:first-child ${cls}`;
  assert.equal(await page.getAttribute(at('.f-top'), 'placeholder'), 'all assets');
  await setValue(page, at('.f-top'), '5');
  await page.selectOption(at('.f-weighting'), 'capped');
  const before = await metricsColumns(page);
  await setValue(page, at('.f-maxw'), '10');
  await page.waitForSelector('.form-error', { timeout: SLOW });
  assert.match(await page.textContent('.form-error'), /a 10% cap needs at least 10 members to add up to 100%; Top 5 gives 5/);
  assert.deepEqual(await metricsColumns(page), before, 'nothing changed');
  await screenshot(page, 'strategies-cap-infeasible');
  assertNoConsoleErrors(errors);
  await context.close();
});
