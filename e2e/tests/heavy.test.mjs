// The page never freezes: a comparison estimated as heavy (equal risk
// contribution, daily, on 300 assets) runs in a worker while the page keeps
// answering; a newer request or Cancel stops the running worker at once; a
// heavy comparison restored from storage opens paused; a restore that never
// finished is not repeated; warnings and undefined ratios are shown for what
// they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  waitForReady,
  metricsColumns,
  metricRow,
  setValue,
  tempDir,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();
const FIRST = '.strategy-list li.strategy:first-child';
const SECOND = '.strategy-list li.strategy:nth-child(2)';

/** The longest gap between timer ticks over about a second: how long the page's thread was blocked. */
function worstBlock(page) {
  return page.evaluate(
    () =>
      new Promise((done) => {
        let worst = 0;
        let last = performance.now();
        let n = 0;
        const tick = () => {
          const now = performance.now();
          worst = Math.max(worst, now - last - 20);
          last = now;
          if (++n < 50) setTimeout(tick, 20);
          else done(worst);
        };
        setTimeout(tick, 20);
      }),
  );
}

const workersStarted = (page) => page.evaluate(() => window.indexlabWorkers.length);

/** 300 assets over ten years on the built-in market, and the first two
 * strategies equal risk contribution, daily, over every asset (each about
 * 3 s in the page: together over the 5 s that asks first). */
