// Key numbers first: a card per strategy above the charts, with the final
// value and fees in currency, the table's figures, and the best of each row
// marked, on the built-in market and on uploaded files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { screenshot, dataDir } from '../support/harness.mjs';
import { useApp, openApp, openRobustnessTab, metricCell, setValue, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();

/** Every card: its strategy name and its rows as { key: text }. */
function cards(page) {
  return page.$$eval('#key-numbers .card', (cs) =>
    cs.map((c) => ({
      name: c.querySelector('h3').textContent.trim(),
      rows: Object.fromEntries([...c.querySelectorAll('.kv')].map((kv) => [kv.dataset.key, kv.querySelector('dd').textContent.trim()])),
      best: [...c.querySelectorAll('.kv.best')].map((kv) => kv.dataset.key),
    })),
  );
}

const money = (s) => Number(s.replace(/[$,★\s]/g, '').replace('−', '-'));
const pct = (s) => Number(s.replace(/[%,★\s]/g, '').replace('−', '-')) / 100;

async function checkCards(page, capital) {
  const cs = await cards(page);
  assert.ok(cs.length >= 3, `${cs.length} cards`);
  for (const c of cs) {
    assert.deepEqual(Object.keys(c.rows), [
      'final_value', 'total_return', 'cagr', 'volatility', 'sharpe', 'max_drawdown', 'fees_paid', 'cost_drag',
    ]);
    assert.match(c.rows.final_value, /^\$[\d,]+(\.\d\d)?( ★)?$/);
    assert.match(c.rows.fees_paid, /^\$[\d,]+(\.\d\d)?( ★)?$/, 'fees are in currency');
    // Final value = capital x (1 + total return), less the first purchase's
    // cost (total return is measured from the first close after buying).
    const expected = capital * (1 + pct(c.rows.total_return));
    const got = money(c.rows.final_value);
    assert.ok(got <= expected + Math.max(1, expected * 1e-4) && got >= expected * 0.99 - 1, `${c.name}: ${c.rows.final_value} vs ${expected}`);
    // The same figures as the table.
    assert.equal(c.rows.cagr.replace(' ★', ''), await metricCell(page, 'cagr', c.name));
    assert.equal(c.rows.max_drawdown.replace(' ★', ''), await metricCell(page, 'max_drawdown', c.name));
  }
  // One best per row (ties aside), and it is the best value.
  for (const key of ['final_value', 'cagr', 'sharpe']) {
    const marked = cs.filter((c) => c.best.includes(key));
    assert.ok(marked.length >= 1, `no best ${key}`);
    const values = cs.map((c) => (key === 'final_value' ? money(c.rows[key]) : pct(c.rows[key])));
    const top = key === 'final_value' ? money(marked[0].rows[key]) : pct(marked[0].rows[key]);
    assert.equal(top, Math.max(...values.filter(Number.isFinite)));
  }
  return cs;
}

/** Uploads the CoinGecko exports (all but the `leaveOut` files) and waits
 * for their key numbers. */
async function uploadExports(page, leaveOut = []) {
  const dir = path.join(dataDir, 'coingecko-exports-19');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv') && !leaveOut.includes(f));
  await page.setInputFiles('#file-input', files.map((f) => path.join(dir, f)));
  await page.waitForFunction((n) => document.querySelector('#data-source').textContent.startsWith(`${n} file(s)`), files.length, {
    timeout: SLOW,
  });
  await page.waitForFunction(() => /Starting with/.test(document.querySelector('#key-numbers')?.textContent || ''), null, {
    timeout: SLOW,
  });
}

test('key-number cards on the built-in market, above the charts', async () => {
  const { page, context, errors } = await openApp(app);
  await page.waitForSelector('#key-numbers .card', { timeout: SLOW });
  const box = await page.locator('#key-numbers').boundingBox();
  const chart = await page.locator('#chart-growth').boundingBox();
  assert.ok(box.y < chart.y, 'the cards come before the charts');
  await checkCards(page, 10000);
  // A new capital moves the currency figures.
  await setValue(page, '#capital', '2500');
  await page.waitForFunction(() => /Starting with \$2,500/.test(document.querySelector('#key-numbers').textContent), null, {
    timeout: SLOW,
  });
  await checkCards(page, 2500);
  await screenshot(page, 'key-numbers-default');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('key-number cards on uploaded CoinGecko exports', async () => {
  const { page, context, errors } = await openApp(app);
  await uploadExports(page);
  await checkCards(page, 10000);
  await screenshot(page, 'key-numbers-uploaded');
  assertNoConsoleErrors(errors);
  await context.close();
});

test('a strategy that held nothing on the data is not ranked and says why', async () => {
  // The exports without bitcoin: "Bitcoin only" matches no coin and stays in cash.
  const { page, context, errors } = await openApp(app);
  await uploadExports(page, ['btc-usd-max.csv']);
  const cs = await cards(page);
  const idle = cs.filter((c) => /Bitcoin only/.test(c.name));
  assert.equal(idle.length, 1);
  // Its flat line: no return, no volatility, no drawdown, no fees, and no star for any of them.
  assert.equal(idle[0].rows.final_value, '$10,000');
  assert.equal(idle[0].rows.volatility, '0.00%');
  assert.deepEqual(idle[0].best, []);
  const card = page.locator('#key-numbers .card.idle');
  assert.equal(await card.count(), 1);
  assert.match(await card.locator('.idle-note').textContent(), /Held no asset on this data/);
  // The rows it would have "won" go to the strategies that did invest.
  const others = cs.filter((c) => c !== idle[0]);
  for (const key of ['volatility', 'max_drawdown', 'fees_paid']) {
    const marked = others.filter((c) => c.best.includes(key));
    assert.equal(marked.length, 1, `${key} is marked on one investing strategy`);
    const values = others.map((c) => (key === 'fees_paid' ? money(c.rows[key]) : pct(c.rows[key])));
    const want = key === 'max_drawdown' ? Math.max(...values) : Math.min(...values);
    const got = key === 'fees_paid' ? money(marked[0].rows[key]) : pct(marked[0].rows[key]);
    assert.equal(got, want, key);
  }
  await screenshot(page, 'key-numbers-idle-strategy');
  // The Robustness tab says so too (its pair is the first two strategies).
  const verdict = await openRobustnessTab(page);
  const notes = await page.$$eval('p.note', (ps) => ps.map((p) => p.textContent));
  assert.ok(
    notes.some((n) => /^Bitcoin only, buy and hold held no asset on this data .*stayed in cash/.test(n)),
    notes.join(' | '),
  );
  assert.doesNotMatch(verdict, /compares against cash/, 'the pair both invested');
  assertNoConsoleErrors(errors);
  await context.close();
});
