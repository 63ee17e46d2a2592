// The admin web UI in real Chromium against a real b2c-netboot (temporary data dir, real sockets): every issue-5
// scenario, plus a screenshot of each page at desktop and phone width in light and dark. Any console error,
// page error, failed request or unexpected HTTP error fails the test that caused it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { buildUi, DESKTOP, launchChromium, login, openPage, PHONE, screenshot, type GuardedPage } from './harness.ts';

const KERNEL = 'vmlinuz-ui';
const INITRD = 'initrd-ui.cpio.gz';
const STAGE_1 = 'docker.io/library/alpine:latest echo first';
const STAGE_2 = 'docker.io/library/busybox:latest echo second';

let server: TestServer;
let browser: Browser;
let pages: GuardedPage[] = [];

async function newPage(opts?: Parameters<typeof openPage>[2]): Promise<GuardedPage> {
  const g = await openPage(browser, server.url, opts);
  pages.push(g);
  return g;
}

/** Creates a profile through the API (for tests whose subject is something else). */
async function createProfile(name: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await server.api('POST', '/api/v1/profiles', { name, kernel: KERNEL, initramfs: INITRD, containers: [STAGE_1], ...extra });
  assert.equal(res.status, 201, res.text);
}

/** What the iPXE firmware does: /ipxe?mac=… then the kernel and initrd URLs of the script it gets back. */
async function bootLikeIpxe(mac: string): Promise<string> {
  const res = await fetch(`${server.url}/ipxe?mac=${encodeURIComponent(mac)}&arch=x86_64&platform=pcbios`);
  assert.equal(res.status, 200);
  const script = await res.text();
  for (const url of script.match(/http:\/\/\S+\/artifacts\/\S+/g) ?? []) {
    const art = await fetch(url);
    assert.equal(art.status, 200, url);
    await art.arrayBuffer();
  }
  return script;
}

