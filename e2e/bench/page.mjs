// In-browser timings of the release build (headless Chromium), written to
// target/bench/page.json. Run by `cargo xtask bench` after `trunk build --release`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync, spawnSync } from 'node:child_process';
import { serveDist, launch, openPage, repoRoot, dataDir, distDir } from '../support/harness.mjs';
import * as engineBench from './workers.mjs';
import { mean, median, quantile, round, summary } from './stats.mjs';

/** Adds presets from the "add a preset" menu until `n` strategies are compared. */
async function addPresets(page, n) {
  const columns = () => page.$$eval('#metrics-table thead th', (ths) => ths.length - 1);
  while ((await columns()) < n) {
    const have = await page.$$eval('#metrics-table thead th', (ths) =>
      ths.slice(1).map((th) => th.textContent.trim()),
    );
    const options = await page.$$eval('#add-preset option', (os) =>
      os.filter((o) => o.value !== '').map((o) => ({ value: o.value, label: o.textContent.trim() })),
    );
    const pick = options.find((o) => !have.includes(o.label));
    if (!pick) throw new Error(`only ${have.length} distinct presets to add, wanted ${n}`);
    await page.selectOption('#add-preset', pick.value);
    await page.waitForFunction(
      (k) => document.querySelectorAll('#metrics-table thead th').length === k + 1,
      have.length + 1,
    );
  }
}

// Runs in the page: one fee change on the first strategy (10 <-> 11 bp),
// which re-simulates every strategy (the first is the benchmark of the
// others) and redraws every chart. `t0` is just before the change event.
// `work_ms` ends when the last chart finished painting; `frame_ms` at the
// first animation frame after the table changed and every visible chart was
// painted, i.e. when the browser starts the frame that shows them (it adds
// the wait for the display's next frame, 0-17 ms). The app's
// `performance.measure` entries (`indexlab:simulate`, `indexlab:chart-data`,
// `indexlab:paint:<chart>`; see src/compute.rs) split the work; builds
// without them fall back to "table changed, then one more frame".
async function feeChange() {
  const input = document.querySelector('.f-fee');
  const fee = input.value === '11' ? '10' : '11';
  // The fee changes the Fees row, so the table text tells when the new results are in.
  const table = () => document.querySelector('#metrics-table').textContent;
  const charts = [...document.querySelectorAll('canvas.chart-canvas')].map((c) => c.id.replace(/^chart-/, ''));
  const measures = () => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('indexlab:'));
  const paintOf = (m) => (m.name.startsWith('indexlab:paint:') ? m.name.slice('indexlab:paint:'.length) : null);
  const painted = () => new Set(measures().map(paintOf).filter(Boolean));
  const before = table();
  performance.clearMeasures();
  const t0 = performance.now();
  input.value = fee;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  let marks = false;
  for (let frames = 0; ; frames++) {
    if (frames > 600) throw new Error('the metrics did not change after a fee change');
    await new Promise((r) => requestAnimationFrame(r));
    if (table() === before) continue;
    const p = painted();
    marks = measures().length > 0;
    if (!marks || charts.every((c) => p.has(c))) break;
  }
  // Without the app's marks the canvases may be drawn in effects after the DOM update: one more frame.
  if (!marks) await new Promise((r) => requestAnimationFrame(r));
  const frame_ms = performance.now() - t0;
  const ms = measures();
  const sum = (pred) => ms.filter((m) => pred(m.name)).reduce((a, m) => a + m.duration, 0);
  const work_ms = marks ? Math.max(...ms.map((m) => m.startTime + m.duration)) - t0 : NaN;
  const paints = {};
  for (const m of ms.filter(paintOf)) paints[paintOf(m)] = (paints[paintOf(m)] || 0) + m.duration;
  return {
    frame_ms,
    work_ms,
    simulate_ms: sum((n) => n === 'indexlab:simulate'),
    chart_data_ms: sum((n) => n === 'indexlab:chart-data'),
    paint_ms: sum((n) => paintOf({ name: n }) !== null),
    paints,
    charts,
  };
}

