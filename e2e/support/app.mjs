// Helpers shared by the flow tests: one server and browser per test file,
// a fresh browser context (empty localStorage) per test, waits on the app's
// own signals (metrics rows, canvas pixels) instead of fixed sleeps, and
// readers for the metrics table.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveDist, launch, openPage, repoRoot } from './harness.mjs';

/** Generous default wait: the wasm loads in about a second, but 19 real
 * coins over ten years on a shared 2-core machine can take a while. */
export const SLOW = 60_000;

/** Registers before/after hooks for one server + browser; returns a live handle. */
export function useApp() {
  const app = { server: null, browser: null };
  before(async () => {
    app.server = await serveDist();
    app.browser = await launch();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/** Opens the app in a fresh context and waits until the metrics table has
 * rows and the growth chart has ink. */
export async function openApp(app, opts) {
  const opened = await openPage(app.browser, app.server.url, opts);
  await waitForReady(opened.page);
  return opened;
}

/** Waits for the metrics table's CAGR row and a drawn growth chart. */
export async function waitForReady(page) {
  await page.waitForSelector('#metrics-table tbody tr[data-key="cagr"] td', { state: 'attached', timeout: SLOW });
  await waitForInk(page, '#chart-growth', 2000);
}

/** Opens the Robustness tab and waits for its verdict, every analysis done;
 * returns the verdict's text. */
export async function openRobustnessTab(page) {
  await page.click('#tab-robustness');
  await page.waitForFunction(() => {
    const v = document.querySelector('#verdict p');
    return v && /On this data/.test(v.textContent) && !document.querySelector('#robustness-progress');
  }, null, { timeout: 180_000 });
  return page.textContent('#verdict p');
}

/** Waits until a canvas has at least `min` pixels unlike its top-left one. */
export async function waitForInk(page, selector, min = 2000, timeout = SLOW) {
  await page.waitForFunction(
    ([sel, min]) => {
      const c = document.querySelector(sel);
      if (!c || c.width === 0 || c.height === 0) return false;
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const [r, g, b] = [data[0], data[1], data[2]];
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) > 30) n++;
        if (n >= min) return true;
      }
      return false;
    },
    [selector, min],
    { timeout, polling: 100 },
  );
}

// Runs in the page: compares a 32-bit FNV-1a hash of a canvas's size and
// pixels with `want`. mode 'get' returns the hash; 'differs' the hash when it
// differs from `want` (else false); 'equals' true when it equals `want`.
function pixelProbe([sel, want, mode]) {
  const c = document.querySelector(sel);
  let hash = null;
  if (c && c.width > 0 && c.height > 0) {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let h = 0x811c9dc5 ^ c.width ^ (c.height << 16);
    for (let i = 0; i < data.length; i++) {
      h ^= data[i];
      h = Math.imul(h, 0x01000193);
    }
    hash = `${c.width}x${c.height}:${(h >>> 0).toString(16)}`;
  }
  if (mode === 'get') return hash;
  if (mode === 'differs') return hash !== null && hash !== want ? hash : false;
  return hash === want;
}

/** A hash of a canvas's pixels (changes when anything on it is redrawn differently). */
export function canvasHash(page, selector) {
  return page.evaluate(pixelProbe, [selector, null, 'get']);
}

/** Waits until a canvas's pixel hash differs from `previous`; returns the new hash. */
export async function waitForCanvasChange(page, selector, previous, timeout = SLOW) {
  const handle = await page.waitForFunction(pixelProbe, [selector, previous, 'differs'], { timeout, polling: 100 });
  return handle.jsonValue();
}

/** Waits until a canvas's pixel hash equals `expected`. */
export async function waitForCanvasHash(page, selector, expected, timeout = SLOW) {
  await page.waitForFunction(pixelProbe, [selector, expected, 'equals'], { timeout, polling: 100 });
}

/** Strategy names heading the metrics table's columns, in order. */
export function metricsColumns(page) {
  return page.$$eval('#metrics-table thead th', (ths) => ths.slice(1).map((th) => th.textContent.trim()));
}

/** Display texts of one metric row (one per strategy column). */
export function metricRow(page, key) {
  return page.$$eval(`#metrics-table tbody tr[data-key="${key}"] td`, (tds) => tds.map((td) => td.textContent.trim()));
}

/** The value of metric `key` in the column headed by `strategyName`. */
export async function metricCell(page, key, strategyName) {
  const cols = await metricsColumns(page);
  const i = cols.indexOf(strategyName);
  assert.ok(i >= 0, `no metrics column named "${strategyName}" in ${JSON.stringify(cols)}`);
  return (await metricRow(page, key))[i];
}

/** Every cell of the metrics table, as text (for before/after comparisons). */
export function metricsText(page) {
  return page.$eval('#metrics-table', (t) =>
    [...t.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()).join('\t')).join('\n'),
  );
}

/** Parses a displayed percentage such as `12.3%`, `−4.5%` or `-0.01%`; NaN otherwise. */
export function parsePercent(text) {
  const m = /^([+\-\u2212]?)\s*([\d,]*\.?\d+)\s*%$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[2].replace(/,/g, ''));
  return m[1] === '-' || m[1] === '\u2212' ? -v : v;
}

/** Sets an input's value and fires `change` (the app listens to change, not input). */
export async function setValue(page, selector, value) {
  const input = page.locator(selector);
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

/** Asserts that no console error or uncaught exception was recorded. */
export function assertNoConsoleErrors(errors) {
  assert.deepEqual(errors, [], `console errors: ${errors.join(' | ')}`);
}

/** A fresh temporary directory for files a test writes. */
export function tempDir(prefix = 'indexlab-e2e-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Clicks `trigger` and returns the download it starts: { name, body (Buffer) }. */
export async function download(page, trigger, timeout = 30_000) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout }), trigger()]);
  const failure = await dl.failure();
  assert.equal(failure, null, `download ${dl.suggestedFilename()} failed: ${failure}`);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), body: fs.readFileSync(file) };
}

/** Splits CSV text into records of fields (RFC 4180 quoting; no embedded newlines needed here but handled). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

let cliBuilt = false;
/** The native CLI binary, built (or found up to date) on first use. */
export function cliBinary() {
  const bin = path.join(repoRoot, 'target', 'debug', 'indexlab-cli');
  // Always asked for: a binary left from older code would give older answers
  // (cargo returns at once when it is up to date).
  if (!cliBuilt) {
    execFileSync('cargo', ['build', '--quiet', '-p', 'cli'], { cwd: repoRoot, stdio: 'inherit' });
    cliBuilt = true;
  }
  return bin;
}
