// Links and bundles on uploaded data reproduce the sender's numbers exactly:
// the receiver sees the link's strategies and a "waiting for your files"
// state (no numbers from other data), loads the same files, and gets every
// metrics cell of the sender, with the sender's date range, capital and
// spike choice applied after the files arrive. The CLI, given the link and
// the files, prints the same numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { screenshot, dataDir } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  metricsText,
  metricsColumns,
  metricRow,
  setValue,
  tempDir,
  cliBinary,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();
const exportsDir = path.join(dataDir, 'coingecko-exports-19');
const exports19 = fs
  .readdirSync(exportsDir)
  .filter((f) => f.endsWith('.csv'))
  .sort()
  .map((f) => path.join(exportsDir, f));
const gz = path.join(dataDir, 'coingecko-top150-2017-2021.csv.gz');

const KINDS = [
  { what: 'one CSV export', files: [path.join(exportsDir, 'btc-usd-max.csv')], from: '2019-03-01', capital: '2500', keep: false },
  { what: 'the gzipped top-150 long CSV, spikes repaired', files: [gz], from: '2018-01-01', capital: '2500', keep: false },
  { what: 'the gzipped top-150 long CSV, spikes kept', files: [gz], from: '2018-01-01', capital: '777', keep: true },
  { what: 'the 19 CoinGecko exports', files: exports19, from: '2020-06-01', capital: '100000', keep: false },
];