/** `runs` fee changes (after 3 warm-up ones): timings and where the time went. */
async function redrawRuns(page, runs) {
  await page.click('.strategy .edit');
  const all = [];
  for (let i = 0; i < runs + 3; i++) {
    const r = await page.evaluate(feeChange);
    const t = await page.textContent('#timing');
    r.simulate_shown_ms = Number(/in ([\d.]+) ms/.exec(t)[1]);
    if (i >= 3) all.push(r);
  }
  await page.click('.strategy .edit');
  const pick = (f) => all.map(f);
  const out = { frame: summary(pick((r) => r.frame_ms)), simulate: summary(pick((r) => r.simulate_shown_ms)) };
  if (all.every((r) => Number.isFinite(r.work_ms))) {
    out.work = summary(pick((r) => r.work_ms));
    const parts = {
      simulate_and_metrics: pick((r) => r.simulate_ms),
      chart_data_prep: pick((r) => r.chart_data_ms),
      canvas_paint: pick((r) => r.paint_ms),
      // Yew rendering, DOM updates, layout and scheduling gaps: the rest of the work.
      yew_dom_and_scheduling: pick((r) => r.work_ms - r.simulate_ms - r.chart_data_ms - r.paint_ms),
      waiting_for_frame: pick((r) => r.frame_ms - r.work_ms),
    };
    for (const c of all[0].charts) parts[`paint_${c}`] = pick((r) => r.paints[c] ?? 0);
    const stats = (xs) => ({
      median_ms: round(median(xs)),
      mean_ms: round(mean(xs)),
      p95_ms: round(quantile(xs, 0.95)),
    });
    out.breakdown = Object.fromEntries(Object.entries(parts).map(([k, xs]) => [k, stats(xs)]));
    out.breakdown.charts_visible = all[0].charts;
  }
  return out;
}

/** A CPU profile (CDP Profiler) over `runs` fee changes, saved to target/bench/redraw.cpuprofile
 * (open it in Chrome's DevTools): the functions with the most self time. */
