// Browser side of the UI tests: Debian's Chromium driven by playwright-core (never a downloaded browser), a
// guard that fails the test on any console error, page error, failed request or unexpected HTTP error, and
// screenshots under test-artifacts/ui/.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-artifacts', 'ui');
const CHROMIUM = '/usr/bin/chromium';

/**
 * Builds web/dist from the current sources. Always rebuilt: a stale dist would test yesterday's UI. The server
 * only mounts /ui/ when web/dist exists at start, so call this before startTestServer.
 */
export function buildUi(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
}

/**
 * The lab's Chromium flags (shared/lab/README.md): without the background-networking ones Chromium floods the
 * closed network with connection attempts. Playwright adds a fresh temporary --user-data-dir itself for launch().
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Viewport { name: string; width: number; height: number }
export const DESKTOP: Viewport = { name: 'desktop', width: 1280, height: 900 };
export const PHONE: Viewport = { name: 'phone', width: 390, height: 844 };

/** An HTTP error the test provokes on purpose (a validation 400, a 409 refusal, a bad-token 401). */
interface Expected { status: number; url: RegExp }

export interface GuardedPage {
  page: Page;
  /** Declares an error response the next steps provoke on purpose; anything else fails the test. */
  expectHttpError(status: number, url: RegExp): void;
  /** Throws listing every console error, page error, failed request and unexpected HTTP error seen so far. */
  assertClean(): void;
}

export async function openPage(browser: Browser, baseUrl: string, opts: { viewport?: Viewport; colorScheme?: 'light' | 'dark' } = {}): Promise<GuardedPage> {
  const vp = opts.viewport ?? DESKTOP;
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: vp.width, height: vp.height },
    colorScheme: opts.colorScheme ?? 'light',
    // Every request must stay on the test server: no CDN, no web fonts.
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const expected: Expected[] = [];
  const problems: string[] = [];
  const isExpected = (status: number, url: string) => expected.some((e) => e.status === status && e.url.test(url));
  const origin = new URL(baseUrl).origin;

  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`external request: ${url}`);
  });
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText;
    // ERR_ABORTED is the browser cancelling a fetch because the test navigated away, not a failure.
    if (reason === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.method()} ${req.url()} (${reason})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !isExpected(res.status(), res.url())) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium logs every 4xx as "Failed to load resource"; the ones the test provoked are not errors.
    const status = /status of (\d{3})/.exec(msg.text())?.[1];
    if (status && isExpected(Number(status), msg.location().url)) return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });

  return {
    page,
    expectHttpError: (status, url) => { expected.push({ status, url }); },
    assertClean: () => {
      if (problems.length) throw new Error(`browser problems:\n  ${problems.join('\n  ')}`);
    },
  };
}

/** Signs in through the login form. */
export async function login(page: Page, token: string): Promise<void> {
  await page.goto('/ui/');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Machines' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
