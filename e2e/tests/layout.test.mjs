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
