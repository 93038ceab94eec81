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

test('the page declares an icon, so browsers do not request a missing /favicon.ico', async () => {
  const { page, context } = await openPage(browser, server.url);
  const misses = [];
  context.on('response', (r) => {
    if (r.status() >= 400) misses.push(`${r.status()} ${r.url()}`);
  });
  await page.waitForSelector('#metrics-table', { state: 'attached', timeout: 30000 });
  const icon = await page.$$eval('link[rel~="icon"]', (ls) => ls.map((l) => l.getAttribute('href')));
  await page.waitForTimeout(500);
  assert.ok(icon.length > 0, 'index.html has no <link rel="icon">');
  assert.deepEqual(misses, []);
  await context.close();
});
