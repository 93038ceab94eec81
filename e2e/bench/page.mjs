// In-browser timings of the release build (headless Chromium), written to
// target/bench/page.json. Run by `cargo xtask bench` after `trunk build --release`.
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openPage, repoRoot, dataDir } from '../support/harness.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const summary = (xs) => ({ runs: xs.length, median_ms: median(xs), p95_ms: quantile(xs, 0.95), min_ms: Math.min(...xs), max_ms: Math.max(...xs) });

const server = await serveDist();
const browser = await launch();
const report = { date: new Date().toISOString(), machine: `${process.arch}, ${(await import('node:os')).cpus().length} cores` };

// 1. First chart visible: ms from navigation start until the growth canvas has ink.
const firstChart = [];
for (let i = 0; i < 5; i++) {
  const { page, context } = await openPage(browser, server.url);
  await page.waitForFunction(() => {
    const c = document.querySelector('#chart-growth');
    if (!c) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let k = 0; k < d.length; k += 4 * 97) if (d[k] < 200) return true;
    return false;
  }, null, { timeout: 60000, polling: 'raf' });
  firstChart.push(await page.evaluate(() => performance.now()));
  await context.close();
}
report.first_chart_visible = summary(firstChart);

// 2. A parameter change: every strategy re-simulated and every chart redrawn.
{
  const { page, context } = await openPage(browser, server.url);
  await page.waitForSelector('#metrics-table');
  await page.click('.strategy .edit');
  const redraw = [];
  const sim = [];
  for (let i = 0; i < 30; i++) {
    const fee = i % 2 === 0 ? '11' : '10';
    const ms = await page.evaluate(async (fee) => {
      const input = document.querySelector('.f-fee');
      // The fee changes the Fees row, so the table text tells when the new results are in.
      const table = () => document.querySelector('#metrics-table').textContent;
      const before = table();
      const t0 = performance.now();
      input.value = fee;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      for (let frames = 0; table() === before; frames++) {
        if (frames > 600) throw new Error('the metrics did not change after a fee change');
        await new Promise((r) => requestAnimationFrame(r));
      }
      // One more frame: the charts' canvases are drawn in effects after the DOM update.
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    }, fee);
    redraw.push(ms);
    const t = await page.textContent('#timing');
    sim.push(Number(/in ([\d.]+) ms/.exec(t)[1]));
  }
  report.parameter_change_redraw = summary(redraw);
  report.parameter_change_simulate_only = summary(sim);
  report.default_view = await page.textContent('#timing');
  await context.close();
}

// 3. Ingest of the 39 MB long CSV picked by the user: unpacked, then as the .gz file.
const gz = path.join(dataDir, 'coingecko-top150-2017-2021.csv.gz');
const unpacked = path.join(repoRoot, 'target', 'bench', 'coingecko-top150-2017-2021.csv');
fs.mkdirSync(path.dirname(unpacked), { recursive: true });
fs.writeFileSync(unpacked, (await import('node:zlib')).gunzipSync(fs.readFileSync(gz)));
for (const [label, file] of [['csv_39mb', unpacked], ['gz', gz]]) {
  const times = [];
  const times_parse = [];
  for (let i = 0; i < 3; i++) {
    const { page, context } = await openPage(browser, server.url);
    await page.waitForSelector('#metrics-table');
    const before = await page.textContent('#data-source');
    const t0 = Date.now();
    await page.setInputFiles('#file-input', file);
    await page.waitForFunction((b) => document.querySelector('#data-source').textContent !== b, before, { timeout: 120000 });
    times.push(Date.now() - t0);
    report.ingest_result = await page.textContent('#data-source');
    times_parse.push(Number(/checked in (\d+) ms/.exec(report.ingest_result)[1]));
    report.ingest_then_default_view = await page.textContent('#timing');
    await context.close();
  }
  report[`ingest_${label}_load_simulate_draw`] = summary(times);
  report[`ingest_${label}_parse_and_check`] = summary(times_parse);
}

await browser.close();
await server.close();
const out = path.join(repoRoot, 'target', 'bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'page.json'), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
