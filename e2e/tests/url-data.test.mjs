// Data by URL. A second local origin (`localhost`, another port; the app is
// served from 127.0.0.1) plays a data host, with and without CORS. Checked:
// files loaded from addresses give the same numbers as the same files
// uploaded; "Copy link" carries the addresses; the link opens on a prompt
// and nothing is requested from the data host until Load is pressed; after
// Load the numbers are the sender's ("Same data"); a changed file is named;
// every failure (no CORS, 404, timeout, redirect to another host, too large,
// plain http to another host) has its own message and the page stays usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot, dataDir } from '../support/harness.mjs';
import { useApp, openApp, metricsText, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();
const exportsDir = path.join(dataDir, 'coingecko-exports-19');
const FILES = ['btc-usd-max.csv', 'eth-usd-max.csv', 'sol-usd-max.csv'];

/** The data host: logs every request; `changed` serves an altered eth file. */
const host = { server: null, port: 0, log: [], changed: false };

before(async () => {
  host.server = http.createServer((req, res) => {
    host.log.push(req.url);
    const [, mode, name] = req.url.split('/');
    const cors = { 'access-control-allow-origin': '*' };
    if (mode === 'slow') return; // never answers
    if (mode === 'missing') return res.writeHead(404, cors).end('not found');
    if (mode === 'redirect') {
      return res.writeHead(302, { ...cors, location: `http://127.0.0.1:${host.port}/cors/${name}` }).end();
    }
    if (mode === 'big') {
      res.writeHead(200, { ...cors, 'content-type': 'text/csv', 'content-length': String(300 * 1024 * 1024) });
      res.write('snapped_at,price,market_cap,total_volume\n');
      return; // the rest never comes; the page must refuse before reading
    }
    const file = path.join(exportsDir, path.basename(name || ''));
    if (!fs.existsSync(file)) return res.writeHead(404, cors).end();
    let body = fs.readFileSync(file);
    if (host.changed && name === 'eth-usd-max.csv') body = Buffer.from(body.toString().replace(/\n[^\n]*\n?$/, '\n'));
    res.writeHead(200, { ...(mode === 'cors' ? cors : {}), 'content-type': 'text/csv' });
    res.end(body);
  });
  await new Promise((r) => host.server.listen(0, '127.0.0.1', r));
  host.port = host.server.address().port;
});
after(() => host.server?.closeAllConnections?.() || host.server?.close());

const addr = (mode, name) => `http://localhost:${host.port}/${mode}/${name}`;

async function fromAddresses(page, urls) {
  await page.fill('#url-input', urls.join(' '));
  await page.click('#url-load');
}

async function waitFiles(page, n) {
  await page.waitForFunction((n) => new RegExp(`^${n} file\\(s\\)`).test(document.querySelector('#data-source').textContent), n, {
    timeout: SLOW,
  });
  await page.waitForFunction(() => !document.querySelector('#updating'), null, { timeout: SLOW });
}

test('a link with data by URL asks, fetches after Load and reproduces the numbers', { timeout: 300_000 }, async () => {
  // Uploaded: the reference numbers.
  const local = await openApp(app);
  await local.page.setInputFiles('#file-input', FILES.map((f) => path.join(exportsDir, f)));
  await waitFiles(local.page, 3);
  const uploaded = await metricsText(local.page);
  await local.context.close();

  // The same files from their addresses.
  const sender = await openApp(app);
  await fromAddresses(sender.page, FILES.map((f) => addr('cors', f)));
  await waitFiles(sender.page, 3);
  const fetched = await metricsText(sender.page);
  assert.equal(fetched, uploaded, 'fetched files give the numbers of uploaded ones');
  await sender.page.click('#copy-link');
  await sender.page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  const link = sender.page.url();
  assertNoConsoleErrors(sender.errors);
  await sender.context.close();

  // The receiver: a prompt, and no request to the data host before Load.
  host.log = [];
  const receiver = await openApp(app, undefined).catch(() => null); // a plain page to warm the browser
  await receiver?.context.close();
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(link);
  await page.waitForSelector('#url-prompt', { timeout: SLOW });
  const prompt = await page.textContent('#url-prompt');
  assert.match(prompt, /3 file\(s\)/);
  assert.match(prompt, new RegExp(`from localhost`));
  for (const f of FILES) assert.ok(prompt.includes(f), prompt);
  assert.match(prompt, /Nothing has been fetched yet/);
  await page.waitForTimeout(1500);
  assert.deepEqual(host.log, [], 'the data host was asked before Load');
  assert.deepEqual(requests.filter((u) => u.includes(`:${host.port}/`)), []);
  await screenshot(page, 'url-data-prompt');
  await page.click('#url-prompt-load');
  await page.waitForFunction(() => /Same data/.test(document.querySelector('#link-notice')?.textContent || ''), null, {
    timeout: SLOW,
  });
  await waitFiles(page, 3);
  assert.equal(await metricsText(page), fetched, 'the receiver sees the sender numbers');
  assert.deepEqual(host.log.sort(), FILES.map((f) => `/cors/${f}`).sort());
  await screenshot(page, 'url-data-loaded');

  // A file changed on the host since the link was made: named, results marked.
  host.changed = true;
  const again = await context.newPage();
  await again.goto(link);
  await again.waitForSelector('#url-prompt-load', { timeout: SLOW });
  await again.click('#url-prompt-load');
  await again.waitForFunction(() => /Different data/.test(document.querySelector('#link-notice')?.textContent || ''), null, {
    timeout: SLOW,
  });
  assert.match(await again.textContent('#link-notice'), /eth-usd-max\.csv/);
  host.changed = false;
  assert.deepEqual(errors, []);
  await context.close();
});

test('each failure to fetch has its own message and the page stays usable', { timeout: 300_000 }, async () => {
  const { page, context, errors } = await openApp(app);
  await context.addInitScript(() => {});
  await page.evaluate(() => {
    window.indexlabFetchTimeoutMs = 1500;
  });
  const before = await metricsText(page);
  const cases = [
    { url: addr('plain', 'btc-usd-max.csv'), message: /does not allow other sites to read the file.*CORS/ },
    { url: addr('missing', 'btc-usd-max.csv'), message: /answered 404 Not Found: the file is not there/ },
    { url: addr('slow', 'btc-usd-max.csv'), message: /did not arrive within 1\.5 s/ },
    { url: addr('redirect', 'btc-usd-max.csv'), message: /redirected to another host \(127\.0\.0\.1\)/ },
    { url: addr('big', 'btc-usd-max.csv'), message: /over the limit of .* per file; nothing was read/ },
  ];
  for (const c of cases) {
    await fromAddresses(page, [c.url]);
    await page.waitForFunction(() => document.querySelector('.data-error'), null, { timeout: SLOW });
    const text = await page.textContent('.data-error');
    assert.match(text, c.message, `${c.url}: ${text}`);
    assert.match(text, /still loaded/);
    assert.equal(await metricsText(page), before, 'the previous data stays');
    await page.click('.data-error button');
  }
  // Addresses refused before any request.
  host.log = [];
  for (const [url, message] of [
    ['http://example.org/prices.csv', /plain http; only https is fetched/],
    ['ftp://example.org/prices.csv', /does not start with https:\/\//],
    ['https://user:secret@example.org/prices.csv', /must not carry credentials/],
  ]) {
    await fromAddresses(page, [url]);
    await page.waitForSelector('#url-error');
    assert.match(await page.textContent('#url-error'), message);
  }
  assert.deepEqual(host.log, []);
  await screenshot(page, 'url-data-error');
  // Still usable: a good address loads.
  await fromAddresses(page, [addr('cors', 'btc-usd-max.csv')]);
  await waitFiles(page, 1);
  assert.notEqual(await metricsText(page), before);
  // The page's console may name the failed requests (no CORS, 404): those only.
  assertNoConsoleErrors(errors.filter((e) => !/Access-Control-Allow-Origin|Failed to load resource|ERR_/.test(e)));
});
