// The Robustness tab: on the built-in market and on uploaded files it shows
// the fan of equity curves at every rebalance day, a box per strategy, the
// start-date chart, the bootstrap intervals, the regimes and a verdict whose
// numbers equal the tables; a share link reopens the tab with the same
// verdict; the CLI's --robustness JSON equals the page's numbers (1e-9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { screenshot, dataDir, inkedPixels } from '../support/harness.mjs';
import { useApp, openApp, openRobustnessTab, download, cliBinary, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();

/** Checks the verdict's interval against the bootstrap table (either orientation). */
async function verdictMatchesTables(page, verdict) {
  const m = /by (-?[\d.]+) pp CAGR[^(]*\(95% interval (-?[\d.]+) to (-?[\d.]+) pp\)|ahead by (-?[\d.]+) pp CAGR, but the 95% interval runs from (-?[\d.]+) to (-?[\d.]+) pp/.exec(verdict);
  assert.ok(m, verdict);
  const [lead, lo, hi] = (m[1] ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]]).map(Number);
  const row = await page.$$eval('#bootstrap-table tbody tr', (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent.trim())));
  const cagr = row.find((r) => r[0] === 'CAGR');
  const num = (s) => Number(s.replace(' pp', '').replace('+', ''));
  const point = num(cagr[1]);
  const [a, b] = cagr[3].split(' to ').map(num);
  // The leader's lead is |A - B|; its interval is A - B's, or its mirror.
  assert.ok(Math.abs(Math.abs(point) - lead) <= 0.051, `${point} vs ${lead}`);
  const same = Math.abs(a - lo) <= 0.051 && Math.abs(b - hi) <= 0.051;
  const mirrored = Math.abs(-b - lo) <= 0.051 && Math.abs(-a - hi) <= 0.051;
  assert.ok(same || mirrored, `verdict ${lo} to ${hi}, table ${a} to ${b}`);
  // "won in N% of ... windows" equals the start-date summary.
  const won = /won in (\d+)% of ([\w-]+) windows/.exec(verdict);
  if (won) {
    const summary = await page.textContent('#start-summary');
    const share = Number(/in \d+ of them \(([\d.]+)%\)/.exec(summary)[1]);
    const leaderIsA = point >= 0;
    const pctWon = leaderIsA ? share : 100 - share;
    assert.ok(Math.abs(pctWon - Number(won[1])) <= 0.51, `${won[1]} vs ${pctWon} (${summary})`);
  }
}

function closeTo(a, b, where) {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)), `${where}: ${a} vs ${b}`);
  } else if (Array.isArray(a)) {
    assert.equal(a.length, b.length, `${where}: lengths`);
    a.forEach((x, i) => closeTo(x, b[i], `${where}[${i}]`));
  } else if (a && typeof a === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${where}: keys`);
    for (const k of Object.keys(a)) closeTo(a[k], b[k], `${where}.${k}`);
  } else {
    assert.equal(a, b, where);
  }
}

test('the Robustness tab on the built-in market: charts, tables, verdict, link and CLI agree', { timeout: 400_000 }, async () => {
  const { page, context, errors } = await openApp(app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url.replace(/\/$/, '') });
  const verdict = await openRobustnessTab(page);
  for (const id of ['#robust-fan', '#robust-boxes', '#robust-starts']) {
    assert.ok((await inkedPixels(page, id)) > 1500, `${id} looks blank`);
  }
  for (const id of ['#timing-table', '#start-table', '#bootstrap-table', '#regimes-table']) {
    assert.ok((await page.$$(`${id} tbody tr`)).length >= 2, `${id} has rows`);
  }
  // Weekly: 7 rebalance days; monthly: 28; buy and hold: 1.
  const tried = await page.$$eval('#timing-table tbody tr', (rs) => rs.map((r) => Number(r.cells[1].textContent)));
  assert.deepEqual(tried, [7, 28, 1]);
  await verdictMatchesTables(page, verdict);
  await screenshot(page, 'robustness-default');

  // The page's numbers are the CLI's.
  const { body } = await download(page, () => page.click('#robustness-json'));
  const pageReport = JSON.parse(body.toString());
  await page.click('#copy-link');
  await page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  const link = page.url();
  const cli = JSON.parse(execFileSync(cliBinary(), ['run', '--link', link, '--robustness'], { encoding: 'utf8', maxBuffer: 256 << 20 }));
  closeTo(cli.robustness, pageReport, 'robustness');

  // The link reopens the tab with the same verdict.
  const fresh = await openApp(app);
  await fresh.page.goto(link);
  await fresh.page.waitForFunction((v) => document.querySelector('#verdict p')?.textContent === v, verdict, { timeout: 180_000 });
  assertNoConsoleErrors(fresh.errors);
  await fresh.context.close();

  // The verdict follows the evidence: another pair gives other words.
  await page.selectOption('#rob-b', '2');
  await page.waitForFunction((v) => {
    const t = document.querySelector('#verdict p')?.textContent;
    return t && t !== v && !document.querySelector('#robustness-progress');
  }, verdict, { timeout: 180_000 });
  assertNoConsoleErrors(errors);
  await context.close();
});

test('the Robustness tab on uploaded files', { timeout: 400_000 }, async () => {
  const { page, context, errors } = await openApp(app);
  const dir = path.join(dataDir, 'coingecko-exports-19');
  await page.setInputFiles('#file-input', fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => path.join(dir, f)));
  await page.waitForFunction(() => /^19 file\(s\)/.test(document.querySelector('#data-source').textContent), null, { timeout: SLOW });
  const verdict = await openRobustnessTab(page);
  await verdictMatchesTables(page, verdict);
  assert.ok((await inkedPixels(page, '#robust-fan')) > 1500);
  await screenshot(page, 'robustness-files');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('the strategy form offers tranches and band-edge rebalancing, and the numbers follow', { timeout: 200_000 }, async () => {
  const { page, context, errors } = await openApp(app);
  const first = page.locator('.strategy-list li.strategy').first();
  const name = (await first.locator('.strategy-name').textContent()).trim();
  const cagrOf = (n) =>
    page.evaluate((n) => {
      const cols = [...document.querySelectorAll('#metrics-table thead th')].slice(1).map((th) => th.textContent.trim());
      const i = cols.indexOf(n);
      return i < 0 ? null : document.querySelectorAll('#metrics-table tr[data-key="cagr"] td')[i]?.textContent.trim();
    }, n);
  const before = await cagrOf(name);
  await first.locator('button.edit').click();
  await page.locator('.strategy-form .f-tranches').waitFor();
  await page.locator('.strategy-form .f-tranches').fill('4');
  await page.locator('.strategy-form .f-tranches').dispatchEvent('change');
  const tranched = `${name}, 4 tranches`;
  await page.waitForFunction((n) => [...document.querySelectorAll('#metrics-table thead th')].some((th) => th.textContent.trim() === n), tranched, { timeout: SLOW });
  const after = await cagrOf(tranched);
  assert.notEqual(after, before, 'four staggered sleeves give other numbers');
  // A drift band with band-edge trading.
  await page.locator('.strategy-form .f-band-abs').fill('5');
  await page.locator('.strategy-form .f-band-abs').dispatchEvent('change');
  await page.locator('.strategy-form .f-band-method').waitFor();
  await page.selectOption('.strategy-form .f-band-method', 'edge');
  await page.waitForFunction(() => [...document.querySelectorAll('#metrics-table thead th')].some((th) => /to the band edge/.test(th.textContent)), null, { timeout: SLOW });
  assertNoConsoleErrors(errors);
  await context.close();
});
