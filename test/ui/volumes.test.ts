// The Volumes page in real Chromium against a server running its S3 gateway (embedded backend): seed a volume
// from a tar archive with a progress bar, see it listed, download the backup, wipe it behind a confirmation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { freeTcpPort } from '../helpers/ports.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tarOf } from '../helpers/tar.ts';
import { buildUi, launchChromium, login, openPage, PHONE, screenshot } from './harness.ts';

const MAC = '52:54:00:bb:00:01';

let server: TestServer;
let browser: Browser;

before(async () => {
  buildUi();
  server = await startTestServer({ s3Port: await freeTcpPort() });
  const info = await server.api('GET', '/api/v1/info');
  assert.equal(info.body.features.s3, true, 'the S3 gateway must be on for this test');
  assert.ok((await server.api('PUT', `/api/v1/machines/${MAC}`, { name: 'vol-node' })).status < 300);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('volumes: seed from a tar archive, list, download the backup, wipe', { timeout: 120_000 }, async () => {
  const { page, assertClean } = await openPage(browser, server.url);
  await login(page, server.adminToken);
  await page.goto(`/ui/machines/${MAC}`);
  await page.getByRole('link', { name: 'Volumes' }).click();
  await page.getByRole('heading', { level: 1, name: `Volumes of ${MAC}` }).waitFor();
  await page.getByText('No volume has been pushed yet.').waitFor();

  const archive = await tarOf({ 'results/junit.xml': '<testsuite/>', 'cache/blob.bin': 'x'.repeat(200_000) });
  await page.getByLabel('Volume name').fill('job-cache');
  await page.getByLabel('Tar archive').setInputFiles({ name: 'seed.tar', mimeType: 'application/x-tar', buffer: archive });
  await page.getByRole('button', { name: 'Upload archive' }).click();
  await page.getByRole('status').filter({ hasText: 'Volume job-cache now holds the files of seed.tar' }).waitFor();
  assert.equal(await page.getByRole('progressbar', { name: 'Archive upload progress' }).getAttribute('value'), '100');
  const card = page.locator('li[data-volume="job-cache"]');
  await card.getByText(/2 objects/).waitFor();
  await screenshot(page, 'volumes-desktop-light');

  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download archive' }).click()]);
  assert.equal(download.suggestedFilename(), `525400bb0001-job-cache.tar`);
  const path = await download.path();
  assert.ok(path);

  await card.getByRole('button', { name: 'Wipe volume job-cache' }).click();
  await page.getByRole('dialog', { name: 'Wipe volume job-cache' }).getByRole('button', { name: 'Wipe volume' }).click();
  await card.waitFor({ state: 'detached' });
  const left = await server.api('GET', `/api/v1/machines/${MAC}/volumes`);
  assert.deepEqual(left.body, []);
  assertClean();

  const phone = await openPage(browser, server.url, { viewport: PHONE, colorScheme: 'dark' });
  await login(phone.page, server.adminToken);
  await phone.page.goto(`/ui/machines/${MAC}/volumes`);
  await phone.page.getByRole('heading', { level: 1, name: `Volumes of ${MAC}` }).waitFor();
  await screenshot(phone.page, 'volumes-phone-dark');
  phone.assertClean();
});
