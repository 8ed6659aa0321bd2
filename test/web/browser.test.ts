/**
 * The dashboard in real headless Chromium (Debian's /usr/bin/chromium through playwright-core),
 * served by `freigabe serve`'s server on 127.0.0.1 port 0 over a copy of the bundled estate with
 * a rendered branch (audit trail) and a fake WorkloadStatusSource. Screenshots go to test/.tmp/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WorkloadStatus, WorkloadStatusSource } from '../../src/kubernetes/workload-status.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readDirectorySnapshot } from '../../src/cli/read-dir.js';
import { loadEstate } from '../../src/core/load.js';
import { dashboardRoutes } from '../../src/web/http.js';
import { serveLocalDashboard, type RunningDashboard } from '../../src/web/serve.js';
import { buildDashboard } from '../../src/web/view-model.js';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test', '.tmp');

const statuses: WorkloadStatus[] = [
  { verfahren: 'wohngeld', stage: 'produktion', agent: 'argocd', phase: 'synced', revision: 'a'.repeat(40), health: 'Healthy', sync: 'Synced', message: null, observedAt: '2026-11-30T08:00:00Z' },
  { verfahren: 'wohngeld', stage: 'abnahme', agent: 'argocd', phase: 'degraded', revision: 'a'.repeat(40), health: 'Degraded', sync: 'Synced', message: 'Back-off pulling image', observedAt: '2026-11-30T08:00:00Z' },
  { verfahren: 'grundsteuer', stage: 'produktion', agent: 'flux', phase: 'unreachable', revision: null, health: null, sync: null, message: 'connect ECONNREFUSED', observedAt: '2026-11-30T08:00:00Z' },
];
const fakeSource: WorkloadStatusSource = { statuses: () => statuses };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'freigabe', GIT_AUTHOR_EMAIL: 'freigabe@example.invalid', GIT_COMMITTER_NAME: 'freigabe', GIT_COMMITTER_EMAIL: 'freigabe@example.invalid', GIT_COMMITTER_DATE: '2026-11-29T12:00:00Z', GIT_AUTHOR_DATE: '2026-11-29T12:00:00Z' },
  });
}

/** A checkout of the bundled estate whose rendered/produktion branch has one released commit. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'freigabe-dash-'));
  cpSync(join(root, 'environments'), join(dir, 'environments'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'estate');
  git(dir, 'checkout', '-q', '--orphan', 'rendered/produktion');
  git(dir, 'rm', '-rqf', '.');
  mkdirSync(join(dir, 'wohngeld'));
  execFileSync('sh', ['-c', 'echo "kind: Namespace" > wohngeld/namespace.yaml'], { cwd: dir });
  git(dir, 'add', 'wohngeld/namespace.yaml');
  git(
    dir,
    'commit',
    '-q',
    '-m',
    'freigabe: Produktion aus 0123456789ab gerendert (#41)\n\nFachverfahren: wohngeld\n\nFreigabe-Source: 0123456789abcdef0123456789abcdef01234567\nFreigabe-Pull-Request: itdz/estate#41\nFreigabe-Approved-By: m-schulz 2026-11-29T11:00:00Z 89abcdef0123456789abcdef0123456789abcdef\nFreigabe-Stage: produktion\n',
  );
  git(dir, 'checkout', '-q', 'main');
  return dir;
}

let browser: Browser;
let server: RunningDashboard;
let repo: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  repo = checkout();
  server = await serveLocalDashboard({ repo, locale: 'de', port: 0, statusSource: fakeSource, now: () => new Date('2026-11-30T08:00:00Z') });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (repo) rmSync(repo, { recursive: true, force: true });
});

async function open(query = '', viewport = { width: 1400, height: 1000 }, options: { bypassCSP?: boolean } = {}): Promise<Page> {
  // Only the axe runs lift the page's Content-Security-Policy, to inject axe-core; every other test runs under it.
  const page = await browser.newPage({ viewport, locale: 'de-DE', bypassCSP: options.bypassCSP ?? false });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('body[data-ready]');
  expect(await page.getAttribute('body', 'data-ready')).toBe('true');
  expect(errors).toEqual([]);
  return page;
}

async function axe(page: Page): Promise<Array<{ id: string; help: string; nodes: string[] }>> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

describe('dashboard in Chromium', () => {
  test('the matrix shows every Fachverfahren × stage with digest, match with the previous stage and the Argo CD/Flux state', async () => {
    const page = await open();
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    const headers = await page.locator('table.matrix thead th').allTextContents();
    expect(headers).toEqual(['Fachverfahren', 'Vorprüfung', 'Abnahme', 'Schulung', 'Produktion']);
    expect(await page.locator('table.matrix caption').textContent()).toContain('Fachverfahren × Stage');
    expect(await page.locator('#matrix-body tr').count()).toBe(6);
    const row = page.locator('#matrix-body tr', { has: page.locator('th', { hasText: 'wohngeld' }) });
    const abnahme = row.locator('td').nth(1);
    expect(await abnahme.textContent()).toContain('weicht von Vorstufe ab');
    expect(await abnahme.textContent()).toContain('sha256:46af023a844b');
    expect(await abnahme.locator('.wl').textContent()).toContain('Argo CD: gestört (Degraded, Synced) – Back-off pulling image');
    expect(await row.locator('td').nth(3).locator('.wl').textContent()).toContain('synchron und gesund');
    const grundsteuer = page.locator('#matrix-body tr', { has: page.locator('th', { hasText: 'grundsteuer' }) });
    expect(await grundsteuer.locator('td').nth(3).textContent()).toContain('Flux: Cluster nicht erreichbar');
    expect(await page.locator('#matrix-count').textContent()).toBe('6 von 6 Fachverfahren gefunden.');
    await page.screenshot({ path: join(shots, 'dashboard-de.png'), fullPage: true });
    await page.close();
  });

  test('search, filters and paging render only the current page and announce the count', async () => {
    const page = await open();
    await page.fill('#search', 'grund');
    await page.waitForFunction(() => document.querySelector('#matrix-count')?.textContent === '1 von 6 Fachverfahren gefunden.');
    expect(await page.locator('#matrix-body tr').count()).toBe(1);
    expect(await page.getAttribute('#matrix-count', 'aria-live')).toBe('polite');
    await page.fill('#search', '');
    await page.selectOption('#state-filter', 'unhealthy');
    await page.waitForFunction(() => document.querySelector('#matrix-count')?.textContent === '2 von 6 Fachverfahren gefunden.');
    await page.selectOption('#state-filter', 'all');
    await page.selectOption('#page-size', '10');
    await page.fill('#search', 'zzz-nothing');
    await page.waitForFunction(() => document.querySelector('#matrix-count')?.textContent === 'Kein Fachverfahren passt zum Filter.');
    expect(await page.locator('#matrix-body tr').count()).toBe(0);
    await page.close();
  });

  test('Meine Freigaben: picking a login lists what waits for that Verfahrensverantwortliche or Vertretung', async () => {
    const page = await open();
    expect(await page.locator('#mine-count').textContent()).toBe('Bitte eine Person wählen.');
    await page.selectOption('#person', 'k-yilmaz');
    const rows = page.locator('#mine-result tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const wohngeld = rows.filter({ has: page.locator('th', { hasText: 'wohngeld' }) });
    expect(await wohngeld.first().textContent()).toContain('als Vertretung bis 2027-03-31');
    expect(await wohngeld.first().textContent()).toContain('Vorstufe hat neuere Images');
    expect(await page.locator('#mine-count').textContent()).toMatch(/wart\w* auf k-yilmaz\./);
    expect(page.url()).toContain('login=k-yilmaz');
    await page.screenshot({ path: join(shots, 'dashboard-mine.png') });
    await page.close();
  });

  test('Kontingent bars: use per dimension and cost against budget, the 90 % warning as text, not colour alone', async () => {
    const page = await open();
    const mitte = page.locator('.tenant', { has: page.locator('caption', { hasText: 'Bezirksamt Mitte' }) });
    const rows = mitte.locator('tbody tr');
    expect(await rows.locator('th').allTextContents()).toEqual(expect.arrayContaining(['CPU', 'Arbeitsspeicher', 'Speicher', 'Kosten/Monat (€)']));
    const memory = rows.filter({ has: page.locator('th', { hasText: /^Arbeitsspeicher$/ }) });
    expect(await memory.getAttribute('class')).toBe('level-warning');
    expect(await memory.locator('.level').textContent()).toBe('⚠ Warnung: ab 90 %');
    expect(await memory.locator('.pct').textContent()).toMatch(/^(9\d|100) %$/);
    const width = await memory.locator('.fill').evaluate((el) => (el as HTMLElement).style.width);
    expect(Number.parseFloat(width)).toBeGreaterThanOrEqual(90);
    await mitte.screenshot({ path: join(shots, 'kontingent.png') });
    await page.close();
  });

  test('the audit trail comes from the local rendered branch', async () => {
    const page = await open();
    const row = page.locator('#audit-result tbody tr').first();
    const text = await row.textContent();
    expect(text).toContain('Produktion');
    expect(text).toContain('wohngeld');
    expect(text).toContain('m-schulz');
    expect(text).toContain('itdz/estate#41');
    expect(await row.locator('time').getAttribute('datetime')).toBe('2026-11-29T12:00:00Z');
    await page.close();
  });

  test('language switch: English on demand, lang attribute and every section follow; the choice is kept in the URL', async () => {
    const page = await open();
    await page.click('#lang button[data-lang="en"]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getAttribute('#lang button[data-lang="en"]', 'aria-pressed')).toBe('true');
    expect(await page.locator('#matrix-h').textContent()).toBe('Fachverfahren and stages');
    expect(await page.locator('#matrix-count').textContent()).toBe('6 of 6 Fachverfahren found.');
    expect(await page.locator('#kontingent-h').textContent()).toBe('Kontingent and budget');
    expect(page.url()).toContain('lang=en');
    await page.screenshot({ path: join(shots, 'dashboard-en.png'), fullPage: false });
    await page.close();
    const again = await open('?lang=en');
    expect(await again.getAttribute('html', 'lang')).toBe('en');
    expect(await again.locator('#mine-h').textContent()).toBe('Meine Freigaben (my approvals)');
    await again.close();
  });

  test('keyboard: skip link first, Tab reaches the filters, the table and the paging; Enter and Space work', async () => {
    const page = await open('?size=2');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#main');

    const order: string[] = [];
    await page.focus('#search');
    for (let i = 0; i < 6; i++) {
      order.push(await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return el.id || el.getAttribute('aria-labelledby') || el.tagName;
      }));
      await page.keyboard.press('Tab');
    }
    // The disabled "previous" button on page 1 is not a tab stop.
    expect(order).toEqual(['search', 'tenant', 'state-filter', 'page-size', 'matrix-caption', 'next']);
    expect(await page.locator('#page-info').textContent()).toBe('Seite 1 von 3');
    await page.focus('#next');
    await page.keyboard.press('Enter');
    expect(await page.locator('#page-info').textContent()).toBe('Seite 2 von 3');
    await page.keyboard.press('Space');
    expect(await page.locator('#page-info').textContent()).toBe('Seite 3 von 3');
    // On the last page "next" is disabled; the focus moved to "previous" instead of getting lost.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prev');
    expect(await page.locator('#matrix-body tr').count()).toBe(2);

    // Space on a language button switches the language; Enter switches back.
    await page.focus('#lang button[data-lang="en"]');
    await page.keyboard.press('Space');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.focus('#lang button[data-lang="de"]');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('html', 'lang')).toBe('de');

    // Enter on a select option by keyboard: choose a person without the mouse.
    await page.focus('#person');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#mine-count').textContent()).not.toBe('Bitte eine Person wählen.');
    await page.close();
  });

  test('the focus is visible', async () => {
    const page = await open();
    await page.focus('#search');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.close();
  });

  test('axe-core: no WCAG 2.1 A/AA violations, in German, in English, filtered and on a small screen', async () => {
    const page = await open('', undefined, { bypassCSP: true });
    await page.selectOption('#person', 'm-schulz');
    expect(await axe(page)).toEqual([]);
    await page.click('#lang button[data-lang="en"]');
    await page.fill('#search', 'wohn');
    await page.waitForFunction(() => document.querySelector('#matrix-count')?.textContent === '1 of 6 Fachverfahren found.');
    expect(await axe(page)).toEqual([]);
    await page.close();
    const small = await open('', { width: 390, height: 844 }, { bypassCSP: true });
    expect(await axe(small)).toEqual([]);
    await small.screenshot({ path: join(shots, 'dashboard-mobile.png') });
    await small.close();
  });
});

describe('dashboard in Chromium with the app\'s data (open promotion pull requests)', () => {
  let app: Server;
  let url: string;

  beforeAll(async () => {
    const estate = loadEstate({ snapshot: readDirectorySnapshot(root, 'de').snapshot }).value;
    const dashboard = buildDashboard({
      estate,
      statuses,
      pullRequests: [
        { number: 42, url: 'https://github.com/itdz/estate/pull/42', title: 'freigabe: wohngeld → Abnahme', verfahren: 'wohngeld', stage: 'abnahme', author: 'freigabe[bot]', createdAt: '2026-11-29T10:00:00Z', requestedReviewers: ['m-schulz'] },
        { number: 43, url: 'javascript:alert(1)', title: 'a hostile URL', verfahren: 'grundsteuer', stage: 'schulung', author: 'x', createdAt: '2026-11-29T10:00:00Z', requestedReviewers: [] },
      ],
      audit: [],
      today: '2026-11-30',
      generatedAt: '2026-11-30T08:00:00.000Z',
      repository: 'itdz/estate',
      sources: { clusters: true, pullRequests: true, audit: true },
    });
    const routes = dashboardRoutes({ basePath: '/freigabe', load: async () => dashboard, login: () => 'm-schulz', signOutPath: 'auth/logout' });
    app = createServer((req, res) => void routes(req, res).then((handled) => handled || res.writeHead(404).end()));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/freigabe/`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
  });

  test('the open pull request shows in its cell and in Meine Freigaben of the signed-in user; the filter finds it; no axe violations', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#meta').textContent()).toContain('Repository: itdz/estate');
    // The signed-in login is preselected.
    expect(await page.inputValue('#person')).toBe('m-schulz');
    const mine = page.locator('#mine-result tbody tr', { has: page.locator('th', { hasText: 'wohngeld' }) });
    expect(await mine.locator('a').getAttribute('href')).toBe('https://github.com/itdz/estate/pull/42');
    expect(await mine.textContent()).toContain('Pull Request #42');
    const row = page.locator('#matrix-body tr', { has: page.locator('th', { hasText: 'wohngeld' }) });
    expect(await row.locator('td').nth(1).locator('.pr a').textContent()).toBe('Pull Request #42');
    const hostile = page.locator('#matrix-body tr', { has: page.locator('th', { hasText: 'grundsteuer' }) }).locator('td').nth(2).locator('.pr a');
    expect(await hostile.getAttribute('href')).toBeNull();
    await page.selectOption('#state-filter', 'pull');
    await page.waitForFunction(() => document.querySelector('#matrix-count')?.textContent === '2 von 6 Fachverfahren gefunden.');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'dashboard-app.png') });
    await page.close();
  });
});
