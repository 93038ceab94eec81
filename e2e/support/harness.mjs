// Shared harness for the end-to-end tests: serves dist/ on a free loopback
// port, launches Debian's Chromium headless through playwright-core, records
// console errors and saves screenshots under target/e2e/.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const distDir = path.join(repoRoot, 'dist');
export const shotDir = path.join(repoRoot, 'target', 'e2e');
export const dataDir = process.env.INDEXLAB_DATA || path.resolve(repoRoot, '..', 'shared', 'data');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Serves dist/ on 127.0.0.1 at a free port, under `prefix` (a sub-path such
 * as a GitHub Pages project site uses); resolves to { url, close }. */
export function serveDist(prefix = '/') {
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    throw new Error(`no build in ${distDir}: run 'trunk build --release' first`);
  }
  const server = http.createServer((req, res) => {
    const fullPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!fullPath.startsWith(prefix)) {
      res.writeHead(404).end('outside the site');
      return;
    }
    const urlPath = fullPath.slice(prefix.length - 1);
    let file = path.normalize(path.join(distDir, urlPath));
    if (!file.startsWith(distDir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Launches headless Chromium with the flags this closed network needs.
 * Playwright gives every launch a fresh, empty profile directory. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return browser;
}

/** A new page that collects console errors and uncaught exceptions. */
export async function openPage(browser, url, { width = 1400, height = 1000 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // A failed resource load names no URL in its text: add it.
    const where = msg.location()?.url;
    errors.push(/^Failed to load resource/.test(msg.text()) && where ? `${msg.text()} [${where}]` : msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  return { page, context, errors };
}

/** Saves a full-page screenshot as target/e2e/<name>.png. */
export async function screenshot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Counts pixels of a canvas that differ from its top-left (background) pixel. */
export async function inkedPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const [r, g, b] = [data[0], data[1], data[2]];
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) > 30) n++;
    }
    return n;
  });
}
