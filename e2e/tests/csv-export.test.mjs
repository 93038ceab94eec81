// CSV downloads never carry a spreadsheet formula: asset ids from a file
// (`=1+2`, `+cmd|x`, `@sum(a1)`, `-2+3`) and strategy names that start like
// formulas are written with a leading `'` (OWASP), while numbers, negative
// ones included, stay numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot } from '../support/harness.mjs';
import { useApp, openApp, download, parseCsv, setValue, tempDir, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();
const IDS = ['btc', '=1+2', '+cmd|x', '@sum(a1)', '-2+3'];

function writeLongCsv(dir) {
  const lines = ['date,asset,price,market_cap,volume'];
  IDS.forEach((id, i) => {
    let p = 10 + 5 * i;
    for (let d = 0; d < 120; d++) {
      p *= 1 + 0.02 * Math.sin(d * 0.3 + i) + 0.001 * i;
      const date = new Date(Date.UTC(2022, 0, 1 + d)).toISOString().slice(0, 10);
      const q = /[",]/.test(id) ? `"${id.replace(/"/g, '""')}"` : id;
      lines.push([date, q, p, p * 1e6 * (i + 1), p * 1e4].join(','));
    }
  });
  const file = path.join(dir, 'formulas.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Every field that a spreadsheet would run as a formula. */
function formulas(rows) {
  const isNumber = (s) => /^[+-]?[\d,]*\.?\d+(e[+-]?\d+)?%?$/i.test(s);
  return rows.flat().filter((f) => /^[=+\-@\t\r]/.test(f) && !isNumber(f));
}

test('CSV downloads defuse formula-like asset ids and names, and keep numbers', async () => {
  const dir = tempDir();
  const { page, context, errors } = await openApp(app);
  await page.setInputFiles('#file-input', writeLongCsv(dir));
  await page.waitForFunction(() => /^1 file\(s\): 5 assets/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  // A strategy named like a formula.
  await page.locator('button.edit').first().click();
  await setValue(page, '.strategy-form .f-name', '=HYPERLINK("http://x","y")');
  await page.waitForFunction(() => document.querySelector('#metrics-table thead').textContent.includes('=HYPERLINK'), null, {
    timeout: SLOW,
  });

  const metrics = await download(page, () => page.click('#metrics-csv'));
  const mrows = parseCsv(metrics.body.toString('utf8'));
  assert.deepEqual(formulas(mrows), [], 'a formula in the metrics CSV');
  assert.equal(mrows[0][1], '\'=HYPERLINK("http://x","y")');
  assert.ok(mrows.flat().some((f) => /^-\d/.test(f)), 'negative numbers stay numbers (max drawdown)');

  await page.click('#tab-rebalancing-log');
  await page.waitForSelector('#log-csv', { timeout: SLOW });
  const trades = await download(page, () => page.click('#log-csv'));
  const trows = parseCsv(trades.body.toString('utf8'));
  assert.deepEqual(formulas(trows), [], 'a formula in the trades CSV');
  const assets = new Set(trows.slice(1).map((r) => r[1]));
  for (const id of ["'=1+2", "'+cmd|x", "'@sum(a1)", "'-2+3", 'btc']) assert.ok(assets.has(id), `${id} in ${[...assets]}`);
  await screenshot(page, 'csv-export-formulas');
  assertNoConsoleErrors(errors);
  await context.close();
});
