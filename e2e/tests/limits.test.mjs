// Input over a set size is refused with a message naming the limit, instead
// of exhausting the tab's memory, and what is loaded stays: a share link
// over 16 KiB or inflating past 1 MiB, a file over 256 MiB (refused before
// it is read), files over 512 MiB together, a gzip file expanding past
// 256 MiB, and a bundle that would decompress past 512 MiB. The limits
// themselves are tested natively (crates/engine/tests/limits.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { useApp, openApp, metricsText, assertNoConsoleErrors, tempDir, SLOW } from '../support/app.mjs';

const app = useApp();
const MiB = 1024 * 1024;

/** Waits for the data panel's error and returns its text. */
async function dataError(page) {
  await page.waitForSelector('.data-error', { timeout: SLOW });
  return (await page.textContent('.data-error span')).trim();
}

/** A link of the v1 format around raw bytes (deflated by the caller or not). */
const link = (bytes) => `s.v1.${Buffer.from(bytes).toString('base64url')}`;

test('a share link over 16 KiB is refused before decoding; the setup stays', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsText(page);
  const long = `s.v1.${'A'.repeat(16 * 1024)}`;
  await page.evaluate((h) => (location.hash = h), long);
  await page.waitForSelector('#link-notice.error', { timeout: SLOW });
  const notice = (await page.textContent('#link-notice span')).trim();
  const want = `This link cannot be read: the link is ${long.length} characters long, the limit is 16384`;
  assert.ok(notice.startsWith(want), notice);
  assert.match(notice, /Your current setup is unchanged\.$/);
  assert.equal(await metricsText(page), before);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a share link that would inflate past 1 MiB is refused', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsText(page);
  const bomb = zlib.deflateRawSync(Buffer.alloc(8 * MiB, 0x20), { level: 9 });
  const l = link(bomb);
  assert.ok(l.length < 16 * 1024, `the bomb link is ${l.length} characters`);
  await page.evaluate((h) => (location.hash = h), l);
  await page.waitForSelector('#link-notice.error', { timeout: SLOW });
  assert.match(await page.textContent('#link-notice span'), /^This link cannot be read: the data expands to more than 1 MiB; refused/);
  assert.equal(await metricsText(page), before);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a file over 256 MiB, or files over 512 MiB together, are refused before reading', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsText(page);
  // Sparse files: their size is real to the browser, yet they take no disk.
  const dir = tempDir();
  const huge = path.join(dir, 'huge-usd-max.csv');
  fs.writeFileSync(huge, '');
  fs.truncateSync(huge, 300 * MiB);
  await page.setInputFiles('#file-input', huge);
  assert.equal(
    await dataError(page),
    'huge-usd-max.csv is 300 MiB; IndexLab reads files of at most 256 MiB each. ' +
      'Nothing was read; the previous data is still loaded.',
  );
  assert.equal(await page.locator('.progress').count(), 0, 'nothing is being read');
  assert.equal(await metricsText(page), before);
  await page.click('.data-error button');

  const parts = ['a.csv', 'b.csv', 'c.csv'].map((n) => path.join(dir, n));
  for (const p of parts) {
    fs.writeFileSync(p, '');
    fs.truncateSync(p, 200 * MiB);
  }
  await page.setInputFiles('#file-input', parts);
  assert.equal(
    await dataError(page),
    'these 3 files hold 600 MiB together; IndexLab reads at most 512 MiB at once. ' +
      'Nothing was read; the previous data is still loaded.',
  );
  assert.equal(await metricsText(page), before);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a gzip file that expands past 256 MiB is refused while decompressing', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsText(page);
  // 260 MiB of CSV rows in a few hundred KiB.
  const row = Buffer.from('2021-01-01,1\n');
  const chunk = Buffer.concat(Array(1 << 16).fill(row));
  const gz = zlib.createGzip({ level: 9 });
  const out = [];
  gz.on('data', (d) => out.push(d));
  const done = new Promise((r) => gz.on('end', r));
  gz.write('date,price\n');
  for (let n = 0; n < (260 * MiB) / chunk.length; n++) gz.write(chunk);
  gz.end();
  await done;
  const bomb = path.join(tempDir(), 'bomb-usd-max.csv.gz');
  fs.writeFileSync(bomb, Buffer.concat(out));
  assert.ok(fs.statSync(bomb).size < 2 * MiB);
  await page.setInputFiles('#file-input', bomb);
  assert.equal(
    await dataError(page),
    'Could not load the files: bomb-usd-max.csv.gz: the data is larger than the limit of 256 MiB ' +
      '(after decompression). The previous data is still loaded.',
  );
  assert.equal(await metricsText(page), before);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a bundle that would decompress past 512 MiB is refused before its data is read', async () => {
  const { page, context, errors } = await openApp(app);
  const before = await metricsText(page);
  // A real header and manifest (the same scenario JSON a link carries), then
  // a promise of 600 MiB of data.
  await page.click('#copy-link');
  await page.waitForFunction(() => location.hash.startsWith('#s.v1.'));
  const payload = (await page.evaluate(() => location.hash)).slice('#s.v1.'.length);
  const scenario = JSON.parse(zlib.inflateRawSync(Buffer.from(payload, 'base64url')));
  const manifest = Buffer.from(
    JSON.stringify({ scenario, files: [{ name: 'big.csv', size: 600 * MiB, sha256: '0'.repeat(64) }] }),
  );
  const head = Buffer.alloc(8);
  head.writeUInt32LE(1, 0);
  head.writeUInt32LE(manifest.length, 4);
  const file = path.join(tempDir(), 'big.indexlab');
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([Buffer.from('INDEXLAB-BUNDLE\n'), head, manifest])));
  await page.setInputFiles('#file-input', file);
  assert.equal(
    await dataError(page),
    'big.indexlab: this bundle cannot be opened: the data expands to more than 512 MiB; refused. Nothing was changed.',
  );
  assert.equal(await metricsText(page), before);
  assertNoConsoleErrors(errors);
  await context.close();
});