function tableText(page) {
  return page.$eval('#metrics-table', (t) =>
    [...t.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n'),
  );
}

async function loadFiles(page, files) {
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction((n) => new RegExp(`^${n} file\\(s\\)`).test(document.querySelector('#data-source').textContent), files.length, {
    timeout: SLOW,
  });
}

/** The sender: files, spike choice, From date and capital as in `k`; returns the table. */
async function prepare(page, k) {
  await loadFiles(page, k.files);
  if (k.keep) {
    await page.click('#keep-spikes');
    await page.waitForFunction(() => /kept as they are/.test(document.querySelector('#spike-warning')?.textContent), null, {
      timeout: SLOW,
    });
  }
  const before = await tableText(page);
  await setValue(page, '#range-from', k.from);
  await setValue(page, '#capital', k.capital);
  await page.waitForFunction((t) => document.querySelector('#metrics-table') && t !== '', before, { timeout: SLOW });
  await page.waitForFunction(
    (from) => document.querySelector('#metrics-table tr[data-key="start"] td')?.textContent.trim() >= from,
    k.from,
    { timeout: SLOW },
  );
  await page.waitForFunction(() => !document.querySelector('#updating'), null, { timeout: SLOW });
  return tableText(page);
}

for (const k of KINDS) {
  test(`a link on ${k.what} reproduces every metrics cell`, async () => {
    const sender = await openApp(app);
    const table = await prepare(sender.page, k);
    assert.match(table, new RegExp(`Start\\t${k.from}`), 'the From date is applied');
    await sender.page.click('#copy-link');
    await sender.page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
    const url = sender.page.url();

    const receiver = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await receiver.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    // Waiting: the link's strategies, no numbers from the built-in market.
    await page.waitForSelector('#waiting-files', { timeout: SLOW });
    assert.deepEqual(await metricsColumns(page), [], 'numbers shown before the files arrived');
    assert.ok(
      (await page.$$eval('.strategy-list .strategy-name', (els) => els.length)) >= 3,
      'the link strategies are listed',
    );
    await screenshot(page, `reproduce-waiting-${KINDS.indexOf(k)}`);
    await loadFiles(page, k.files);
    await page.waitForFunction(() => /Same data/.test(document.querySelector('#link-notice')?.textContent || ''), null, {
      timeout: SLOW,
    });
    await page.waitForFunction((t) => {
      const el = document.querySelector('#metrics-table');
      return el && [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') === t;
    }, table, { timeout: SLOW });
    assert.equal(await page.inputValue('#range-from'), k.from);
    assert.equal(await page.inputValue('#capital'), k.capital);

    // The CLI with the link and the same files prints the same numbers.
    if (k.files.length === 1) {
      const out = execFileSync(cliBinary(), ['run', '--link', url, '--data', ...k.files], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      const doc = JSON.parse(out);
      const cols = await metricsColumns(page);
      for (const key of ['total_return', 'cagr', 'volatility', 'max_drawdown']) {
        const shown = await metricRow(page, key);
        doc.strategies.forEach((s, i) => {
          const v = s.metrics[key];
          // The page marks implausible values (" ⚠"); the number is what is compared.
          const cell = shown[cols.indexOf(s.name)].replace(/\s*⚠$/, '');
          const pct = `${(v * 100).toFixed(2)}%`.replace('-', '−');
          assert.ok(
            cell.replace(/,/g, '') === pct || cell.replace(/,/g, '') === pct.replace('−', '-'),
            `${k.what}: ${s.name} ${key}: page ${cell}, CLI ${pct}`,
          );
        });
      }
    }
    assert.deepEqual(errors, []);
    await receiver.close();
    assertNoConsoleErrors(sender.errors);
    await sender.context.close();
  });
}

test('a bundle keeps the spike choice, range and capital', async () => {
  const k = KINDS[2];
  const sender = await openApp(app);
  const table = await prepare(sender.page, k);
  const [download] = await Promise.all([sender.page.waitForEvent('download'), sender.page.click('#export-bundle')]);
  const bundle = path.join(tempDir(), download.suggestedFilename());
  await download.saveAs(bundle);
  await sender.context.close();

  const fresh = await openApp(app);
  await fresh.page.setInputFiles('#file-input', bundle);
  await fresh.page.waitForFunction((t) => {
    const el = document.querySelector('#metrics-table');
    return el && [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n') === t;
  }, table, { timeout: SLOW });
  assert.match(await fresh.page.textContent('#spike-warning'), /kept as they are/);
  assert.match(await fresh.page.textContent('#link-notice'), /Same data/);
  assertNoConsoleErrors(fresh.errors);
  await fresh.context.close();
});

test('an embed of a link on uploaded data shows a note and no numbers', async () => {
  const sender = await openApp(app);
  await loadFiles(sender.page, [path.join(exportsDir, 'btc-usd-max.csv')]);
  await sender.page.click('#embed-link');
  const url = await sender.page.inputValue('#embed-url');
  assert.match(await sender.page.inputValue('#embed-snippet'), /^<iframe src="[^"]+" width="960" height="720"/);
  await sender.context.close();
  const viewer = await openApp(app).catch(() => null);
  const page = viewer ? viewer.page : null;
  assert.ok(page);
  await page.goto(url);
  await page.waitForSelector('#waiting-files', { timeout: SLOW });
  const text = await page.textContent('#waiting-files');
  assert.match(text, /not part of the link/);
  assert.doesNotMatch(text, /Data panel/);
  assert.equal(await page.locator('#link-notice').count(), 0);
  await screenshot(page, 'reproduce-embed-waiting');
  await viewer.context.close();
});

test('a link on files that differ says which file', async () => {
  const sender = await openApp(app);
  const files = ['btc-usd-max.csv', 'eth-usd-max.csv'].map((f) => path.join(exportsDir, f));
  await loadFiles(sender.page, files);
  await sender.page.click('#copy-link');
  await sender.page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  const url = sender.page.url();
  await sender.context.close();
  const receiver = await openApp(app);
  await receiver.page.goto(url);
  await receiver.page.waitForSelector('#waiting-files', { timeout: SLOW });
  await loadFiles(receiver.page, [files[0], path.join(exportsDir, 'sol-usd-max.csv')]);
  await receiver.page.waitForFunction(() => /Different data/.test(document.querySelector('#link-notice')?.textContent || ''), null, {
    timeout: SLOW,
  });
  const notice = await receiver.page.textContent('#link-notice');
  assert.match(notice, /differ or are missing: eth-usd-max\.csv; not in the link: sol-usd-max\.csv/);
  await receiver.context.close();
});
