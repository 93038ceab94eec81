// Flow 4: the rebalancing log lists trades, downloads them as CSV and
// filters them by asset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from '../support/harness.mjs';
import { useApp, openApp, setValue, download, parseCsv, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();
const SHOWN = 500; // the log table shows at most this many rows (src/components/tables.rs)
const HEADER = ['date', 'asset', 'side', 'units', 'price', 'value', 'fee', 'reason'];

const logRows = (page) =>
  page.$$eval('#log-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));

async function csvCount(page) {
  const label = (await page.textContent('#log-csv')).trim();
  const m = /^CSV \((\d+) rows?\)$/.exec(label);
  assert.ok(m, `CSV button label "${label}" does not read "CSV (N rows)"`);
  return Number(m[1]);
}

async function openLog(page) {
  await page.click('#tab-rebalancing-log');
  await page.waitForSelector('#log-table tbody tr', { timeout: SLOW });
  assert.equal(await page.getAttribute('#tab-rebalancing-log', 'aria-selected'), 'true');
}

async function downloadLog(page) {
  const { name, body } = await download(page, () => page.click('#log-csv'));
  assert.match(name, /\.csv$/);
  const records = parseCsv(body.toString('utf8')).filter((r) => !(r.length === 1 && r[0] === ''));
  assert.deepEqual(records[0], HEADER);
  return records.slice(1);
}

test('the log lists trades and its CSV holds every one of them', async () => {
  const { page, context, errors } = await openApp(app);
  await openLog(page);
  const rows = await logRows(page);
  const n = await csvCount(page);
  assert.ok(rows.length > 0);
  assert.equal(rows.length, Math.min(n, SHOWN), `${rows.length} table rows for ${n} trades`);
  for (const r of rows.slice(0, 50)) {
    assert.equal(r.length, 8);
    assert.match(r[0], /^\d{4}-\d{2}-\d{2}$/);
    assert.match(r[2], /^(buy|sell)$/);
    assert.match(r[7], /^(rebalance|reconstitution|delisting|band|regime)$/);
  }
  // Trades are listed in date order.
  const dates = rows.map((r) => r[0]);
  assert.deepEqual(dates, [...dates].sort());

  const records = await downloadLog(page);
  assert.equal(records.length, n, `CSV has ${records.length} trades, the button says ${n}`);
  // The CSV's first rows are the table's first rows (same date, asset, side, value, fee, reason).
  for (let i = 0; i < Math.min(20, rows.length); i++) {
    const [date, asset, side, , , value, fee, reason] = records[i];
    assert.deepEqual([date, asset, side, value, fee, reason], [rows[i][0], rows[i][1], rows[i][2], rows[i][5], rows[i][6], rows[i][7]], `row ${i}`);
  }
  await screenshot(page, 'rebalancing-log');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('filtering the log by asset keeps only that asset', async () => {
  const { page, context, errors } = await openApp(app);
  await openLog(page);
  const all = await csvCount(page);
  const rows = await logRows(page);

  // An asset that trades, whose id is not part of another listed id (the
  // filter matches substrings).
  const ids = await page.$$eval('.asset-list li b', (bs) => bs.map((b) => b.textContent.trim()));
  const traded = [...new Set(rows.map((r) => r[1]))];
  const asset = traded.find((a) => ids.filter((id) => id.toLowerCase().includes(a.toLowerCase())).length === 1) ?? traded[0];

  await setValue(page, '#log-asset', asset);
  await page.waitForFunction(
    (a) => {
      const trs = [...document.querySelectorAll('#log-table tbody tr')];
      return trs.length > 0 && trs.every((tr) => tr.cells[1].textContent.trim() === a);
    },
    asset,
    { timeout: SLOW },
  );
  const filtered = await logRows(page);
  const n = await csvCount(page);
  assert.ok(n < all, `filtering on ${asset} kept ${n} of ${all} trades`);
  assert.equal(filtered.length, Math.min(n, SHOWN));
  for (const r of filtered) assert.equal(r[1], asset);

  const records = await downloadLog(page);
  assert.equal(records.length, n, 'the CSV follows the filter');
  for (const r of records) assert.equal(r[1], asset);

  await screenshot(page, 'rebalancing-log-filtered');

  // Clearing the filter brings every trade back.
  await setValue(page, '#log-asset', '');
  await page.waitForFunction((all) => document.querySelector('#log-csv').textContent.includes(`(${all} rows)`), all, {
    timeout: SLOW,
  });
  assertNoConsoleErrors(errors);
  await context.close();
});

test('the log follows the chosen strategy: buy and hold trades once', async () => {
  const { page, context, errors } = await openApp(app);
  await openLog(page);
  const options = await page.$$eval('#log-strategy option', (os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
  const bh = options.find((o) => /buy and hold/i.test(o.label));
  assert.ok(bh, `no buy-and-hold strategy in ${JSON.stringify(options)}`);
  const before = await csvCount(page);
  await page.selectOption('#log-strategy', bh.value);
  await page.waitForFunction(() => /^CSV \(1 rows?\)$/.test(document.querySelector('#log-csv').textContent.trim()), null, {
    timeout: SLOW,
  });
  assert.ok(before > 1);
  const rows = await logRows(page);
  assert.equal(rows.length, 1);
  const [date, asset, side, , , value, fee, reason] = rows[0];
  assert.equal(date, await page.inputValue('#range-from'), 'bought on the first day');
  assert.equal(asset, 'btc');
  assert.equal(side, 'buy');
  assert.equal(reason, 'rebalance');
  const capital = Number(await page.inputValue('#capital'));
  // The whole capital goes in: value + fee = capital (to the cent).
  assert.ok(Math.abs(Number(value) + Number(fee) - capital) <= 0.011, `value ${value} + fee ${fee} != ${capital}`);
  // The weights chart follows the same focus.
  await page.click('#tab-weights');
  assert.equal(await page.inputValue('#focus-strategy'), bh.value);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('date filters keep the trades of that window; holdings follow the chosen date', async () => {
  const { page, context, errors } = await openApp(app);
  await openLog(page);
  const all = await csvCount(page);
  await setValue(page, '#log-from', '2020-01-01');
  await setValue(page, '#log-to', '2020-03-31');
  await page.waitForFunction((all) => !document.querySelector('#log-csv').textContent.includes(`(${all} rows)`), all, {
    timeout: SLOW,
  });
  const n = await csvCount(page);
  assert.ok(n > 0 && n < all, `${n} of ${all} trades in Q1 2020`);
  const rows = await logRows(page);
  assert.equal(rows.length, Math.min(n, SHOWN));
  for (const r of rows) assert.ok(r[0] >= '2020-01-01' && r[0] <= '2020-03-31', `trade on ${r[0]} outside the window`);

  const holdings = () => page.$$eval('.holdings li', (lis) => lis.map((li) => li.textContent.trim()));
  const value = () => page.textContent('.trade-log h3 + p');
  const lastDay = await holdings();
  const lastValue = await value();
  assert.ok(lastDay.length > 0, 'no holdings listed');
  await setValue(page, '#holdings-date', '2019-06-15');
  await page.waitForFunction((v) => document.querySelector('.trade-log h3 + p').textContent !== v, lastValue, { timeout: SLOW });
  assert.equal(await page.inputValue('#holdings-date'), '2019-06-15');
  assert.notDeepEqual(await holdings(), lastDay);
  // Weights are shares of the portfolio: they add up to 100% with the cash.
  const weights = (await holdings()).map((h) => Number(/([\d.]+)%$/.exec(h)[1]));
  const cash = Number(/cash ([\d.]+)%/.exec(await value())[1]);
  const shown = weights.reduce((a, b) => a + b, 0) + cash;
  assert.ok(shown <= 100.5, `holdings add up to ${shown}%`);
  assertNoConsoleErrors(errors);
  await context.close();
});