async function profileRedraws(page, runs) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await page.click('.strategy .edit');
  await cdp.send('Profiler.start');
  for (let i = 0; i < runs; i++) await page.evaluate(feeChange);
  const { profile } = await cdp.send('Profiler.stop');
  await page.click('.strategy .edit');
  const file = path.join(repoRoot, 'target', 'bench', 'redraw.cpuprofile');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  const dt = new Map(profile.nodes.map((n) => [n.id, 0]));
  profile.samples.forEach((id, i) => dt.set(id, dt.get(id) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? path.basename(f.url) : ''}`.trim();
    self.set(key, (self.get(key) || 0) + dt.get(n.id) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return {
    file: path.relative(repoRoot, file),
    runs,
    top_self_ms_per_change: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([k, ms]) => [k, round(ms / runs), `${round((100 * ms) / total)}%`]),
  };
}

const server = await serveDist();
const browser = await launch();
const report = { date: new Date().toISOString(), machine: `${process.arch}, ${(await import('node:os')).cpus().length} cores` };

// `--redraw-only`: section 2 alone, written to target/bench/page-redraw.json
// (for profiling the redraw); `--profile` adds a CPU profile of fee changes.
const redrawOnly = process.argv.includes('--redraw-only');

// 1. First chart visible: ms from navigation start until the growth canvas has ink.
const firstChart = [];
for (let i = 0; i < (redrawOnly ? 0 : 5); i++) {
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
if (!redrawOnly) report.first_chart_visible = summary(firstChart);

// 2. A parameter change: every strategy re-simulated and every visible chart
// redrawn. The target (issue 7: p95 <= 50 ms) is for the default view with 6
// strategies: the three other presets are added through the "add a preset"
// menu, as a user does. `parameter_change_*` are for 6 strategies,
// `parameter_change_3_strategies_*` for the page as it opens.
{
  const { page, context } = await openPage(browser, server.url);
  await page.waitForSelector('#metrics-table', { state: 'attached' });
  const three = await redrawRuns(page, 30);
  report.parameter_change_3_strategies_redraw = three.frame;
  report.parameter_change_3_strategies_work = three.work;
  report.parameter_change_3_strategies_simulate_only = three.simulate;
  report.parameter_change_3_strategies_breakdown = three.breakdown;
  report.default_view = await page.textContent('#timing');

  await addPresets(page, 6);
  const six = await redrawRuns(page, 40);
  report.parameter_change_redraw = six.frame;
  report.parameter_change_work = six.work;
  report.parameter_change_simulate_only = six.simulate;
  report.parameter_change_breakdown = six.breakdown;
  report.default_view_6_strategies = await page.textContent('#timing');
  if (process.argv.includes('--profile')) report.redraw_cpu_profile = await profileRedraws(page, 20);
  await context.close();
}

// 3. Ingest of the 39 MB long CSV picked by the user: unpacked, then as the .gz file.
const gz = path.join(dataDir, 'coingecko-top150-2017-2021.csv.gz');
const unpacked = path.join(repoRoot, 'target', 'bench', 'coingecko-top150-2017-2021.csv');
fs.mkdirSync(path.dirname(unpacked), { recursive: true });
if (!redrawOnly) fs.writeFileSync(unpacked, (await import('node:zlib')).gunzipSync(fs.readFileSync(gz)));
for (const [label, file] of redrawOnly ? [] : [['csv_39mb', unpacked], ['gz', gz]]) {
  const times = [];
  const times_parse = [];
  const blocked = [];
  for (let i = 0; i < 3; i++) {
    const { page, context } = await openPage(browser, server.url);
    await page.waitForSelector('#metrics-table', { state: 'attached' });
    const before = await page.textContent('#data-source');
    await engineBench.watchLongTasks(page);
    const t0 = Date.now();
    await page.setInputFiles('#file-input', file);
    // Loaded, and the comparison (in a worker at this size) is on screen.
    await page.waitForFunction(
      (b) => {
        const source = document.querySelector('#data-source').textContent;
        const assets = /: (\d+) assets/.exec(source);
        return source !== b && assets && !document.querySelector('#updating') &&
          document.querySelector('#timing').textContent.includes(`× ${assets[1]} assets`);
      },
      before,
      { timeout: 120000, polling: 50 },
    );
    times.push(Date.now() - t0);
    blocked.push(await engineBench.longestTask(page));
    report.ingest_result = await page.textContent('#data-source');
    times_parse.push(Number(/checked in (\d+) ms/.exec(report.ingest_result)[1]));
    report.ingest_then_default_view = await page.textContent('#timing');
    await context.close();
  }
  report[`ingest_${label}_load_simulate_draw`] = summary(times);
  report[`ingest_${label}_parse_and_check`] = summary(times_parse);
  report[`ingest_${label}_longest_main_thread_task`] = summary(blocked);
}

// 4. The engine in the page: one simulation, the native benchmark's case.
// 5. A 1,000-configuration sweep through the worker pool.
// 6. The built-in market at 2,000 assets x 3,650 days.
if (!redrawOnly) {
  Object.assign(report, await engineBench.simulate(browser, server.url));
  Object.assign(report, await engineBench.sweep(browser, server.url));
  Object.assign(report, await engineBench.stress(browser, server.url));
  // 7. The Robustness tab on the top-150 file from 2018.
  Object.assign(report, await engineBench.robustness(browser, server.url, gz));
  // 8. A file of every coin (generated), loaded with "ever in the top 200";
  // the CLI's peak memory on it, with and without the filter.
  const everyCoin = path.join(repoRoot, 'target', 'bench', 'every-coin.csv.gz');
  if (!fs.existsSync(everyCoin)) {
    execFileSync('cargo', ['run', '--quiet', '--release', '-p', 'engine', '--example', 'universe_file', '--', everyCoin], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  Object.assign(report, await engineBench.everyCoin(server.url, everyCoin, null));
  Object.assign(report, await engineBench.everyCoin(server.url, everyCoin, 200));
  execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'cli'], { cwd: repoRoot, stdio: 'inherit' });
  const cli = path.join(repoRoot, 'target', 'release', 'indexlab-cli');
  for (const [key, extra] of [['cli_every_coin_top200_peak_mb', ['--ever-top', '200']], ['cli_every_coin_all_peak_mb', []]]) {
    const run = spawnSync(cli, ['run', '--data', everyCoin, '--preset', 'top100-cap-weekly', '--timings', ...extra], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const m = /peak resident memory (\d+) MB/.exec(run.stderr);
    if (m) report[key] = Number(m[1]);
  }
}

// 9. What a session downloads, gzipped (-9): the page, its code and the
// engine's workers (which run the page's own wasm module).
{
  const files = fs.readdirSync(distDir).filter((f) => /\.(html|js|wasm|css|svg)$/.test(f));
  const bytes = files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(distDir, f)), { level: 9 }).length, 0);
  report.download_gzip_kb = Math.round(bytes / 1024);
  report.download_files = files.join(', ');
}

await browser.close();
await server.close();
const out = path.join(repoRoot, 'target', 'bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, redrawOnly ? 'page-redraw.json' : 'page.json'), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