async function makeHeavy(page) {
  await setValue(page, '#dial-years', '10');
  await setValue(page, '#dial-assets', '300');
  await page.waitForFunction(() => /300 assets/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  // The first last, so that its editor stays open.
  for (const li of [SECOND, FIRST]) {
    await page.locator(`${li} button.edit`).click();
    await page.selectOption(`${li} .f-weighting`, 'erc');
    await page.selectOption(`${li} .f-rebalance`, 'daily');
    await setValue(page, `${li} .f-top`, '');
  }
}

test('a heavy comparison runs in a worker, the page answers, and newer requests or Cancel stop it', async () => {
  const { page, context, errors } = await openApp(app);
  await makeHeavy(page);
  await page.waitForSelector('#updating', { timeout: SLOW });
  assert.match(await page.textContent('#updating'), /background worker \(about \d+ (s|min)\)/);
  assert.equal(await page.locator('.results-body.stale').count(), 1, 'the previous results are marked stale');
  const blocked = await worstBlock(page);
  assert.ok(blocked < 200, `the page's thread was blocked for ${blocked.toFixed(0)} ms while the worker ran`);
  // A text field answers at once.
  await setValue(page, `${FIRST} .f-name`, 'Heavy ERC');
  await page.waitForFunction(() => document.querySelector('#updating') !== null);
  await screenshot(page, 'heavy-running');

  // A newer heavy request supersedes the running one: its worker is stopped and a fresh one starts.
  const started = await workersStarted(page);
  await setValue(page, `${FIRST} .f-top`, '250');
  await page.waitForFunction((n) => window.indexlabWorkers.length > n, started, { timeout: SLOW });
  await page.waitForSelector('#updating', { timeout: SLOW });

  // Cancel stops it and pauses; Run would start it again.
  await page.click('#cancel-run');
  await page.waitForSelector('#paused', { timeout: SLOW });
  assert.equal(await page.locator('#updating').count(), 0);
  assert.match(await page.textContent('#paused'), /estimated to take about/);
  await screenshot(page, 'heavy-cancelled');

  // An edit that brings it under a few seconds runs without asking (here
  // in a worker again); edits that make it cheap run at once, on the page.
  await page.selectOption(`${FIRST} .f-weighting`, 'equal');
  await page.waitForFunction(() => !document.querySelector('#paused'), null, { timeout: SLOW });
  await page.selectOption(`${FIRST} .f-rebalance`, 'monthly');
  await setValue(page, `${FIRST} .f-top`, '10');
  await page.locator(`${SECOND} button.edit`).click();
  await page.selectOption(`${SECOND} .f-weighting`, 'equal');
  await page.selectOption(`${SECOND} .f-rebalance`, 'monthly');
  await setValue(page, `${SECOND} .f-top`, '10');
  await page.waitForFunction(() => !document.querySelector('#paused') && !document.querySelector('#updating'), null, {
    timeout: SLOW,
  });
  await page.waitForFunction(() => document.querySelector('#metrics-table thead').textContent.includes('Heavy ERC'), null, {
    timeout: SLOW,
  });
  assert.match(await page.textContent('#timing'), /in this page/);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a heavy saved comparison opens paused, and a restore that never finished is not repeated', async () => {
  const { page, context, errors } = await openApp(app);
  await makeHeavy(page);
  await page.waitForSelector('#updating', { timeout: SLOW });
  await page.waitForFunction(() => (localStorage.getItem('indexlab.session.v1') || '').includes('equal_risk_contribution'), null, {
    timeout: SLOW,
  });

  // Reload: the saved heavy comparison is not run until asked.
  await page.reload();
  await page.waitForSelector('#paused', { timeout: SLOW });
  assert.equal(await page.locator('#updating').count(), 0, 'nothing runs while paused');
  assert.match(await page.textContent('#data-source'), /300 assets/);
  assert.ok((await worstBlock(page)) < 200, 'the paused page is responsive');
  await screenshot(page, 'heavy-restored-paused');
  await page.click('#run-paused');
  await page.waitForSelector('#updating', { timeout: SLOW });

  // A restore that began and never finished (the flag is still set) is not repeated.
  await page.evaluate(() => localStorage.setItem('indexlab.restoring', '1'));
  await page.reload();
  await waitForReady(page);
  await page.waitForSelector('#restore-interrupted');
  assert.equal(await page.locator('#paused').count(), 0);
  const cols = await metricsColumns(page);
  assert.ok(cols.some((c) => /Top 100, cap-weighted/.test(c)), `the default comparison: ${cols}`);
  assert.doesNotMatch(await page.textContent('#data-source'), /300 assets/);
  await screenshot(page, 'restore-interrupted');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('flat prices give n/a ratios, and a benchmark that holds nothing says so', async () => {
  const dir = tempDir();
  const lines = ['date,asset,price,market_cap'];
  for (const [asset, price] of [['flat-a', 2], ['flat-b', 5]]) {
    for (let d = 0; d < 90; d++) {
      lines.push(`${new Date(Date.UTC(2023, 0, 1 + d)).toISOString().slice(0, 10)},${asset},${price},${price * 1e6}`);
    }
  }
  const file = path.join(dir, 'flat.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const { page, context, errors } = await openApp(app);
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction(() => /^1 file\(s\): 2 assets/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  await page.waitForFunction(() => /volatility 0/.test(document.querySelector('#metrics-table tr[data-key="sharpe"]')?.textContent), null, {
    timeout: SLOW,
  });
  const cols = await metricsColumns(page);
  const top = cols.findIndex((c) => /Top 100/.test(c));
  assert.equal((await metricRow(page, 'sharpe'))[top], 'n/a (volatility 0)');
  assert.equal((await metricRow(page, 'sortino'))[top], 'n/a (volatility 0)');
  assert.equal((await metricRow(page, 'volatility'))[top], '0.00%');
  // Bitcoin only holds nothing here: it says so and is not the benchmark.
  const warnings = await page.$$eval('.strategy-warning', (ps) => ps.map((p) => p.textContent));
  const btc = warnings.find((w) => /Bitcoin/.test(w));
  assert.ok(btc, `no warning for the Bitcoin strategy: ${warnings}`);
  assert.match(btc, /matches no asset/);
  assert.match(btc, /not used as the benchmark/);
  assert.doesNotMatch(await page.textContent('.conventions'), /Relative metrics are against/);
  await screenshot(page, 'flat-prices');
  assertNoConsoleErrors(errors);
  await context.close();
});
