// No data leaves the page: every request the page (and any worker it starts)
// makes is recorded while a user loads the page, changes the built-in market,
// uploads files, edits strategies, copies a link, opens it, and downloads
// CSV, PNG, SVG and a bundle. Allowed, explicitly:
// - while the page loads: the page itself and files of dist/, same origin;
// - after it has loaded: only the app's own code (.js or .wasm files of dist/,
//   same origin), which a Web Worker may fetch on first use, and the icon
//   index.html declares, which Chromium fetches again when the address changes.
// Anything else (another origin, a WebSocket, a beacon, a same-origin request
// for something dist/ does not hold, any request for data) fails the test.
// The Content Security Policy holds too: no violation is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distDir, dataDir, screenshot } from '../support/harness.mjs';
import { useApp, waitForReady, download, setValue, SLOW } from '../support/app.mjs';

const app = useApp();

/** Every file of dist/, as paths relative to the site root (`boot-….js`). */
function distFiles() {
  const out = new Set();
  const walk = (dir, rel) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
      else out.add(`${rel}${e.name}`);
    }
  };
  walk(distDir, '');
  return out;
}

/** A browser context that records requests, workers, WebSockets, console
 * errors and CSP violations from its first request on. */
async function recordingContext(browser, origin) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const log = { requests: [], workers: [], sockets: [], errors: [], phase: 'load' };
  context.on('request', (r) => log.requests.push({ url: r.url(), type: r.resourceType(), phase: log.phase }));
  const page = await context.newPage();
  page.on('worker', (w) => log.workers.push({ url: w.url(), phase: log.phase }));
  page.on('websocket', (ws) => log.sockets.push(ws.url()));
  page.on('console', (m) => m.type() === 'error' && log.errors.push(m.text()));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  return { context, page, log };
}

/** The icon index.html declares (`favicon-….svg`). */
function declaredIcon() {
  const html = fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const m = /<link rel="icon" href="\.\/([^"]+)"/.exec(html);
  assert.ok(m, 'index.html declares no icon');
  return m[1];
}

