// The page and the CLI give the same verdict and message on every hostile
// share link of crates/engine/tests/data/links/hostile.json: both read a
// link with engine::scenario::Scenario::from_link and apply its date range
// with engine::scenario::range_in. The CLI's message must stand, word for
// word, in the page's notice; a refused link leaves the page as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { repoRoot, screenshot } from '../support/harness.mjs';
import { useApp, openApp, metricsText, cliBinary, assertNoConsoleErrors, SLOW } from '../support/app.mjs';

const app = useApp();
const table = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'crates/engine/tests/data/links/hostile.json'), 'utf8'),
);

const deflated = (text) => `s.v1.${zlib.deflateRawSync(Buffer.from(text), { level: 9 }).toString('base64url')}`;
function linkOf(c) {
  if (typeof c.raw === 'string') return c.raw;
  if (typeof c.json_text === 'string') return deflated(c.json_text);
  return deflated(JSON.stringify(c.scenario));
}

/** The CLI's verdict: null when it ran, else its message (without the program name and flag). */
function cliVerdict(link) {
  const r = spawnSync(cliBinary(), ['run', '--link', link, '--format', 'table'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) return null;
  const line = r.stderr.trim().split('\n').find((l) => l.startsWith('indexlab-cli: ')) ?? r.stderr.trim();
  return line.replace(/^indexlab-cli: /, '').replace(/^--link: /, '');
}

test(`the page and the CLI agree on ${table.cases.length} hostile links`, async () => {
  assert.ok(table.cases.length >= 30);
  const { page, context, errors } = await openApp(app);
  const base = page.url().split('#')[0];
  const start = await metricsText(page);
  for (const c of table.cases) {
    const link = linkOf(c);
    const cli = cliVerdict(link);
    // Open the link in the page as a visitor would (the fragment changes).
    await page.goto(`${base}#${link}`);
    if (c.expect === null) {
      assert.equal(cli, null, `${c.what}: the CLI refused it: ${cli}`);
      await page.waitForFunction(() => !document.querySelector('#link-notice.error'), null, { timeout: SLOW });
      continue;
    }
    assert.ok(cli && cli.includes(c.expect), `${c.what}: CLI said ${JSON.stringify(cli)}, expected ${c.expect}`);
    await page.waitForFunction(
      (want) => document.querySelector('#link-notice.error')?.textContent.includes(want),
      c.expect,
      { timeout: SLOW },
    );
    const notice = await page.textContent('#link-notice');
    assert.ok(notice.includes(cli), `${c.what}: the page said ${JSON.stringify(notice)}, the CLI ${JSON.stringify(cli)}`);
    assert.ok(notice.length < 400, `${c.what}: a ${notice.length}-character notice`);
  }
  await screenshot(page, 'hostile-links-last');
  // The refused links changed nothing: back to the first (valid) link's setup, still running.
  await page.goto(`${base}#${linkOf(table.cases[0])}`);
  await page.waitForSelector('#metrics-table thead th:nth-child(2)', { state: 'attached', timeout: SLOW });
  assert.notEqual(await metricsText(page), '', 'the table is gone');
  assert.ok(start.length > 0);
  assertNoConsoleErrors(errors);
  await context.close();
});
