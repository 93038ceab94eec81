// The page and the command line show the same numbers: the page's share link
// is run by the native CLI and every strategy's headline metrics must match
// the metrics table cell for cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { repoRoot, screenshot } from '../support/harness.mjs';
import { useApp, openApp, cliBinary, metricsColumns, metricRow, setValue, waitForReady, assertNoConsoleErrors } from '../support/app.mjs';

const app = useApp();

const percent = (v) => `${(v * 100).toFixed(2)}%`;
const ratio = (v) => v.toFixed(2);
const HEADLINE = [
  ['total_return', percent],
  ['cagr', percent],
  ['volatility', percent],
  ['sharpe', ratio],
  ['sortino', ratio],
  ['max_drawdown', percent],
  ['cost_drag', percent],
];

test('the CLI run of the page link prints the numbers the page shows', async () => {
  const { page, context, errors } = await openApp(app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
  // A non-default setup: a changed fee and a fourth strategy.
  await page.click('.strategy .edit');
  await setValue(page, '.f-fee', '25');
  await page.selectOption('#add-preset', { index: 5 });
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 5);
  await waitForReady(page);
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const link = await page.evaluate(() => location.href);
  const columns = await metricsColumns(page);
  const rows = {};
  for (const [key] of HEADLINE) rows[key] = await metricRow(page, key);
  await screenshot(page, 'cli-equality-page');

  const out = execFileSync(cliBinary(), ['run', '--link', link], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 });
  const doc = JSON.parse(out);
  assert.equal(doc.strategies.length, columns.length);
  for (const [i, s] of doc.strategies.entries()) {
    assert.ok(columns[i].endsWith(s.name), `column ${i} is "${columns[i]}", the CLI ran "${s.name}"`);
    for (const [key, fmt] of HEADLINE) {
      const v = s.metrics[key];
      if (v === null || v === undefined) continue;
      assert.equal(rows[key][i], fmt(v), `${s.name}: ${key} page "${rows[key][i]}" vs CLI ${v}`);
    }
  }
  assertNoConsoleErrors(errors);
  await context.close();
});
