// Lessons on the user's data: with files loaded, a lesson runs its rules on
// them and its readout quotes their numbers (checked against the metrics
// table of the same run); a lesson that does not fit says why; a teacher's
// link opens a lesson on a dataset by URL, fetched after Load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot, dataDir } from '../support/harness.mjs';
import { useApp, openApp, metricCell, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();
const top50 = path.join(dataDir, 'coingecko-top50-2023');
const files = fs.readdirSync(top50).filter((f) => f.endsWith('.csv')).sort();
const host = { server: null, port: 0, log: [] };

before(async () => {
  host.server = http.createServer((req, res) => {
    host.log.push(req.url);
    const file = path.join(top50, path.basename(req.url));
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'access-control-allow-origin': '*' }).end(fs.readFileSync(file));
  });
  await new Promise((r) => host.server.listen(0, '127.0.0.1', r));
  host.port = host.server.address().port;
});
after(() => host.server?.closeAllConnections?.() || host.server?.close());

async function readout(page, previous = '') {
  await page.waitForFunction(
    (p) => {
      const t = document.querySelector('#lesson-readout')?.textContent || '';
      return /\d/.test(t) && t !== p && !document.querySelector('#updating');
    },
    previous,
    { timeout: SLOW },
  );
  return page.textContent('#lesson-readout');
}

test('a lesson on uploaded files reads out their numbers', { timeout: 300_000 }, async () => {
  const { page, context, errors } = await openApp(app);
  await page.setInputFiles('#file-input', files.map((f) => path.join(top50, f)));
  await page.waitForFunction((n) => new RegExp(`^${n} file\\(s\\)`).test(document.querySelector('#data-source').textContent), files.length, {
    timeout: SLOW,
  });
  await page.click('#learn-toggle');
  await page.click('.lesson-item[data-lesson="what-they-hold"]');
  const text = await readout(page);
  assert.match(await page.textContent('.lesson-data'), /your loaded files/);
  assert.match(await page.textContent('.lesson-on-files'), /runs on your files/);
  // The readout's CAGRs are the metrics table's for the same strategies.
  const cap = await metricCell(page, 'cagr', 'Top 20, cap-weighted, monthly');
  const ew = await metricCell(page, 'cagr', 'Top 20, equal-weighted, monthly');
  const num = (t) => Number(t.replace('−', '-').replace(/[%,]/g, ''));
  const m = /cap weighting (-?[\d.,]+)% a year, equal weighting (-?[\d.,]+)%/.exec(text);
  assert.ok(m, text);
  // The readout writes one decimal, the table two: equal to the rounding.
  assert.ok(Math.abs(num(m[1]) - num(cap)) <= 0.051, `${cap} vs ${m[1]}`);
  assert.ok(Math.abs(num(m[2]) - num(ew)) <= 0.051, `${ew} vs ${m[2]}`);
  assert.match(text, /most often bitcoin/);
  assert.ok(!(await page.$('.lesson-changed')), 'the lesson counts as set up');
  await page.locator('#learn-panel').screenshot({ path: path.join(path.dirname(await screenshot(page, 'lesson-on-files')), 'lesson-on-files-panel.png') });

  // A lesson that needs 100 coins says it does not fit 50 files.
  await page.click('.lesson-item[data-lesson="top10-vs-top100"]');
  await page.waitForSelector('.lesson-misfit', { timeout: SLOW });
  assert.match(await page.textContent('.lesson-misfit'), /up to 100 coins; the loaded data has \d+/);
  // A market dial is off on files.
  await page.click('.lesson-item[data-lesson="volatility-drag"]');
  await readout(page, text);
  assert.equal(await page.$$eval('.lesson-option', (bs) => bs.every((b) => b.disabled)), true);
  assertNoConsoleErrors(errors);
  await context.close();
});

test("a teacher's link opens a lesson on a dataset by URL after Load", { timeout: 300_000 }, async () => {
  const some = files.slice(0, 30);
  const sender = await openApp(app);
  await sender.page.fill('#url-input', some.map((f) => `http://localhost:${host.port}/${f}`).join(' '));
  await sender.page.click('#url-load');
  await sender.page.waitForFunction(() => /^30 file\(s\)/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  await sender.page.click('#learn-toggle');
  await sender.page.click('.lesson-item[data-lesson="rebalance-costs"]');
  const sent = await readout(sender.page);
  await sender.page.click('#lesson-link');
  await sender.page.waitForFunction(() => /#s\.v1\./.test(location.href), null, { timeout: SLOW });
  const link = sender.page.url();
  await sender.context.close();

  host.log = [];
  const student = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await student.newPage();
  await page.goto(link);
  await page.waitForSelector('#url-prompt-load', { timeout: SLOW });
  assert.deepEqual(host.log, []);
  await page.click('#url-prompt-load');
  const got = await readout(page);
  assert.equal(got, sent, 'the student reads the teacher readout');
  assert.equal(host.log.length, 30);
  await student.close();
});
