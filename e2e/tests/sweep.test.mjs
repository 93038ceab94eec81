// The parameter sweep: a small grid runs through the Web Worker pool, and
// every cell equals a single simulation of the same configuration, run
// natively by the CLI from the page's share link (and shown by the page's
// own metrics table once the cell is added to the comparison).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { repoRoot, screenshot, openPage } from '../support/harness.mjs';
import { useApp, openApp, cliBinary, metricCell, metricsColumns, setValue, waitForReady, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();

/** Rows of the sweep's value table: name, exact value, displayed value. */
function sweepRows(page) {
  return page.$$eval('#sweep-table tbody tr', (trs) =>
    trs.map((tr) => ({
      cell: Number(tr.dataset.cell),
      value: tr.dataset.value === '' ? NaN : Number(tr.dataset.value),
      name: tr.cells[0].textContent.trim(),
      shown: tr.cells[1].textContent.trim(),
    })),
  );
}

test('a 2 x 2 sweep runs in the workers and each cell equals a single simulation', async () => {
  const { page, context, errors } = await openApp(app);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url });
  const workerUrls = [];
  page.on('worker', (w) => workerUrls.push(w.url()));

  await page.locator('#sweep').scrollIntoViewIfNeeded();
  await page.selectOption('#sweep-dim-0', 'top_n');
  await setValue(page, '#sweep-values-0', '5, 20');
  await page.selectOption('#sweep-dim-1', 'fee_bps');
  await setValue(page, '#sweep-values-1', '0, 100');
  await page.selectOption('#sweep-metric', 'cagr');
  await page.waitForFunction(() => document.querySelector('#sweep-run')?.textContent.includes('Run 4'));
  await page.click('#sweep-run');
  await page.waitForSelector('#sweep-status', { timeout: SLOW });
  const rows = await sweepRows(page);
  await page.locator('#sweep-canvas').scrollIntoViewIfNeeded();
  await screenshot(page, 'sweep-2x2');

  assert.equal(rows.length, 4);
  assert.ok(workerUrls.some((u) => u.endsWith('engine-worker.js')), `no engine worker started: ${workerUrls}`);
  for (const r of rows) assert.ok(Number.isFinite(r.value), `cell ${r.cell} (${r.name}) has no value`);
  // The dimensions do something: a higher fee lowers CAGR; Top 5 and Top 20 differ.
  assert.ok(rows[2].value < rows[0].value && rows[3].value < rows[1].value, 'fees of 100 bp did not lower CAGR');
  assert.notEqual(rows[0].value, rows[1].value);

  // The heatmap: hovering a cell names it; clicking adds it to the comparison.
  const before = (await metricsColumns(page)).length;
  const box = await page.locator('#sweep-canvas').boundingBox();
  let picked = null;
  for (let fy = 0.2; fy < 0.9 && !picked; fy += 0.05) {
    for (let fx = 0.1; fx < 0.95 && !picked; fx += 0.05) {
      await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
      const text = await page.textContent('#sweep-readout');
      const hit = rows.find((r) => text.startsWith(`${r.name}: ${r.shown}.`));
      if (hit) picked = { hit, x: box.x + fx * box.width, y: box.y + fy * box.height };
    }
  }
  assert.ok(picked, 'hovering the heatmap never named a cell');
  await page.mouse.click(picked.x, picked.y);
  await page.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n + 1, before + 1);
  assert.ok((await metricsColumns(page)).some((c) => c.endsWith(picked.hit.name)), 'the clicked cell was not added');

  // Add the other cells from the value table: the page's own simulation shows the same number.
  await page.click('.sweep-values summary');
  for (const r of rows.filter((r) => r !== picked.hit)) {
    await page.click(`#sweep-table tbody tr[data-cell="${r.cell}"] button.add-cell`);
  }
  await page.waitForFunction((n) => document.querySelectorAll('#metrics-table thead th').length === n + 1, before + 4);
  await waitForReady(page);
  for (const r of rows) {
    const cols = await metricsColumns(page);
    const col = cols.find((c) => c.endsWith(r.name));
    assert.ok(col, `no column for ${r.name} in ${cols}`);
    assert.equal(await metricCell(page, 'cagr', col), r.shown, `${r.name}: table vs sweep cell`);
  }

  // The native CLI, from the share link, computes each configuration alone.
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const link = await page.evaluate(() => location.href);
  const doc = JSON.parse(execFileSync(cliBinary(), ['run', '--link', link], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 }));
  for (const r of rows) {
    const s = doc.strategies.find((x) => x.name === r.name);
    assert.ok(s, `the CLI did not run ${r.name}`);
    const native = s.metrics.cagr;
    // wasm and native use different libm builds (exp, ln, powf), so the last bits may differ.
    assert.ok(Math.abs(native - r.value) <= 1e-9 * Math.max(1, Math.abs(native)), `${r.name}: sweep ${r.value} vs CLI ${native}`);
  }
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a sweep can be cancelled, and a bad value says what is wrong', async () => {
  const { page, context, errors } = await openApp(app);
  await page.locator('#sweep').scrollIntoViewIfNeeded();
  await setValue(page, '#sweep-values-0', '5, ten');
  await page.waitForSelector('#sweep-error');
  assert.match(await page.textContent('#sweep-error'), /Top N: 'ten' is not a whole number/);
  assert.ok(await page.isDisabled('#sweep-run'));

  // A big grid (1,600 configurations), cancelled while it runs.
  await setValue(page, '#sweep-values-0', Array.from({ length: 40 }, (_, i) => i + 1).join(', '));
  await setValue(page, '#sweep-values-1', Array.from({ length: 40 }, (_, i) => i * 5).join(', '));
  await page.waitForFunction(() => document.querySelector('#sweep-run')?.textContent.includes('Run 1600'));
  await page.click('#sweep-run');
  await page.waitForSelector('#sweep-progress');
  // Progress follows the chunks the workers return.
  await page.waitForFunction(() => {
    const m = /(\d+) of 1600/.exec(document.querySelector('#sweep-progress')?.textContent || '');
    return m && Number(m[1]) > 0;
  });
  await page.click('#sweep-cancel');
  await page.waitForSelector('#sweep-run');
  assert.equal(await page.$('#sweep-status'), null, 'a cancelled sweep showed results');
  // The page still answers: a strategy edit redraws the table.
  await page.click('.strategy .edit');
  await setValue(page, '.f-fee', '30');
  await waitForReady(page);
  await screenshot(page, 'sweep-cancelled');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a link made after a sweep reopens the same sweep and runs it; a broken sweep in a link is refused', async () => {
  const { page, context, errors } = await openApp(app);
  await page.locator('#sweep').scrollIntoViewIfNeeded();
  // Vary the second strategy, so the link must say which one.
  const baseId = await page.$eval('#sweep-base', (s) => s.options[1].value);
  await page.selectOption('#sweep-base', baseId);
  await page.selectOption('#sweep-dim-0', 'rebalance');
  await setValue(page, '#sweep-values-0', 'weekly, never');
  await page.selectOption('#sweep-dim-1', 'top_n');
  await setValue(page, '#sweep-values-1', '3, 8, 30');
  await page.selectOption('#sweep-metric', 'max_drawdown');
  await page.waitForFunction(() => document.querySelector('#sweep-run')?.textContent.includes('Run 6'));
  await page.click('#sweep-run');
  await page.waitForSelector('#sweep-status', { timeout: SLOW });
  const rows = await sweepRows(page);
  const base = await page.$eval('#sweep-base', (s) => s.options[s.selectedIndex].textContent);
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const link = await page.evaluate(() => location.href);

  // The native CLI runs the link's sweep too: the same cells, to the last bits libm may differ in.
  const doc = JSON.parse(execFileSync(cliBinary(), ['run', '--link', link], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 }));
  assert.deepEqual(doc.sweep.cells.map((c) => c.name), rows.map((r) => r.name));
  for (const [i, c] of doc.sweep.cells.entries()) {
    assert.ok(Math.abs(c.value - rows[i].value) <= 1e-9 * Math.max(1, Math.abs(c.value)), `${c.name}: CLI ${c.value} vs page ${rows[i].value}`);
  }

  // Someone else opens the link: the same form, run at once, the same numbers (the same wasm: bit for bit).
  const other = await openPage(app.browser, link);
  await other.page.locator('#sweep').scrollIntoViewIfNeeded();
  await other.page.waitForSelector('#sweep-status', { timeout: SLOW });
  assert.deepEqual(await sweepRows(other.page), rows);
  assert.equal(await other.page.$eval('#sweep-base', (s) => s.options[s.selectedIndex].textContent), base);
  assert.equal(await other.page.inputValue('#sweep-dim-0'), 'rebalance');
  assert.equal(await other.page.inputValue('#sweep-values-0'), 'weekly, never');
  assert.equal(await other.page.inputValue('#sweep-values-1'), '3, 8, 30');
  assert.equal(await other.page.inputValue('#sweep-metric'), 'max_drawdown');
  assert.match(await other.page.textContent('#sweep-status'), new RegExp(`^6 configurations of '${base}' measured by Max drawdown`));
  await other.page.locator('#sweep-canvas').scrollIntoViewIfNeeded();
  await screenshot(other.page, 'sweep-from-link');
  assertNoConsoleErrors(other.errors);
  await other.context.close();

  // The same link with the sweep pointing past the strategies: refused with a message, nothing changes.
  const payload = new URL(link).hash.slice('#s.v1.'.length);
  const scenario = JSON.parse(zlib.inflateRawSync(Buffer.from(payload, 'base64url')));
  assert.equal(scenario.sweep.base, 1);
  scenario.sweep.base = scenario.strategies.length;
  const broken = `${app.server.url}#s.v1.${zlib.deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url')}`;
  const before = await page.textContent('#metrics-table');
  await page.goto(broken);
  await page.waitForSelector('#link-notice.error');
  assert.match(
    await page.textContent('#link-notice'),
    new RegExp(`parameter sweep: it varies strategy ${scenario.strategies.length + 1}, but there are ${scenario.strategies.length}`),
  );
  assert.equal(await page.textContent('#metrics-table'), before, 'a refused link changed the comparison');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('close cells get the decimals that tell them apart, in the heatmap and the table', async () => {
  const { page, context, errors } = await openApp(app, { width: 390, height: 844 });
  await page.locator('#sweep').scrollIntoViewIfNeeded();
  // The default sweep: Top N x fee by Sharpe, whose cells differ in the third decimal.
  await page.click('#sweep-run');
  await page.waitForSelector('#sweep-status', { timeout: SLOW });
  const rows = await sweepRows(page);
  assert.equal(rows.length, 16);
  const byValue = new Map(rows.map((r) => [r.value, r.shown]));
  assert.equal(new Set(byValue.values()).size, byValue.size, `two different values read the same: ${JSON.stringify([...byValue])}`);
  assert.ok(rows.some((r) => /^-?\d+\.\d{3,}$/.test(r.shown)), 'no cell needed a third decimal');
  await page.locator('#sweep-canvas').scrollIntoViewIfNeeded();
  await screenshot(page, 'sweep-phone');
  assertNoConsoleErrors(errors);
  await context.close();
});
