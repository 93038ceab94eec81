// Manual helper: screenshots the built page (node support/shoot.mjs [name] [width]).
import { serveDist, launch, openPage, screenshot } from './harness.mjs';

const name = process.argv[2] || 'manual';
const width = Number(process.argv[3] || 1400);
const server = await serveDist();
const browser = await launch();
const { page, errors } = await openPage(browser, server.url, { width, height: 900 });
await page.waitForSelector('#metrics-table', { state: 'attached', timeout: 30000 });
await page.waitForTimeout(500);
const file = await screenshot(page, name);
console.log(file, errors.length ? `console errors: ${errors.join(' | ')}` : 'no console errors');
await browser.close();
await server.close();
