// The Learn panel: every lesson loads its setup, reads numbers out of the
// results (different numbers for different lessons), and its controls and
// link work. Screenshots go to target/e2e/lesson-<id>.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot, inkedPixels, shotDir } from '../support/harness.mjs';

let server;
let browser;
before(async () => {
  server = await serveDist();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the readout holds a digit and differs from `previous`; returns its text. */
async function readoutAfter(page, previous) {
  await page.waitForFunction(
    (prev) => {
      const el = document.querySelector('#lesson-readout');
      if (!el) return false;
      const t = el.textContent;
      return /\d/.test(t) && t !== prev;
    },
    previous,
    { timeout: 120_000 },
  );
  return page.textContent('#lesson-readout');
}

test('each lesson loads, reads out its own numbers, and links back to itself', { timeout: 900_000 }, async () => {
  const { page, context, errors } = await openPage(browser, server.url);
  await page.waitForSelector('canvas#chart-growth');
  await page.click('#learn-toggle');
  await page.waitForSelector('#learn-panel');
  const ids = await page.$$eval('.lesson-item', (els) => els.map((e) => e.dataset.lesson));
  assert.ok(ids.length >= 8, `expected at least 8 lessons, found ${ids.length}`);

  const texts = new Map();
  let previous = '';
  for (const id of ids) {
    await page.click(`.lesson-item[data-lesson="${id}"]`);
    await page.waitForSelector(`.lesson-card[data-lesson="${id}"]`);
    const text = await readoutAfter(page, previous);
    assert.doesNotMatch(text, /needs .* in the comparison/, `lesson ${id} did not find its strategies: ${text}`);
    assert.ok(!(await page.$('.lesson-changed')), `lesson ${id} says its own setup is not loaded`);
    for (const [other, t] of texts) assert.notEqual(text, t, `lessons ${id} and ${other} read out the same text`);
    texts.set(id, text);
    previous = text;
    if (id === 'crash-correlation') {
      await page.waitForFunction(() => document.querySelector('#lesson-chart')?.width > 0);
      const inked = await inkedPixels(page, '#lesson-chart');
      assert.ok(inked > 1000, `correlation chart looks blank (${inked} pixels)`);
    }
    if (id === 'calm-vs-volatile') {
      await page.click('#lesson-mc-run');
      await page.waitForSelector('#lesson-mc-result', { timeout: 180_000 });
      assert.match(await page.textContent('#lesson-mc-result'), /beat equal weighting in \d/);
    }
    await page.waitForTimeout(300);
    await screenshot(page, `lesson-${id}`);
    // The panel alone, and its text, for reviewing the wording.
    await page.locator('#learn-panel').screenshot({ path: path.join(shotDir, `lesson-${id}-panel.png`) });
    fs.writeFileSync(path.join(shotDir, `lesson-${id}.txt`), await page.innerText('#learn-panel'));
  }

  // A control changes the setup and the readout.
  await page.click('.lesson-item[data-lesson="rebalance-costs"]');
  const before10 = await readoutAfter(page, previous);
  await page.click('.lesson-option:has-text("100 bp")');
  const after100 = await readoutAfter(page, before10);
  assert.match(after100, /At 100 bp per trade/);
  assert.equal(await page.getAttribute('.lesson-option:has-text("100 bp")', 'aria-pressed'), 'true');

  // The lesson link reopens the lesson with the same numbers in a fresh page.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.click('#lesson-link');
  await page.waitForFunction(() => location.hash.length > 1);
  const url = await page.evaluate(() => location.href);
  const fresh = await openPage(browser, url);
  await fresh.page.waitForSelector('.lesson-card[data-lesson="rebalance-costs"]');
  const reopened = await readoutAfter(fresh.page, '');
  assert.equal(reopened, after100);
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();

  assert.deepEqual(errors, []);
  await context.close();
});

test('every dial value of every lesson gives a readout without an error', { timeout: 900_000 }, async () => {
  const { page, context, errors } = await openPage(browser, server.url);
  await page.waitForSelector('canvas#chart-growth');
  await page.click('#learn-toggle');
  const ids = await page.$$eval('.lesson-item', (els) => els.map((e) => e.dataset.lesson));
  let previous = '';
  for (const id of ids) {
    await page.click(`.lesson-item[data-lesson="${id}"]`);
    previous = await readoutAfter(page, previous);
    const options = await page.$$eval('.lesson-option', (els) => els.map((e) => e.textContent));
    for (let i = 0; i < options.length; i++) {
      const button = page.locator('.lesson-option').nth(i);
      if ((await button.getAttribute('aria-pressed')) === 'true') continue;
      await button.click();
      const text = await readoutAfter(page, previous);
      assert.equal(await button.getAttribute('aria-pressed'), 'true', `${id}: ${options[i]} is not shown as active`);
      assert.ok(!(await page.$('#lesson-readout .error')), `${id} at ${options[i]}: ${text}`);
      assert.doesNotMatch(text, /NaN|n\/a|\binf\b/i, `${id} at ${options[i]} shows an undefined number: ${text}`);
      fs.writeFileSync(path.join(shotDir, `lesson-${id}-${options[i].replace(/\W+/g, '')}.txt`), text);
      previous = text;
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});