/** Why `url` is not allowed in `phase`, or null when it is. */
function refusal(url, phase, origin, files) {
  const u = new URL(url);
  if (u.origin !== origin) return 'another origin';
  const rel = decodeURIComponent(u.pathname).replace(/^\//, '');
  if (phase === 'load' && rel === '') return null; // the page itself
  if (!files.has(rel)) return 'not a file of dist/';
  if (phase === 'load') return null;
  // The app's own code, which a Web Worker fetches on first use.
  if (/\.(js|wasm)$/.test(rel)) return null;
  // Chromium fetches the page's icon again when the address changes
  // (a share link in the fragment): a static file, no data in the request.
  if (rel === declaredIcon() && u.search === '') return null;
  return 'a request after the page had loaded';
}

test('no request leaves the origin, and none but the app\'s own code follows the page load', async () => {
  const origin = new URL(app.server.url).origin;
  const files = distFiles();
  assert.ok(files.has('index.html'), 'dist/ has no index.html');
  const { context, page, log } = await recordingContext(app.browser, origin);

  await page.goto(app.server.url);
  await waitForReady(page);
  await page.waitForLoadState('networkidle');
  const atLoad = log.requests.length;
  assert.ok(atLoad >= 4, `only ${atLoad} requests for the page, its script, wasm and style`);
  log.phase = 'use';

  // The built-in market's dials.
  await setValue(page, '#dial-seed', 7);
  await page.waitForFunction(() => /seed 7\b/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  // Upload the 19 CoinGecko exports.
  const exportsDir = path.join(dataDir, 'coingecko-exports-19');
  const csvs = fs.readdirSync(exportsDir).filter((f) => f.endsWith('.csv'));
  assert.equal(csvs.length, 19);
  await page.setInputFiles('#file-input', csvs.map((f) => path.join(exportsDir, f)));
  await page.waitForFunction(() => /^19 file\(s\)/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  await waitForReady(page);
  // Strategies: add a preset, edit a fee.
  await page.selectOption('#add-preset', { index: 4 });
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 5, null, {
    timeout: SLOW,
  });
  await page.locator('.strategy-list li.strategy .edit').first().click();
  await setValue(page, '.strategy-list li.strategy:first-child .f-fee', '25');
  // Copy a link, change the setup, then open the link in the same page (a
  // fragment: nothing is sent).
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#s\.v1\./);
  await page.selectOption('#add-preset', { index: 2 });
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 6, null, {
    timeout: SLOW,
  });
  await page.click('#copy-link');
  await page.waitForFunction((l) => location.href !== l, link);
  await page.evaluate((l) => (location.hash = new URL(l).hash), link);
  await page.waitForFunction(() => document.querySelectorAll('#metrics-table thead th').length === 5, null, {
    timeout: SLOW,
  });
  // Downloads: the metrics CSV, the rebalancing log CSV, a PNG, an SVG, a bundle.
  const downloads = [];
  downloads.push((await download(page, () => page.click('#metrics-csv'))).name);
  await page.click('#tab-rebalancing-log');
  await page.waitForSelector('#log-table tbody tr', { timeout: SLOW });
  downloads.push((await download(page, () => page.click('#log-csv'))).name);
  downloads.push((await download(page, () => page.click('[data-chart="growth"] .png-download'))).name);
  downloads.push((await download(page, () => page.click('[data-chart="growth"] .svg-download'))).name);
  downloads.push((await download(page, () => page.click('#export-bundle'))).name);
  assert.equal(downloads.length, 5, downloads.join(', '));
  // Hover and zoom on a chart.
  const box = await page.locator('#chart-growth').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForLoadState('networkidle');
  await screenshot(page, 'network-after-use');

  const bad = log.requests
    .map((r) => ({ ...r, why: refusal(r.url, r.phase, origin, files) }))
    .filter((r) => r.why);
  assert.deepEqual(bad, [], `requests not allowed:\n${bad.map((r) => `${r.phase} ${r.type} ${r.url}: ${r.why}`).join('\n')}`);
  const afterLoad = log.requests.filter((r) => r.phase === 'use');
  for (const w of log.workers) {
    assert.equal(refusal(w.url, 'use', origin, files), null, `a worker from ${w.url}`);
  }
  assert.deepEqual(log.sockets, [], 'WebSockets were opened');
  assert.deepEqual(log.errors, [], `console errors: ${log.errors.join(' | ')}`);
  // One wasm module per session: the workers (started by the upload, which
  // parses there) run the page's own module, posted to them compiled, so
  // the session requests exactly one .wasm file (src/workers/).
  assert.ok(log.workers.length >= 1, 'the upload started no engine worker');
  for (const w of log.workers) assert.match(w.url, /\/engine-worker\.js$/, `a worker from ${w.url}`);
  const wasm = log.requests.filter((r) => new URL(r.url).pathname.endsWith('.wasm')).map((r) => r.url);
  assert.equal(wasm.length, 1, `wasm requests: ${wasm.join(', ')}`);
  // Without a worker, nothing but the icon is requested after the load.
  if (log.workers.length === 0) {
    const icon = `${origin}/${declaredIcon()}`;
    assert.deepEqual(afterLoad.filter((r) => r.url !== icon).map((r) => r.url), [], 'requests after the load');
  }
  await context.close();
});

test('index.html has a Content Security Policy and no inline script', () => {
  const html = fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  assert.ok(meta, 'no CSP meta element');
  const policy = Object.fromEntries(
    meta[1]
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(policy['default-src'], ["'self'"]);
  assert.deepEqual(policy['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  // Data by URL: https anywhere, plain http only on this computer. The page
  // fetches only after the user presses Load (tests/url-data.test.mjs).
  assert.deepEqual(policy['connect-src'], ["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*']);
  assert.deepEqual(policy['style-src'], ["'self'"]);
  assert.deepEqual(policy['object-src'], ["'none'"]);
  // Every script element loads a file; none has a body or an event handler.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length >= 1, 'no script element');
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\bsrc="\.\/[^"]+\.js"/, `a script without a relative src: <script${attrs}>`);
    assert.equal(body.trim(), '', `inline script: ${body.slice(0, 80)}`);
  }
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'an inline event handler');
  assert.doesNotMatch(html, /javascript:/i);
  // The policy is the first thing in <head> after the charset, before any resource.
  const head = html.slice(html.indexOf('<head>'), html.indexOf('</head>'));
  assert.ok(head.indexOf('Content-Security-Policy') < head.search(/<link|<script/), 'the CSP comes after a resource');
});
