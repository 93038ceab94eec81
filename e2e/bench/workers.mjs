// Page benchmarks of the engine in WebAssembly and of the worker pool, used
// by page.mjs: one simulation (the native benchmark's headline case, so the
// two compare one to one), a 1,000-configuration sweep, the longest
// main-thread task while a 39 MB file loads, and a 2,000 x 3,650 stress run.
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { launch, openPage } from '../support/harness.mjs';
import { summary } from './stats.mjs';

async function ready(page) {
  await page.waitForSelector('#metrics-table tbody tr[data-key="cagr"] td', { state: 'attached', timeout: 120000 });
}

/** `bench_simulate` in the page: equal weight, monthly, 10 bp on the
 * random-walk market (as `cargo bench -p engine --bench simulate`). */
export async function simulate(browser, url) {
  const { page, context } = await openPage(browser, url);
  await ready(page);
  const out = {};
  for (const [key, n, days, seed, samples, batch] of [
    ['simulate_100x2190', 100, 2190, 7, 30, 20],
    ['simulate_500x3650', 500, 3650, 11, 20, 3],
  ]) {
    const times = await page.evaluate(
      (args) => Array.from(window.wasmBindings.bench_simulate(...args)),
      [n, days, seed, samples, batch],
    );
    out[key] = summary(times);
  }
  await context.close();
  return out;
}

/** A 1,000-configuration sweep (Top N x fee x drift band, Sharpe) on the
 * default view's 100 x 2,190 market, through the page's sweep form: the
 * time from Run to every cell in, as the page reports it. The first run
 * includes starting the workers. The sweep is the native benchmark's
 * (`cargo bench -p engine --bench sweep`): equal weight, monthly (the
 * "Top 10, equal-weighted, monthly" strategy, whose Top N the sweep sets),
 * the same Top N, fee and band values, so the two compare one to one. */
export async function sweep(browser, url, repeats = 5) {
  const { page, context } = await openPage(browser, url);
  await ready(page);
  const set = async (sel, v) => {
    await page.locator(sel).fill(v);
    await page.locator(sel).dispatchEvent('change');
  };
  await page.selectOption('#sweep-base', { label: 'Top 10, equal-weighted, monthly' });
  await page.selectOption('#sweep-dim-0', 'top_n');
  await set('#sweep-values-0', '5, 10, 15, 20, 25, 30, 40, 50, 75, 100');
  await page.selectOption('#sweep-dim-1', 'fee_bps');
  await set('#sweep-values-1', '0, 5, 10, 15, 20, 25, 30, 40, 50, 100');
  await page.selectOption('#sweep-dim-2', 'band');
  await set('#sweep-values-2', '0, 1, 2, 3, 4, 5, 7.5, 10, 15, 20');
  await page.selectOption('#sweep-metric', 'sharpe');
  await page.waitForFunction(() => document.querySelector('#sweep-run')?.textContent.includes('Run 1000'));
  const times = [];
  let workers = 0;
  for (let i = 0; i < repeats; i++) {
    const before = (await page.$('#sweep-status')) ? await page.textContent('#sweep-status') : '';
    await page.click('#sweep-run');
    await page.waitForFunction((b) => {
      const s = document.querySelector('#sweep-status');
      return s && s.textContent !== b && !document.querySelector('#sweep-progress');
    }, before, { timeout: 300000 });
    const text = await page.textContent('#sweep-status');
    const m = /^1000 configurations .* in (\d+) ms on (\d+) worker/.exec(text);
    if (!m) throw new Error(`unexpected sweep status: ${text}`);
    times.push(Number(m[1]));
    workers = Number(m[2]);
  }
  await context.close();
  return { sweep_1000_first_run_ms: times[0], sweep_1000: summary(times.slice(1)), sweep_workers: workers };
}

/** Starts recording main-thread long tasks (> 50 ms) in the page. */
export async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
}

/** The longest main-thread task recorded since `watchLongTasks`, in ms (0 if none over 50 ms). */
export async function longestTask(page) {
  return page.evaluate(() => Math.max(0, ...window.__longTasks));
}

/** Resident memory (MB) of the largest Chromium renderer process: the page
 * and its workers live there. */
function largestRendererMb() {
  const out = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
  const rss = out
    .split('\n')
    .filter((l) => /chrom/i.test(l) && l.includes('--type=renderer'))
    .map((l) => Number(l.trim().split(/\s+/)[0]) / 1024);
  return Math.max(0, ...rss);
}

/** The built-in market at 2,000 assets x 3,650 days, opened from a share
 * link: time until its results are on screen, the longest main-thread task,
 * the page's wasm memory and the renderer's resident memory. */