before(async () => {
  buildUi();
  server = await startTestServer();
  for (const [name, kind, size] of [[KERNEL, 'kernel', 4096], [INITRD, 'initramfs', 8192]] as const) {
    const res = await server.api('PUT', `/api/v1/artifacts/${name}?kind=${kind}&arch=x86_64`, new Uint8Array(size).fill(7),
      undefined, { 'content-type': 'application/octet-stream' });
    assert.ok(res.status === 200 || res.status === 201, res.text);
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('admin UI', { timeout: 240_000 }, () => {
  test('serves the built UI with cache headers, deep links and a / redirect', async () => {
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/ui/');
    const index = await fetch(`${server.url}/ui/`);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, html);
    const js = await fetch(server.url + asset);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const deep = await fetch(`${server.url}/ui/machines/52:54:00:00:00:01`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    const missing = await fetch(`${server.url}/ui/assets/nope.js`);
    assert.equal(missing.status, 404, 'a missing asset is a 404, not index.html');
  });

  test('logs in with a token; a bad token is refused', async () => {
    const { page, expectHttpError, assertClean } = await newPage();
    await page.goto('/ui/');
    await screenshot(page, 'login-desktop-light');
    expectHttpError(401, /\/api\/v1\/(whoami|info)$/);
    await page.getByLabel('API token').fill('not-a-valid-token-000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await page.getByLabel('API token').fill(server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Machines' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('b2c-netboot.token')), server.adminToken);
    // A reload keeps the session (sessionStorage), a deep link too.
    await page.goto('/ui/artifacts');
    await page.getByRole('heading', { level: 1, name: 'Artifacts' }).waitFor();
    assertClean();
  });

  test('creates a profile through the form: reorder stages by keyboard, cacheDevice=auto warning', async () => {
    const { page, expectHttpError, assertClean } = await newPage();
    await login(page, server.adminToken);
    await page.goto('/ui/profiles/new');
    // Live validation: half-filled states (a volume without a name yet) are refused by the preview on purpose.
    expectHttpError(400, /\/api\/v1\/preview$/);
    await page.getByLabel('Name', { exact: true }).fill('form-made');
    await page.getByLabel('Kernel', { exact: true }).fill(KERNEL);
    await page.getByLabel('Initramfs', { exact: true }).fill(INITRD);
    await page.getByLabel('Stage 1', { exact: true }).fill(STAGE_2);
    await page.getByRole('button', { name: 'Add stage' }).click();
    await page.getByLabel('Stage 2', { exact: true }).fill(STAGE_1);
    // Keyboard reorder: focus "Move Stage 2 up" and press Enter; focus follows the moved row.
    await page.getByRole('button', { name: 'Move Stage 2 up' }).focus();
    await page.keyboard.press('Enter');
    // (No helper functions inside page callbacks: tsx's keepNames wraps them in a __name() the page lacks.)
    await page.waitForFunction(([a, b]) =>
      (document.getElementById('f-containers-0') as HTMLInputElement | null)?.value === a &&
      (document.getElementById('f-containers-1') as HTMLInputElement | null)?.value === b, [STAGE_1, STAGE_2]);
    // Focus follows the moved row (set on the next animation frame).
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Move Stage 1 down');

    await page.getByRole('button', { name: 'Add volume' }).click();
    await page.getByLabel('Volume 1 name').fill('cache');
    await page.getByLabel('Cache device').fill('auto');
    await page.getByTestId('cache-auto-warning').waitFor();
    assert.match(await page.getByTestId('cache-auto-warning').innerText(), /wipes the first disk/);
    await page.getByTestId('preview').waitFor();
    await screenshot(page, 'profile-new-desktop-light');

    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.waitForURL('**/ui/profiles/form-made');
    const saved = await server.api('GET', '/api/v1/profiles/form-made');
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.body.containers, [STAGE_1, STAGE_2]);
    assert.equal(saved.body.b2c.cacheDevice, 'auto');
    assert.equal(saved.body.volumes[0].name, 'cache');
    await page.getByRole('heading', { level: 1, name: 'Profile form-made' }).waitFor();
    assertClean();
  });

  test('shows the API validation error next to the offending field', async () => {
    const { page, expectHttpError, assertClean } = await newPage();
    await login(page, server.adminToken);
    await page.goto('/ui/profiles/new');
    expectHttpError(400, /\/api\/v1\/(profiles|preview)$/);
    await page.getByLabel('Name', { exact: true }).fill('bad-stage');
    await page.getByLabel('Kernel', { exact: true }).fill(KERNEL);
    await page.getByLabel('Initramfs', { exact: true }).fill(INITRD);
    await page.getByLabel('Stage 1', { exact: true }).fill(STAGE_1);
    await page.getByRole('button', { name: 'Add stage' }).click();
    // b2c splits its command line on `"`: a stage can never contain one (DESIGN §4).
    await page.getByLabel('Stage 2', { exact: true }).fill('docker.io/library/alpine:latest echo "quoted"');
    await page.getByRole('button', { name: 'Create profile' }).click();
    const error = page.locator('[data-field-error="containers[1]"]');
    await error.waitFor();
    // Next to the field: inside the same list item as the input, and wired to it for screen readers.
    const row = page.locator('li', { has: page.getByLabel('Stage 2', { exact: true }) });
    assert.equal(await row.locator('[data-field-error="containers[1]"]').count(), 1);
    const input = page.getByLabel('Stage 2', { exact: true });
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(await input.getAttribute('aria-describedby'), await error.getAttribute('id'));
    assert.equal(await page.getByLabel('Stage 1', { exact: true }).getAttribute('aria-invalid'), 'false');
    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    await screenshot(page, 'profile-error-desktop-light');
    assert.equal((await server.api('GET', '/api/v1/profiles/bad-stage')).status, 404);
    assertClean();
  });

  test('the preview and byte counter follow the edits', async () => {
    await createProfile('previewed');
    const { page, assertClean } = await newPage();
    await login(page, server.adminToken);
    await page.goto('/ui/profiles/previewed');
    const kernelLine = page.getByLabel('Kernel command line', { exact: true }).and(page.locator('pre'));
    await kernelLine.waitFor();
    const before = await kernelLine.innerText();
    const bytesBefore = Number(await page.getByTestId('byte-counter').locator('strong').innerText());
    // The server counts the whole line iPXE passes (initrd=… included), so it is at least what is shown.
    assert.ok(bytesBefore >= Buffer.byteLength(before), `${bytesBefore} vs ${before}`);
    assert.match(await page.getByTestId('byte-counter').innerText(), /\/ 2047 bytes/);

    const added = 'console=ttyS0,115200 loglevel=7';
    await page.getByLabel('Extra kernel arguments').fill(added);
    await page.waitForFunction(() => /loglevel=7/.test(document.querySelector('pre[aria-label="Kernel command line"]')?.textContent ?? ''));
    assert.match(await kernelLine.innerText(), /console=ttyS0,115200 loglevel=7/);
    const bytesAfter = Number(await page.getByTestId('byte-counter').locator('strong').innerText());
    assert.equal(bytesAfter - bytesBefore, Buffer.byteLength(' ' + added), 'the counter grows by exactly the added argument');

    // The extra document follows too (hostname goes there, not on the kernel line).
    await page.getByLabel('Hostname').fill('lab-{{machine.mac}}');
    await page.waitForFunction(() => /b2c\.hostname/.test(document.querySelector('pre[aria-label="Extra document"]')?.textContent ?? ''));
    await page.getByLabel('Architecture').selectOption('riscv64');
    await page.waitForFunction(() => /\/ 1023 bytes/.test(document.querySelector('[data-testid="byte-counter"]')?.textContent ?? ''));
    await screenshot(page, 'profile-edit-desktop-light');
    assertClean();
  });

  test('assigns a discovered machine (created by a real /ipxe request) in one click', async () => {
    await createProfile('assignable');
    const mac = '52:54:00:aa:00:01';
    const first = await fetch(`${server.url}/ipxe?mac=${mac}&arch=x86_64&platform=efi`);
    assert.equal(first.status, 200);
    const { page, assertClean } = await newPage();
    await login(page, server.adminToken);
    const card = page.locator(`li.card[data-mac="${mac}"]`);
    await card.waitFor();
    await card.getByLabel(`Profile for ${mac}`).selectOption('assignable');
    await screenshot(page, 'machines-inbox-desktop-light');
    await card.getByRole('button', { name: `Assign assignable to ${mac}` }).click();
    await card.waitFor({ state: 'detached' });
    const row = page.locator('tr', { hasText: mac });
    await row.getByText('ready').waitFor();
    await row.getByRole('link', { name: 'assignable' }).waitFor();
    const m = await server.api('GET', `/api/v1/machines/${mac}`);
    assert.equal(m.body.state, 'ready');
    assert.equal(m.body.profile, 'assignable');

    // Search and filter narrow the table.
    await page.getByLabel('Search machines').fill('aa:00:01');
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.getByLabel('Filter by state').selectOption('disabled');
    assert.equal(await page.locator('tbody tr').count(), 0);
    await page.getByLabel('Filter by state').selectOption('');
    // Disable, then delete behind the confirmation dialog.
    await row.getByRole('button', { name: `Disable ${mac}` }).click();
    await row.getByText('disabled').waitFor();
    await row.getByRole('button', { name: `Delete ${mac}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${mac}` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await server.api('GET', `/api/v1/machines/${mac}`)).status, 200, 'cancel keeps the machine');
    await row.getByRole('button', { name: `Delete ${mac}` }).click();
    await dialog.getByRole('button', { name: 'Delete machine' }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await server.api('GET', `/api/v1/machines/${mac}`)).status, 404);
    assertClean();
  });

  test('uploads an artifact with a progress bar that reaches 100 %, and shows why a delete is refused', async () => {
    const { page, expectHttpError, assertClean } = await newPage();
    await login(page, server.adminToken);
    await page.goto('/ui/artifacts');
    const content = Buffer.alloc(6 * 1024 * 1024, 0x5a);
    await page.getByLabel('File').setInputFiles({ name: 'vmlinuz-uploaded', mimeType: 'application/octet-stream', buffer: content });
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'vmlinuz-uploaded');
    assert.equal(await page.getByLabel('Kind').inputValue(), 'kernel');
    await page.getByRole('button', { name: 'Upload' }).click();
    const bar = page.getByRole('progressbar', { name: 'Upload progress' });
    await page.waitForFunction(() => (document.querySelector('progress[aria-label="Upload progress"]') as HTMLProgressElement | null)?.value === 100);
    assert.equal(await bar.getAttribute('value'), '100');
    await page.getByText('100 %').waitFor();
    await page.getByRole('status').filter({ hasText: 'Uploaded vmlinuz-uploaded' }).waitFor();
    const row = page.locator('tr[data-artifact="vmlinuz-uploaded"]');
    await row.waitFor();
    const sha = createHash('sha256').update(content).digest('hex');
    await row.getByText(sha).waitFor();
    await row.getByRole('cell', { name: '6.0 MiB' }).waitFor();

    // The kernel used by profiles: the server refuses the delete and the dialog says why.
    await createProfile('uses-kernel');
    await page.reload();
    const used = page.locator(`tr[data-artifact="${KERNEL}"]`);
    await used.getByRole('link', { name: 'uses-kernel' }).waitFor();
    expectHttpError(409, new RegExp(`/api/v1/artifacts/${KERNEL}$`));
    await used.getByRole('button', { name: `Delete artifact ${KERNEL}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete artifact ${KERNEL}` });
    await dialog.getByRole('button', { name: 'Delete artifact' }).click();
    const reason = dialog.getByRole('alert');
    await reason.waitFor();
    assert.match(await reason.innerText(), /uses-kernel/);
    await screenshot(page, 'artifacts-refused-desktop-light');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await server.api('GET', `/api/v1/artifacts/${KERNEL}`)).status, 200);
    assertClean();
  });

  test('shows the boot timeline produced by real /ipxe and /artifacts requests', async () => {
    await createProfile('timeline');
    const mac = '52:54:00:aa:00:02';
    assert.equal((await server.api('PUT', `/api/v1/machines/${mac}`, { name: 'rack1-node2', profile: 'timeline' })).status < 300, true);
    const script = await bootLikeIpxe(mac);
    assert.match(script, /initrd /);
    const { page, assertClean } = await newPage();
    await login(page, server.adminToken);
    await page.getByRole('link', { name: 'rack1-node2' }).click();
    await page.getByRole('heading', { level: 1, name: /rack1-node2/ }).waitFor();
    const session = page.locator('li.session').first();
    await session.waitFor();
    for (const type of ['script', 'kernel', 'initrd']) await session.locator(`[data-event-type="${type}"]`).first().waitFor();
    assert.match(await session.innerText(), new RegExp(KERNEL.replace('.', '\\.')));
    // The Volumes page exists only when the server runs the S3 gateway; the UI follows /info.
    const { features } = (await server.api('GET', '/api/v1/info')).body as { features: { s3: boolean } };
    assert.equal(await page.getByRole('link', { name: 'Volumes' }).count(), features.s3 ? 1 : 0);
    // The next-boot preview is live for the machine too: an override shows up in the kernel line.
    await page.getByLabel('Extra kernel arguments').fill('quiet');
    await page.waitForFunction(() => /\bquiet\b/.test(document.querySelector('pre[aria-label="Kernel command line"]')?.textContent ?? ''));
    await screenshot(page, 'machine-timeline-desktop-light');
    assertClean();
  });

  test('a viewer token gets a read-only UI with no write buttons', async () => {
    const created = await server.api('POST', '/api/v1/tokens', { name: 'ui-viewer', role: 'viewer' });
    assert.equal(created.status, 201, created.text);
    const viewerToken = created.body.token as string;
    await createProfile('viewer-sees');
    await fetch(`${server.url}/ipxe?mac=52:54:00:aa:00:03`);
    const { page, assertClean } = await newPage();
    await login(page, viewerToken);
    await page.getByRole('heading', { name: /Discovered/ }).waitFor();
    await page.locator('li.card[data-mac="52:54:00:aa:00:03"]').waitFor();
    const WRITE = /^(new|save|create|delete|assign|upload|enable|disable|add|remove|wipe|restore|move)\b/i;
    for (const [path, heading] of [['/ui/', 'Machines'], ['/ui/profiles', 'Profiles'], ['/ui/profiles/viewer-sees', 'Profile viewer-sees'],
      ['/ui/artifacts', 'Artifacts'], ['/ui/machines/52:54:00:aa:00:03', '52:54:00:aa:00:03']] as const) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      const buttons = await page.getByRole('button').evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
      const links = await page.getByRole('link').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
      const writes = [...buttons, ...links].filter((name) => WRITE.test(name));
      assert.deepEqual(writes, [], `write controls on ${path}`);
    }
    // The profile editor is read-only, not just missing its save button.
    await page.goto('/ui/profiles/viewer-sees');
    assert.equal(await page.getByLabel('Stage 1', { exact: true }).getAttribute('readonly'), '');
    assert.equal(await page.getByLabel('Kernel', { exact: true }).isEditable(), false);
    await screenshot(page, 'profile-viewer-desktop-light');
    assertClean();
  });

  test('every page renders at 1280 px and phone width, light and dark', async () => {
    const mac = '52:54:00:aa:00:02'; // booted in the timeline test
    const shots: [string, string, RegExp][] = [
      ['machines', '/ui/', /Machines/],
      ['machine', `/ui/machines/${mac}`, /rack1-node2/],
      ['profiles', '/ui/profiles', /Profiles/],
      ['profile', '/ui/profiles/form-made', /Profile form-made/],
      ['artifacts', '/ui/artifacts', /Artifacts/],
    ];
    for (const viewport of [DESKTOP, PHONE]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const { page, assertClean } = await newPage({ viewport, colorScheme });
        await login(page, server.adminToken);
        for (const [name, path, heading] of shots) {
          await page.goto(path);
          await page.getByRole('heading', { level: 1, name: heading }).waitFor();
          await page.waitForLoadState('networkidle');
          await settlePreview(page);
          await assertNoHorizontalOverflow(page, `${name} at ${viewport.name}`);
          await screenshot(page, `${name}-${viewport.name}-${colorScheme}`);
        }
        assertClean();
      }
    }
  });
});

/** Waits until no preview is being fetched, so screenshots show settled content. */
async function settlePreview(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

/** The page must fit its width: anything wider than the viewport means sideways scrolling on a phone. */
async function assertNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client + 1, `${what}: page is ${scroll}px wide in a ${client}px viewport`);
}
