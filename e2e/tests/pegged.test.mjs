// Clean universes: stablecoins and wrapped or staked copies are found from
// the prices, shown with their evidence, left out by default, and can be
// included anyway; that choice travels in a share link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot, dataDir } from '../support/harness.mjs';
import { useApp, openApp, metricsText, metricsColumns, metricRow, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();
const top50Dir = path.join(dataDir, 'coingecko-top50-2023');
const files = fs
  .readdirSync(top50Dir)
  .filter((f) => f.endsWith('.csv'))
  .sort()
  .map((f) => path.join(top50Dir, f));

async function loadTop50(page) {
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => /^50 file\(s\)/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
}

/** Waits until the metrics table reads `text` (`same`) or anything else. */
function waitForTable(page, text, same) {
  return page.waitForFunction(
    ([t, same]) => {
      const el = document.querySelector('#metrics-table');
      const now = el && [...el.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n');
      return el && (now === t) === same;
    },
    [text, same],
    { timeout: SLOW },
  );
}

test('pegged and copied coins are shown with evidence, left out, and included anyway through a link', async () => {
  assert.equal(files.length, 50, `expected the 50 CSV files in ${top50Dir}`);
  const { page, context, errors } = await openApp(app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
  await loadTop50(page);

  // The data panel lists what the prices give away, with the evidence.
  await page.waitForSelector('#pegged .pegged-item', { timeout: SLOW });
  const items = await page.$$eval('#pegged .pegged-item', (lis) =>
    lis.map((li) => [li.dataset.asset, li.querySelector('.evidence').textContent]),
  );
  const ids = items.map(([id]) => id).sort();
  assert.deepEqual(ids, ['binance-usd', 'dai', 'frax', 'staked-ether', 'tether', 'usd-coin', 'wrapped-bitcoin']);
  const evidence = Object.fromEntries(items);
  assert.match(evidence['wrapped-bitcoin'], /^wrapped-bitcoin tracks bitcoin: ratio 1\.00\d ± [\d.]+%, within 5% on 9\d% of \d+ common days$/);
  assert.match(evidence['staked-ether'], /tracks ethereum: ratio 0\.9\d\d/);
  assert.match(evidence.tether, /^tether is pegged to 1 USD: median price 1\.00/);
  assert.match(await page.textContent('#pegged summary'), /7 asset\(s\) look pegged or copied/);
  await screenshot(page, 'pegged-detected');

  // "Include anyway" on wrapped-bitcoin changes the cap-weighted Top 100
  // (with 50 coins, it holds every coin it may hold).
  await waitForTable(page, '', false);
  const columns = await metricsColumns(page);
  const top100 = columns.findIndex((c) => /Top 100, cap-weighted/.test(c));
  assert.ok(top100 >= 0, `no Top 100 column in ${JSON.stringify(columns)}`);
  const before = await metricsText(page);
  const returnBefore = (await metricRow(page, 'total_return'))[top100];
  await page.click('#pegged li[data-asset="wrapped-bitcoin"] .include-anyway');
  await page.waitForSelector('#pegged li[data-asset="wrapped-bitcoin"].included');
  await waitForTable(page, before, false);
  const returnAfter = (await metricRow(page, 'total_return'))[top100];
  assert.notEqual(returnAfter, returnBefore, 'including wrapped-bitcoin changed nothing');
  assert.match(await page.textContent('#pegged summary'), /1 included anyway/);
  const table = await metricsText(page);
  await screenshot(page, 'pegged-included');

  // The choice travels in the link: the same files give the sender's numbers.
  await page.click('#copy-link');
  await page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  const url = page.url();
  const other = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page2 = await other.newPage();
  await page2.goto(url);
  await page2.locator('#link-notice').waitFor({ timeout: SLOW });
  await loadTop50(page2);
  await page2.waitForFunction(() => /Same data/.test(document.querySelector('#link-notice')?.textContent || ''), null, {
    timeout: SLOW,
  });
  await waitForTable(page2, table, true);
  assert.equal(await page2.locator('#pegged li[data-asset="wrapped-bitcoin"].included').count(), 1);
  await other.close();

  // Leaving it out again restores the first numbers.
  await page.click('#pegged li[data-asset="wrapped-bitcoin"] .exclude-again');
  await waitForTable(page, before, true);
  assertNoConsoleErrors(errors);
  await context.close();
});
