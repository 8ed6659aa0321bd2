#!/usr/bin/env node
/**
 * The dashboard with 1,000 Fachverfahren in headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core), served by `freigabe serve`'s server on 127.0.0.1 over the estate of
 * bench/generate-estate.mjs. Prints, as the median of RUNS page loads:
 *   api            GET /api/dashboard: read the checkout, load, build the view model, JSON
 *   first render   navigation start → the page completely drawn (fetch + parse + render)
 *   filter         choosing a tenant: filter 1,000 rows and draw the page (synchronous)
 *   search         typing a term → result count updated (includes the 120 ms input debounce)
 *
 *   npm run build && node bench/dashboard.mjs [--n 1000] [--runs 3]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { generateEstate } from './generate-estate.mjs';

const dist = join(import.meta.dirname, '..', 'dist', 'src');
const { serveLocalDashboard } = await import(join(dist, 'web', 'serve.js'));

const { values } = parseArgs({ options: { n: { type: 'string' }, runs: { type: 'string' } } });
const N = Number(values.n ?? 1000);
const RUNS = Number(values.runs ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0).padStart(6)} ms`;

const dir = generateEstate(N);
const server = await serveLocalDashboard({ repo: dir, locale: 'de', port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const api = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const body = await (await fetch(`${server.url}api/dashboard`)).text();
    api.push(performance.now() - t0);
    bytes = Buffer.byteLength(body);
  }
  const first = [];
  const filter = [];
  const search = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    first.push(await page.evaluate(() => performance.getEntriesByName('freigabe-rendered')[0].startTime));
    filter.push(
      await page.evaluate(() => {
        const select = document.getElementById('tenant');
        select.value = select.options[3].value;
        const t0 = performance.now();
        select.dispatchEvent(new Event('change'));
        return performance.now() - t0;
      }),
    );
    search.push(
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const count = document.getElementById('matrix-count');
            const input = document.getElementById('search');
            const t0 = performance.now();
            new MutationObserver((_, observer) => {
              observer.disconnect();
              resolve(performance.now() - t0);
            }).observe(count, { childList: true, characterData: true, subtree: true });
            input.value = 'fv-0042';
            input.dispatchEvent(new Event('input'));
          }),
      ),
    );
    await page.close();
  }
  console.log(`dashboard, ${N} Fachverfahren × 4 stages, median of ${RUNS} (JSON ${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
  console.log(`  api (read + load + build + JSON)  ${ms(median(api))}`);
  console.log(`  first render in Chromium          ${ms(median(first))}`);
  console.log(`  filter by tenant                  ${ms(median(filter))}`);
  console.log(`  search (incl. 120 ms debounce)    ${ms(median(search))}`);
} finally {
  await browser.close();
  await server.close();
}
