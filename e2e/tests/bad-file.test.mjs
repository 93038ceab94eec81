// Flow 6: a bad file is refused with a message naming it, and the data
// already loaded (with its metrics and charts) stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  metricsText,
  canvasHash,
  tempDir,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();
const dir = tempDir();

function writeFixture(name, text) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const CASES = [
  {
    what: 'a non-numeric price',
    name: 'bad-price-usd-max.csv',
    text: 'snapped_at,price,market_cap,total_volume\n2021-01-01 00:00:00 UTC,abc,1000000,5000\n',
  },
  { what: 'an empty file', name: 'empty-usd-max.csv', text: '' },
  { what: 'a header without rows', name: 'header-only-usd-max.csv', text: 'snapped_at,price,market_cap,total_volume\n' },
  { what: 'a pipe-separated table', name: 'pipes.csv', text: 'date|price\n2021-01-01|1.5\n2021-01-02|1.6\n' },
  // Hostile and careless files: each named for what it is, quickly.
  {
    what: 'a 1 MB header of 100,000 columns',
    name: 'wide.csv',
    text: 'date,' + Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',') + '\n2021-01-01,1\n',
    expect: /100,?001 columns, more than the 10,?000/,
    within: 2000,
  },
  {
    what: 'prices of 1e308',
    name: 'huge-usd-max.csv',
    text: 'snapped_at,price,market_cap,total_volume\n2021-01-01 00:00:00 UTC,1e308,1,1\n2021-01-02 00:00:00 UTC,1e308,1,1\n',
    expect: /implausible|1e308/i,
  },
  { what: 'an Excel workbook', name: 'prices.xlsx', text: Buffer.from('PK\x03\x04\x14\x00\x06\x00xl/workbook.xml', 'latin1'), expect: /Excel \.xlsx spreadsheet: export it as CSV/ },
  { what: 'a PNG image', name: 'chart.png', text: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), expect: /a PNG image/ },
  { what: 'a PDF', name: 'report.pdf', text: '%PDF-1.7\n%\xe2\xe3\n1 0 obj\n', expect: /a PDF document/ },
  {
    what: 'a European decimal comma in a comma-separated file',
    name: 'euro.csv',
    text: 'date,price\n2021-01-01,"1.234,56"\n2021-01-02,"1.240,10"\n',
    expect: /decimal comma/i,
  },
  {
    what: 'a day-first date read month first',
    name: 'mixed-dates.csv',
    text: 'date,price\n12/25/2021,1\n25/12/2021,2\n',
    expect: /day.first/i,
  },
];

for (const c of CASES) {
  test(`${c.what} is refused with its file name; the loaded data stays`, async () => {
    const file = writeFixture(c.name, c.text);
    const { page, context, errors } = await openApp(app);
    const source = await page.textContent('#data-source');
    const table = await metricsText(page);
    const growth = await canvasHash(page, '#chart-growth');
    assert.equal(await page.locator('.data-error').count(), 0);

    const t0 = Date.now();
    await page.setInputFiles('#file-input', file);
    const error = page.locator('.data-error');
    await error.waitFor({ timeout: SLOW });
    const took = Date.now() - t0;
    const message = (await error.textContent()).trim();
    assert.ok(message.includes(c.name), `the error "${message}" does not name ${c.name}`);
    if (c.expect) assert.match(message, c.expect);
    if (c.within) assert.ok(took < c.within, `refused after ${took} ms`);
    assert.ok(message.length < 600, `a ${message.length}-character message`);
    assert.match(message, /previous data is still loaded/i);
    assert.equal(await page.getAttribute('.data-error', 'role'), 'alert');

    assert.equal(await page.textContent('#data-source'), source, 'data source text changed');
    assert.equal(await metricsText(page), table, 'metrics changed');
    assert.equal(await canvasHash(page, '#chart-growth'), growth, 'growth chart changed');
    assert.equal(await page.locator('#report').count(), 0, 'a report appeared for refused data');
    // The progress line is gone once the read ended.
    assert.equal(await page.locator('.data-panel .progress').count(), 0);

    await screenshot(page, `bad-file-${path.basename(c.name).replace(/\./g, '-')}`);

    // Dismiss removes the message.
    await error.getByRole('button', { name: 'Dismiss' }).click();
    await error.waitFor({ state: 'detached', timeout: SLOW });
    assertNoConsoleErrors(errors);
    await context.close();
  });
}

test('a bad file among good ones refuses the whole set and says which file', async () => {
  const bad = writeFixture('bad-price-usd-max.csv', CASES[0].text);
  const good = writeFixture(
    'good-usd-max.csv',
    'snapped_at,price,market_cap,total_volume\n' +
      Array.from({ length: 30 }, (_, i) => {
        const d = new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10);
        return `${d} 00:00:00 UTC,${100 + i},${1e9 + i * 1e6},${1e6}`;
      }).join('\n') +
      '\n',
  );
  const { page, context, errors } = await openApp(app);
  const source = await page.textContent('#data-source');
  const table = await metricsText(page);
  await page.setInputFiles('#file-input', [good, bad]);
  await page.locator('.data-error').waitFor({ timeout: SLOW });
  const message = (await page.textContent('.data-error')).trim();
  assert.ok(message.includes('bad-price-usd-max.csv'), message);
  assert.ok(!message.includes('good-usd-max.csv'), `the good file is blamed: ${message}`);
  assert.equal(await page.textContent('#data-source'), source);
  assert.equal(await metricsText(page), table);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a good load after a refused file clears the error', async () => {
  const bad = writeFixture('empty-usd-max.csv', '');
  const good = writeFixture(
    'good-usd-max.csv',
    'snapped_at,price,market_cap,total_volume\n' +
      Array.from({ length: 30 }, (_, i) => {
        const d = new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10);
        return `${d} 00:00:00 UTC,${100 + i},${1e9 + i * 1e6},${1e6}`;
      }).join('\n') +
      '\n',
  );
  const { page, context, errors } = await openApp(app);
  await page.setInputFiles('#file-input', bad);
  await page.locator('.data-error').waitFor({ timeout: SLOW });
  await page.setInputFiles('#file-input', good);
  await page.waitForFunction(() => /1 file\(s\): 1 assets/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  assert.equal(await page.locator('.data-error').count(), 0, 'the old error stayed after a good load');
  assertNoConsoleErrors(errors);
  await context.close();
});
