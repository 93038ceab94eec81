// Kept datasets: with "Keep these files in this browser" ticked, files
// (here fetched from a second local origin) are stored in IndexedDB; a link
// on them reopens after a reload at once, with no request to the data host;
// the list shows them with their size; Delete removes them (IndexedDB
// checked); Reset offers to delete kept data too. Nothing is kept without
// the opt-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot, dataDir } from '../support/harness.mjs';
import { useApp, metricsText, waitForReady, SLOW } from '../support/app.mjs';

const app = useApp();
const exportsDir = path.join(dataDir, 'coingecko-exports-19');
const FILES = ['btc-usd-max.csv', 'ada-usd-max.csv'];
const host = { server: null, port: 0, log: [] };

before(async () => {
  host.server = http.createServer((req, res) => {
    host.log.push(req.url);
    const file = path.join(exportsDir, path.basename(req.url));
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/csv' }).end(fs.readFileSync(file));
  });
  await new Promise((r) => host.server.listen(0, '127.0.0.1', r));
  host.port = host.server.address().port;
});
after(() => host.server?.closeAllConnections?.() || host.server?.close());

/** Datasets in the page's IndexedDB `meta` store. */
function keptInDb(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('indexlab');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('meta')) return resolve(0);
          const req = db.transaction('meta').objectStore('meta').count();
          req.onsuccess = () => {
            resolve(req.result);
            db.close();
          };
          req.onerror = () => reject(req.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
}

async function waitFiles(page, n) {
  await page.waitForFunction((n) => new RegExp(`^${n} file\\(s\\)`).test(document.querySelector('#data-source').textContent), n, {
    timeout: SLOW,
  });
  await page.waitForFunction(() => !document.querySelector('#updating'), null, { timeout: SLOW });
}

test('kept files reopen a link after a reload without a request, and Delete removes them', { timeout: 300_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url.replace(/\/$/, '') });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(app.server.url);
  await waitForReady(page);
  await page.fill('#url-input', FILES.map((f) => `http://localhost:${host.port}/${f}`).join(' '));
  await page.click('#url-load');
  await waitFiles(page, 2);
  const table = await metricsText(page);
  assert.equal(await keptInDb(page), 0, 'nothing is kept without the opt-in');
  await page.check('#keep-files');
  await page.waitForSelector('#kept-list', { timeout: SLOW });
  const summary = await page.textContent('#kept-list summary');
  const bytes = FILES.reduce((n, f) => n + fs.statSync(path.join(exportsDir, f)).size, 0);
  assert.match(summary, new RegExp(`1 dataset\\(s\\), ${(bytes / 1e6).toFixed(1)} MB`));
  assert.equal(await keptInDb(page), 1);
  await page.click('#copy-link');
  await page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  const link = page.url();

  // Reload on the link: the kept files load at once, nothing is asked of the host.
  host.log = [];
  const fresh = await context.newPage();
  fresh.on('pageerror', (e) => errors.push(String(e)));
  await fresh.goto(link);
  await fresh.waitForFunction(() => /Same data/.test(document.querySelector('#link-notice')?.textContent || ''), null, {
    timeout: SLOW,
  });
  await waitFiles(fresh, 2);
  assert.equal(await metricsText(fresh), table);
  assert.deepEqual(host.log, [], 'the data host was asked although the files are kept');
  assert.equal(await fresh.isChecked('#keep-files'), true);
  await fresh.click('#kept-list summary');
  await screenshot(fresh, 'kept-data');

  // Delete removes it from the list and from IndexedDB.
  await fresh.click('.kept-item .kept-delete');
  await fresh.waitForFunction(() => !document.querySelector('#kept-list'), null, { timeout: SLOW });
  assert.equal(await keptInDb(fresh), 0);
  assert.equal(await fresh.isChecked('#keep-files'), false);

  // Reset offers to delete kept data too.
  await fresh.check('#keep-files');
  await fresh.waitForSelector('#kept-list', { timeout: SLOW });
  await fresh.click('#reset');
  await fresh.waitForSelector('#reset-kept', { timeout: SLOW });
  assert.match(await fresh.textContent('#reset-kept'), /Also delete the 1 dataset\(s\) kept in this browser/);
  await fresh.click('#reset-kept');
  await fresh.waitForFunction(() => !document.querySelector('#reset-kept'), null, { timeout: SLOW });
  assert.equal(await keptInDb(fresh), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