export async function stress(browser, url) {
  const { page, context, errors } = await openPage(browser, url);
  await ready(page);
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const hash = await page.evaluate(() => location.hash.slice(1));
  const scenario = JSON.parse(zlib.inflateRawSync(Buffer.from(hash.slice('s.v1.'.length), 'base64url')).toString());
  scenario.data.synthetic.n_assets = 2000;
  scenario.data.synthetic.years = 10;
  const link = 's.v1.' + zlib.deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url');
  await watchLongTasks(page);
  const t0 = Date.now();
  await page.evaluate((l) => { location.hash = l; }, link);
  await page.waitForFunction(
    () => /× 3650 days × 2000 assets/.test(document.querySelector('#timing').textContent) && !document.querySelector('#updating'),
    null,
    { timeout: 600000, polling: 200 },
  );
  const loaded_ms = Date.now() - t0;
  // Open every tab once so each chart is drawn on the big data.
  for (const tab of ['Rolling risk', 'Monthly returns', 'Turnover', 'Rebalancing log', 'Weights']) {
    await page.getByRole('tab', { name: tab }).click().catch(() => page.getByText(tab, { exact: true }).first().click());
    await page.waitForTimeout(300);
  }
  const report = {
    stress_2000x3650_load_simulate_draw_ms: loaded_ms,
    stress_2000x3650_longest_main_thread_task_ms: await longestTask(page),
    stress_2000x3650_wasm_memory_mb: (await page.evaluate(() => window.wasmBindings.wasm_memory_bytes())) / 1048576,
    stress_2000x3650_renderer_rss_mb: largestRendererMb(),
    stress_2000x3650_timing: await page.textContent('#timing'),
    stress_2000x3650_errors: errors.length,
  };
  await context.close();
  return report;
}

/** The Robustness tab on the gzipped top-150 long CSV from 2018 with the
 * default comparison (weekly, monthly and buy-and-hold strategies): time from
 * opening the tab to the verdict, as the page reports it (`repeats` runs,
 * a new seed each time so nothing is reused). */
export async function robustness(browser, url, file, repeats = 3) {
  const { page, context } = await openPage(browser, url);
  await ready(page);
  const before = await page.textContent('#data-source');
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction((b) => document.querySelector('#data-source').textContent !== b, before, { timeout: 120000 });
  await page.locator('#range-from').fill('2018-01-01');
  await page.locator('#range-from').dispatchEvent('change');
  await page.waitForFunction(() => !document.querySelector('#updating'), null, { timeout: 120000 });
  await page.click('#tab-robustness');
  const times = [];
  let jobs = 0;
  let previous = '';
  for (let i = 0; i < repeats; i++) {
    if (i > 0) {
      await page.locator('#rob-seed').fill(String(i + 1));
      await page.locator('#rob-seed').dispatchEvent('change');
    }
    await page.waitForFunction((prev) => {
      const s = document.querySelector('#robustness-status');
      return s && s.textContent !== prev && !document.querySelector('#robustness-progress');
    }, previous, { timeout: 300000 });
    previous = await page.textContent('#robustness-status');
    const text = await page.textContent('#robustness-status');
    const m = /^(\d+) simulations and the bootstrap in (\d+) ms/.exec(text);
    if (!m) throw new Error(`unexpected robustness status: ${text}`);
    times.push(Number(m[2]));
    jobs = Number(m[1]);
  }
  const assets = /: (\d+) assets/.exec(await page.textContent('#data-source'))[1];
  await context.close();
  return { robustness_top150_2018: summary(times), robustness_jobs: jobs, robustness_assets: Number(assets) };
}

/** The whole-market file (`engine::synth::universe_file`: 2,600 coins x
 * 4,500 days, about a fifth of the cells present, 48 MB gzipped) loaded
 * whole (`top` null) or with "Only coins ever in the top `top`": the time
 * from the pick to drawn results,
 * the longest main-thread task, and the renderer's resident memory sampled
 * every 100 ms during the load (its peak). Each of the `repeats` runs in a
 * browser of its own, so no renderer carries memory from an earlier run. */
export async function everyCoin(url, file, top, repeats = 3) {
  const times = [];
  const blocked = [];
  const memory = [];
  let result = '';
  for (let i = 0; i < repeats; i++) {
    const browser = await launch();
    const { page } = await openPage(browser, url);
    await ready(page);
    if (top) {
      await page.locator('#ever-top').fill(String(top));
      await page.locator('#ever-top').dispatchEvent('change');
    }
    await watchLongTasks(page);
    let peak = largestRendererMb();
    const sampler = setInterval(() => {
      peak = Math.max(peak, largestRendererMb());
    }, 100);
    const t0 = Date.now();
    await page.setInputFiles('#file-input', file);
    await page.waitForFunction(
      () => {
        const source = document.querySelector('#data-source').textContent;
        const assets = /: (\d+) assets/.exec(source);
        return /^1 file/.test(source) && assets && !document.querySelector('#updating') &&
          document.querySelector('#timing').textContent.includes(`× ${assets[1]} assets`);
      },
      null,
      { timeout: 300000, polling: 50 },
    );
    times.push(Date.now() - t0);
    clearInterval(sampler);
    peak = Math.max(peak, largestRendererMb());
    memory.push(peak);
    blocked.push(await longestTask(page));
    result = await page.textContent('#data-source');
    await browser.close();
  }
  const key = top ? `every_coin_top${top}` : 'every_coin_all';
  return {
    [`${key}_pick_to_drawn`]: summary(times),
    [`${key}_longest_main_thread_task`]: summary(blocked),
    [`${key}_renderer_peak_mb`]: Math.max(...memory),
    [`${key}_result`]: result,
  };
}
