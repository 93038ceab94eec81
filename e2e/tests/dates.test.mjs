// Dates as the user meant them: timestamps with a UTC offset stay on the
// date written, long gaps and disagreeing duplicates are named in the
// report, and day-first dates load (detected, or by the Dates control).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot } from '../support/harness.mjs';
import { useApp, openApp, tempDir, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();
const dir = tempDir();
const iso = (d) => new Date(Date.UTC(2021, 0, 1 + d)).toISOString().slice(0, 10);

function write(name, lines) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function load(page, file, pattern) {
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction((p) => new RegExp(p).test(document.querySelector('#data-source').textContent), pattern, {
    timeout: SLOW,
  });
  return (await page.textContent('#report .warnings').catch(() => '')) || '';
}

test('offsets keep their date, gaps and disagreeing duplicates are named', async () => {
  // 60 days at 23:30 local time, two hours ahead of UTC: one row a day.
  const offsets = ['date,asset,price'];
  for (let d = 0; d < 60; d++) offsets.push(`${iso(d)}T23:30:00+02:00,alpha,${100 + d}`);
  // A second coin with a 100-day hole and one day given twice with different prices.
  for (let d = 0; d < 200; d++) {
    if (d >= 20 && d < 120) continue;
    offsets.push(`${iso(d)}T12:00:00+02:00,beta,${50 + (d % 7)}`);
  }
  offsets.push(`${iso(150)}T12:00:00+02:00,beta,900`);
  const { page, context, errors } = await openApp(app);
  const warnings = await load(page, write('offsets.csv', offsets), '^1 file\\(s\\): 2 assets, 2021-01-01 to 2021-07-19');
  assert.match(warnings, /with a UTC offset .* put on the date as written/);
  assert.match(warnings, /no prices from 2021-01-21 to 2021-04-30 \(100 days\)/);
  assert.match(warnings, /beta on 2021-05-31: 53 and 900 \(kept 900, the last row\)/);
  // Every day of alpha is there: no day collided with the next.
  await page.click('#report summary');
  await page.waitForSelector('#report .report-table tbody tr', { timeout: SLOW });
  const alpha = await page.$$eval('#report .report-table tbody tr', (trs) =>
    trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())).find((r) => r[0] === 'alpha'),
  );
  assert.equal(alpha[2], '2021-01-01');
  assert.equal(alpha[5], '0', 'gaps filled in alpha');
  await screenshot(page, 'dates-offsets-gaps');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('day-first dates load: detected from a day above 12, or as the Dates control says', async () => {
  const { page, context, errors } = await openApp(app);
  const dayFirst = ['date,price'];
  for (let d = 0; d < 40; d++) {
    const [y, m, dd] = iso(d).split('-');
    dayFirst.push(`${dd}/${m}/${y},${10 + d}`);
  }
  await load(page, write('dayfirst-usd.csv', dayFirst), '^1 file\\(s\\): 1 assets, 2021-01-01 to 2021-02-09');

  // Only days up to 12: month first unless the user says otherwise.
  const ambiguous = ['date,price'];
  for (let m = 1; m <= 12; m++) ambiguous.push(`02/${String(m).padStart(2, '0')}/2022,${m}`);
  const file = write('ambiguous-usd.csv', ambiguous);
  await load(page, file, '^1 file\\(s\\): 1 assets, 2022-02-01 to 2022-02-12');
  await page.selectOption('#date-order', 'day');
  await page.waitForFunction(() => /2022-01-02 to 2022-12-02/.test(document.querySelector('#data-source').textContent), null, {
    timeout: SLOW,
  });
  await screenshot(page, 'dates-day-first');
  assertNoConsoleErrors(errors);
  await context.close();
});
