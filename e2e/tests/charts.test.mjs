// Flow 5: the charts respond to the log-scale switch, hover, drag-to-zoom,
// double-click reset, and download as PNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from '../support/harness.mjs';
import {
  useApp,
  openApp,
  canvasHash,
  waitForCanvasChange,
  waitForCanvasHash,
  waitForInk,
  download,
  assertNoConsoleErrors,
  SLOW,
} from '../support/app.mjs';

const app = useApp();
const GROWTH = '#chart-growth';
const DRAWDOWN = '#chart-drawdown';

/** Moves the mouse well away from every chart (a hover crosshair disappears). */
async function mouseAway(page) {
  await page.mouse.move(5, 5);
}

test('the log-scale switch redraws the growth chart', async () => {
  const { page, context, errors } = await openApp(app);
  assert.equal(await page.isChecked('#log-scale'), true, 'log scale is the default');
  const logHash = await canvasHash(page, GROWTH);
  await page.click('#log-scale');
  assert.equal(await page.isChecked('#log-scale'), false);
  const linHash = await waitForCanvasChange(page, GROWTH, logHash);
  await waitForInk(page, GROWTH, 2000);
  await screenshot(page, 'charts-linear-scale');
  await page.click('#log-scale');
  // Back to log: the very same picture as before.
  await waitForCanvasHash(page, GROWTH, logHash);
  assert.notEqual(linHash, logHash);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('hovering the growth chart draws a crosshair that leaves with the mouse', async () => {
  const { page, context, errors } = await openApp(app);
  await mouseAway(page);
  const plain = await canvasHash(page, GROWTH);
  const box = await page.locator(GROWTH).boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await waitForCanvasChange(page, GROWTH, plain);
  // A different day under the mouse draws a different crosshair.
  const atMiddle = await canvasHash(page, GROWTH);
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5);
  await waitForCanvasChange(page, GROWTH, atMiddle);
  await screenshot(page, 'charts-hover');
  await mouseAway(page);
  await waitForCanvasHash(page, GROWTH, plain);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('dragging across the growth chart zooms every chart; double-click resets', async () => {
  const { page, context, errors } = await openApp(app);
  await mouseAway(page);
  const growthAll = await canvasHash(page, GROWTH);
  const drawdownAll = await canvasHash(page, DRAWDOWN);
  assert.equal(await page.locator('#reset-zoom').count(), 0);

  const box = await page.locator(GROWTH).boundingBox();
  const y = box.y + box.height * 0.5;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, y, { steps: 4 });
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 });
  await page.mouse.up();

  await page.waitForSelector('#reset-zoom', { timeout: SLOW });
  // The drawdown chart has no crosshair of its own, so its change is the zoom.
  const drawdownZoomed = await waitForCanvasChange(page, DRAWDOWN, drawdownAll);
  await mouseAway(page);
  const growthZoomed = await waitForCanvasChange(page, GROWTH, growthAll);
  await screenshot(page, 'charts-zoomed');

  // Double-click resets the zoom.
  await page.mouse.dblclick(box.x + box.width * 0.5, y);
  await page.waitForSelector('#reset-zoom', { state: 'detached', timeout: SLOW });
  await waitForCanvasHash(page, DRAWDOWN, drawdownAll);
  await mouseAway(page);
  await waitForCanvasHash(page, GROWTH, growthAll);
  assert.notEqual(drawdownZoomed, drawdownAll);
  assert.notEqual(growthZoomed, growthAll);

  // Zoom again, then reset with the button.
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 6 });
  await page.mouse.up();
  await page.waitForSelector('#reset-zoom', { timeout: SLOW });
  await page.click('#reset-zoom');
  await page.waitForSelector('#reset-zoom', { state: 'detached', timeout: SLOW });
  await waitForCanvasHash(page, DRAWDOWN, drawdownAll);

  assertNoConsoleErrors(errors);
  await context.close();
});

