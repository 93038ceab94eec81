// Flow 2: loading the 19 CoinGecko exports replaces the built-in market:
// the data source, the report, the charts and the metrics all follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot, dataDir } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  waitForInk,
  canvasHash,
  waitForCanvasChange,
  metricsColumns,
  metricRow,
  metricsText,
  parsePercent,
  setValue,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();
const exportsDir = path.join(dataDir, 'coingecko-exports-19');
const files = fs
  .readdirSync(exportsDir)
  .filter((f) => f.endsWith('.csv'))
  .sort()
  .map((f) => path.join(exportsDir, f));

test('uploading the 19 CoinGecko exports replaces the built-in market', async () => {
  assert.equal(files.length, 19, `expected 19 CSV files in ${exportsDir}`);
  const { page, context, errors } = await openApp(app);
  const sourceBefore = await page.textContent('#data-source');
  const tableBefore = await metricsText(page);
  const growthBefore = await canvasHash(page, '#chart-growth');
  const drawdownBefore = await canvasHash(page, '#chart-drawdown');
  const columns = await metricsColumns(page);
  assert.equal(await page.locator('#report').count(), 0, 'the built-in market has no file report');

  await page.setInputFiles('#file-input', files);

  await page.waitForFunction(
    (before) => document.querySelector('#data-source')?.textContent !== before,
    sourceBefore,
    { timeout: SLOW },
  );
  const source = await page.textContent('#data-source');
  assert.match(source, /\b19 file\(s\)/, `data source: ${source}`);
  assert.match(source, /\b19 assets\b/, `data source: ${source}`);
  assert.match(source, /\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/, `data source: ${source}`);
  assert.equal(await page.locator('.data-error').count(), 0, 'a data error was shown');

  // The validation report names every asset and file.
  await page.waitForSelector('#report', { timeout: SLOW });
  assert.match(await page.textContent('#report summary'), /Report: 19 assets/);
  await page.click('#report summary');
  // The table is built when the details open (the toggle event comes in a task of its own).
  await page.waitForSelector('#report .report-table tbody tr', { timeout: SLOW });
  const reportRows = await page.$$eval('#report .report-table tbody tr', (trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())),
  );
  assert.equal(reportRows.length, 19);
  const reportFiles = reportRows.map((r) => r[1]).sort();
  assert.deepEqual(reportFiles, files.map((f) => path.basename(f)).sort());
  for (const r of reportRows) assert.ok(Number(r[4]) > 0, `asset ${r[0]} has ${r[4]} rows`);

  // The asset list agrees.
  assert.match(await page.textContent('details.assets summary'), /Assets \(19\)/);

  // The charts are redrawn on the new data and the metrics recomputed.
  await waitForCanvasChange(page, '#chart-growth', growthBefore);
  await waitForCanvasChange(page, '#chart-drawdown', drawdownBefore);
  await waitForInk(page, '#chart-growth', 2000);
  await page.waitForFunction(
    (t) => {
      const el = document.querySelector('#metrics-table');
      return [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') !== t;
    },
    tableBefore,
    { timeout: SLOW },
  );
  assert.deepEqual(await metricsColumns(page), columns, 'every strategy still runs on the real data');
  for (const c of await metricRow(page, 'cagr')) {
    assert.ok(Number.isFinite(parsePercent(c)), `CAGR cell "${c}"`);
  }
  // The date range follows the files: the start row shows the first loaded date.
  const from = await page.inputValue('#range-from');
  assert.match(source, new RegExp(`${from} to `));
  // The built-in dials are gone; a way back is offered.
  assert.equal(await page.locator('#dial-volatility').count(), 0);
  await page.getByRole('button', { name: 'Back to the built-in market' }).waitFor();

  await screenshot(page, 'upload-19-files');
  await page.click('#report summary'); // fold the report again for a second, compact shot
  await screenshot(page, 'upload-19-files-report-closed');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('files dropped on the drop zone load like chosen ones', async () => {
  const { page, context, errors } = await openApp(app);
  const names = ['btc-usd-max.csv', 'eth-usd-max.csv'];
  const contents = names.map((n) => fs.readFileSync(path.join(exportsDir, n), 'utf8'));
  await page.dispatchEvent('label.drop', 'dragover', {});
  await page.waitForSelector('label.drop.dragging');
  await page.evaluate(
    ([names, contents]) => {
      const dt = new DataTransfer();
      names.forEach((n, i) => dt.items.add(new File([contents[i]], n, { type: 'text/csv' })));
      document.querySelector('label.drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [names, contents],
  );
  await page.waitForFunction(() => /^2 file\(s\): 2 assets/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  assert.equal(await page.locator('label.drop.dragging').count(), 0, 'the drop zone stays highlighted');
  assert.match(await page.textContent('#report summary'), /Report: 2 assets/);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a gzip-compressed long CSV with hundreds of assets loads', async () => {
  const file = path.join(dataDir, 'coingecko-top150-2017-2021.csv.gz');
  const { page, context, errors } = await openApp(app);
  const table = await metricsText(page);
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction(() => /^1 file\(s\)/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  const source = await page.textContent('#data-source');
  const n = Number(/: (\d+) assets/.exec(source)?.[1]);
  assert.ok(n >= 150, `only ${n} assets from the top-150 file: ${source}`);
  assert.match(await page.textContent('#report summary'), new RegExp(`Report: ${n} assets`));
  await page.waitForFunction(
    (t) => {
      const el = document.querySelector('#metrics-table');
      return [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') !== t;
    },
    table,
    { timeout: SLOW },
  );
  const cagr = await metricRow(page, 'cagr');
  assert.equal(cagr.length, 3, 'every default strategy runs');
  for (const c of cagr) assert.ok(Number.isFinite(parsePercent(c)), `CAGR cell "${c}"`);
  assert.equal(await page.locator('.metrics .error').count(), 0, 'a strategy could not run');
  await screenshot(page, 'upload-top150-gzip');

  // The file's one-day spikes (blockv: 0.19 -> 390,448 -> 0.2) are repaired
  // by default and said so in plain sight: from 2018 the preset's volatility
  // is sane without the user doing anything (44,162% with the spikes kept).
  const warning = await page.textContent('#spike-warning');
  assert.match(warning, /51 one-day price spike\(s\) that revert the next day were repaired/);
  assert.match(warning, /blockv on 2018-01-16/);
  const top100 = (await metricsColumns(page)).findIndex((c) => /Top 100, cap-weighted/.test(c));
  assert.ok(top100 >= 0, 'the default comparison holds the Top 100 preset');
  await setValue(page, '#range-from', '2018-01-01');
  const volOfTop100 = (limit, above) =>
    page.waitForFunction(
      ([i, limit, above]) => {
        const v = parseFloat(document.querySelectorAll('#metrics-table tr[data-key="volatility"] td')[i]?.textContent);
        return above ? v > limit : v < limit;
      },
      [top100, limit, above],
      { timeout: SLOW },
    );
  await volOfTop100(200, false);
  await screenshot(page, 'upload-top150-from-2018');
  // Keeping them brings the garbage back, and repairing takes it away again.
  await page.click('#keep-spikes');
  await page.waitForFunction(() => /are kept as they are/.test(document.querySelector('#spike-warning').textContent), null, {
    timeout: SLOW,
  });
  await setValue(page, '#range-from', '2018-01-01');
  await volOfTop100(1000, true);
  // The garbage is marked where it shows, pointing to the data.
  const odd = await page.$$eval('#metrics-table tr[data-key="volatility"] td.implausible', (tds) => tds.map((t) => t.title));
  assert.ok(odd.length >= 1 && /bad prices/.test(odd[0]), `implausible volatility not marked: ${odd}`);
  assert.ok((await page.locator('#key-numbers .kv.implausible[data-key="volatility"]').count()) >= 1);
  await screenshot(page, 'upload-top150-spikes-kept-marked');
  await page.click('#repair-spikes');
  await page.waitForFunction(() => /were repaired/.test(document.querySelector('#spike-warning').textContent), null, {
    timeout: SLOW,
  });
  await setValue(page, '#range-from', '2018-01-01');
  await volOfTop100(200, false);
  await screenshot(page, 'upload-top150-gzip-repaired');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('the 50 CoinGecko-id files of 2023 load (ids, not symbols: bitcoin)', async () => {
  const dir = path.join(dataDir, 'coingecko-top50-2023');
  const files50 = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => path.join(dir, f));
  const { page, context, errors } = await openApp(app);
  await page.setInputFiles('#file-input', files50);
  await page.waitForFunction(
    (n) => new RegExp(`^${n} file\\(s\\): ${n} assets`).test(document.querySelector('#data-source').textContent),
    files50.length,
    { timeout: SLOW },
  );
  // "Bitcoin only" finds the asset by its CoinGecko id.
  assert.equal(await page.locator('.metrics .error').count(), 0, 'a strategy could not run');
  await page.click('#tab-rebalancing-log');
  const options = await page.$$eval('#log-strategy option', (os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
  await page.selectOption('#log-strategy', options.find((o) => /Bitcoin/.test(o.label)).value);
  await page.waitForFunction(() => /^CSV \(1 rows?\)$/.test(document.querySelector('#log-csv').textContent.trim()), null, {
    timeout: SLOW,
  });
  assert.equal(await page.textContent('#log-table tbody tr td:nth-child(2)'), 'bitcoin');
  assertNoConsoleErrors(errors);
  await context.close();
});
