// Layout: the controls of the side column (data panel, strategy list, the
// open strategy form) stay inside their panels at desktop widths, and the
// page never needs a horizontal scroll bar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { screenshot, shotDir } from '../support/harness.mjs';
import { useApp, openApp, assertNoConsoleErrors } from '../support/app.mjs';

const app = useApp();

/** Controls of the side column whose box sticks out of their panel (by more than 1 px). */
function overflowing(page) {
  return page.$$eval('aside.side .panel', (panels) =>
    panels.flatMap((panel) => {
      const p = panel.getBoundingClientRect();
      return [...panel.querySelectorAll('input, select, button, fieldset, textarea')]
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => ({ el, b: el.getBoundingClientRect() }))
        .filter(({ b }) => b.right > p.right + 1 || b.left < p.left - 1)
        .map(({ el, b }) => {
          const name = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}${el.className ? '.' + el.className.split(' ').join('.') : ''}`;
          return `${name} spans x ${Math.round(b.left)}..${Math.round(b.right)}, its panel ${Math.round(p.left)}..${Math.round(p.right)}`;
        });
    }),
  );
}

for (const width of [1400, 1024]) {
  test(`side-column controls stay inside their panels at ${width} px, form open`, async () => {
    const { page, context, errors } = await openApp(app, { width, height: 1000 });
    await page.locator('.strategy-list li.strategy').first().locator('button.edit').click();
    await page.locator('.strategy-form').waitFor();
    const out = await overflowing(page);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    await page.locator('aside.side').screenshot({ path: path.join(shotDir, `layout-side-${width}.png`) });
    await screenshot(page, `layout-form-open-${width}`);
    assert.deepEqual(out, [], `controls overflow their panel:\n${out.join('\n')}`);
    assert.ok(scroll <= 0, `the page scrolls ${scroll} px sideways`);
    assertNoConsoleErrors(errors);
    await context.close();
  });
}

test('a phone (390 x 844) reads the page without sideways scrolling', async () => {
  const { page, context, errors } = await openApp(app, { width: 390, height: 844 });
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  // Every visible element that is wider than the screen, except inside a
  // container that scrolls on its own (wide tables do).
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => el.getClientRects().length > 0)
      .filter((el) => {
        const b = el.getBoundingClientRect();
        if (b.right <= innerWidth + 1 && b.left >= -1) return false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
        }
        return true;
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} right ${Math.round(el.getBoundingClientRect().right)}`),
  );
  const canvas = await page.locator('canvas').first().boundingBox();
  const smallest = await page.evaluate(() =>
    Math.min(
      ...[...document.querySelectorAll('p, label, td, th, button, li')]
        .filter((el) => el.getClientRects().length > 0 && el.textContent.trim())
        .map((el) => parseFloat(getComputedStyle(el).fontSize)),
    ),
  );
  await screenshot(page, 'layout-phone-top');
  await page.locator('canvas').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'layout-phone-chart');
  assert.ok(scroll <= 0, `the page scrolls ${scroll} px sideways`);
  assert.deepEqual(wide, [], `elements wider than the screen:\n${wide.join('\n')}`);
  assert.ok(canvas && canvas.width <= 390 && canvas.width >= 300, `the chart is ${canvas && canvas.width} px wide`);
  assert.ok(smallest >= 11, `the smallest text is ${smallest} px`);
  // Results first: the key numbers and the first chart before the controls.
  const firstChart = await page.locator('#chart-growth').boundingBox();
  const scrollTop = await page.evaluate(() => scrollY);
  assert.ok(firstChart.y + scrollTop < 900, `the first chart starts ${Math.round(firstChart.y + scrollTop)} px down`);
  const cards = await page.locator('#key-numbers').boundingBox();
  const data = await page.locator('.data-panel').boundingBox();
  assert.ok(cards.y < data.y, 'the key numbers come before the data panel');
  // Metric names stay while the table scrolls sideways.
  assert.equal(await page.$eval('#metrics-table th[scope="row"]', (th) => getComputedStyle(th).position), 'sticky');
  // Tap targets of the strategy list and the header: at least 44 px.
  const taps = await page.$$eval('.strategy-list button, header.top button', (bs) =>
    bs.filter((b) => b.getClientRects().length > 0).map((b) => [b.textContent.trim(), b.getBoundingClientRect().height]),
  );
  const small = taps.filter(([, h]) => h < 44);
  assert.deepEqual(small, [], `tap targets under 44 px: ${JSON.stringify(small)}`);
  assertNoConsoleErrors(errors);
  await context.close();
});
