// The metrics table: its CSV download matches what is shown, and clicking a
// metric sorts the strategy columns by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  metricsColumns,
  metricRow,
  parsePercent,
  download,
  parseCsv,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();

test('the metrics CSV holds the table as shown', async () => {
  const { page, context, errors } = await openApp(app);
  const shown = await page.$$eval('#metrics-table tr', (trs) =>
    trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())),
  );
  const { name, body } = await download(page, () => page.click('#metrics-csv'));
  assert.equal(name, 'indexlab-metrics.csv');
  const records = parseCsv(body.toString('utf8')).filter((r) => !(r.length === 1 && r[0] === ''));
  assert.deepEqual(records[0], ['metric', ...shown[0].slice(1)], 'header: metric, then strategy names');
  assert.equal(records.length, shown.length, 'one CSV line per table row');
  for (let i = 1; i < shown.length; i++) {
    // The table shows '–' where a metric does not apply; the CSV leaves the field empty.
    const expected = shown[i].map((c) => (c === '–' ? '' : c));
    assert.deepEqual(records[i], expected, `row ${i} (${shown[i][0]})`);
  }
  assertNoConsoleErrors(errors);
  await context.close();
});

test('clicking a metric sorts the strategies by it, best first', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsColumns(page);
  // A metric whose columns are not already in descending order, so the sort shows.
  const descending = (v) => v.every((x, i) => i === 0 || v[i - 1] >= x);
  let key = null;
  for (const k of ['cagr', 'volatility', 'max_drawdown', 'total_return', 'worst_day', 'best_day']) {
    const v = (await metricRow(page, k)).map(parsePercent);
    if (v.every(Number.isFinite) && !descending(v)) {
      key = k;
      break;
    }
  }
  assert.ok(key, 'every candidate metric is already sorted: pick another default comparison');
  const column = async (name) => {
    const cols = await metricsColumns(page);
    return (await metricRow(page, key))[cols.indexOf(name)];
  };
  const valueOf = {};
  for (const name of before) valueOf[name] = await column(name);

  // The full table is folded under "All metrics" below the key numbers.
  assert.equal(await page.$eval('#all-metrics', (d) => d.open), false, 'the full table starts folded');
  await page.click('#all-metrics > summary');
  await page.click(`#metrics-table tr[data-key="${key}"] th`);
  await page.waitForFunction(
    (b) => {
      const cols = [...document.querySelectorAll('#metrics-table thead th')].slice(1).map((th) => th.textContent.trim());
      return cols.join('|') !== b.join('|');
    },
    before,
    { timeout: SLOW },
  );
  const v = (await metricRow(page, key)).map(parsePercent);
  assert.ok(descending(v), `${key} not in descending order after sorting: ${v}`);
  // Each strategy keeps its own values: the whole column moved.
  const after = await metricsColumns(page);
  assert.deepEqual([...after].sort(), [...before].sort(), 'sorting lost or added a strategy');
  for (const name of after) assert.equal(await column(name), valueOf[name], `${name}'s ${key} changed when sorting`);
  await screenshot(page, `metrics-sorted-by-${key}`);
  assertNoConsoleErrors(errors);
  await context.close();
});