test('a small drag (a click) does not zoom', async () => {
  const { page, context, errors } = await openApp(app);
  const box = await page.locator(GROWTH).boundingBox();
  const y = box.y + box.height * 0.5;
  await page.mouse.move(box.x + box.width * 0.4, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4 + 2, y);
  await page.mouse.up();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#reset-zoom').count(), 0);
  assertNoConsoleErrors(errors);
  await context.close();
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
  assert.equal(buf.toString('ascii', 12, 16), 'IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

test("the growth chart's PNG button downloads the chart as a PNG", async () => {
  const { page, context, errors } = await openApp(app);
  const png = page.locator('figure[data-chart="growth"] figcaption button', { hasText: 'PNG' });
  assert.equal(await png.count(), 1, 'one PNG button on the growth chart');
  const { name, body } = await download(page, () => png.click());
  assert.match(name, /\.png$/);
  assert.match(name, /growth/);
  const size = pngSize(body);
  const canvas = await page.$eval(GROWTH, (c) => ({ width: c.width, height: c.height }));
  assert.deepEqual(size, canvas, 'the PNG has the canvas size');
  assert.ok(body.length > 5000, `a ${body.length}-byte PNG is too small for a drawn chart`);
  assertNoConsoleErrors(errors);
  await context.close();
});

test("the drawdown chart's SVG button downloads an SVG drawing", async () => {
  const { page, context, errors } = await openApp(app);
  const svg = page.locator('figure[data-chart="drawdown"] figcaption button', { hasText: 'SVG' });
  const { name, body } = await download(page, () => svg.click());
  assert.match(name, /drawdown.*\.svg$/);
  const text = body.toString('utf8');
  assert.match(text, /<svg[\s>]/);
  assert.match(text, /<\/svg>\s*$/);
  assert.match(text, /<(polyline|path)\b/, 'the SVG has no line');
  assertNoConsoleErrors(errors);
  await context.close();
});

const TABS = [
  ['#tab-weights', ['#chart-weights']],
  ['#tab-rolling-risk', ['#chart-rolling-volatility', '#chart-rolling-sharpe']],
  ['#tab-monthly-returns', ['#chart-monthly-returns']],
  ['#tab-turnover', ['#chart-turnover']],
];

test('each chart tab draws its charts', async () => {
  const { page, context, errors } = await openApp(app);
  for (const [tab, canvases] of TABS) {
    await page.click(tab);
    assert.equal(await page.getAttribute(tab, 'aria-selected'), 'true', `${tab} not selected`);
    assert.equal(await page.locator('.tabs [aria-selected="true"]').count(), 1, 'one tab selected at a time');
    for (const c of canvases) await waitForInk(page, c, 800);
    assert.equal(await page.locator('.tab-body .error').count(), 0, `${tab}: a chart could not be drawn`);
    await screenshot(page, `charts-tab-${tab.slice(5)}`);
  }
  assertNoConsoleErrors(errors);
  await context.close();
});

test('the rolling window redraws the rolling charts and renames them', async () => {
  const { page, context, errors } = await openApp(app);
  await page.click('#tab-rolling-risk');
  await waitForInk(page, '#chart-rolling-volatility', 800);
  const vol = await canvasHash(page, '#chart-rolling-volatility');
  await page.fill('#rolling-window', '30');
  await page.locator('#rolling-window').dispatchEvent('change');
  await waitForCanvasChange(page, '#chart-rolling-volatility', vol);
  assert.match(await page.textContent('figure[data-chart="rolling-volatility"] .chart-title'), /\b30-day\b/);
  assertNoConsoleErrors(errors);
  await context.close();
});

test('the charts are redrawn at the new width when the window resizes', async () => {
  const { page, context, errors } = await openApp(app, { width: 1400, height: 1000 });
  const wide = await page.$eval(GROWTH, (c) => c.width);
  await page.setViewportSize({ width: 1000, height: 1000 });
  await page.waitForFunction(([sel, w]) => document.querySelector(sel).width < w, [GROWTH, wide], { timeout: SLOW });
  const { width, css } = await page.$eval(GROWTH, (c) => ({ width: c.width, css: Math.round(c.getBoundingClientRect().width) }));
  assert.ok(Math.abs(width - css) <= 2, `canvas drawn ${width} px wide but shown ${css} px wide`);
  await waitForInk(page, GROWTH, 2000);
  assertNoConsoleErrors(errors);
  await context.close();
});
