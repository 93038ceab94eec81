// The page loads, shows its title, and a plotters chart draws on its canvas.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshot, inkedPixels } from '../support/harness.mjs';

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

test('the page loads without console errors and shows its title', async () => {
  const { page, context, errors } = await openPage(browser, server.url);
  await page.waitForSelector('h1');
  assert.match(await page.textContent('h1'), /IndexLab/);
  assert.match(await page.title(), /IndexLab/);
  await page.waitForTimeout(300);
  await screenshot(page, 'smoke-title');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the growth chart draws non-blank pixels', async () => {
  const { page, context, errors } = await openPage(browser, server.url);
  await page.waitForSelector('canvas#chart-growth');
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas#chart-growth');
    return c && c.width > 0;
  });
  const inked = await inkedPixels(page, 'canvas#chart-growth');
  await screenshot(page, 'smoke-growth-chart');
  assert.ok(inked > 2000, `expected a drawn chart, found ${inked} non-background pixels`);
  assert.deepEqual(errors, []);
  await context.close();
});
