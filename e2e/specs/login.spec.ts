/**
 * The browser login as a user and as a neighbour would meet it, in a real Chromium: the one-time link
 * logs in and a reload stays logged in; a web server on another 127.0.0.1 port (a dev server an agent
 * started) receives nothing it could replay, and a link it sends the browser to doesn't log in; logout
 * ends the login in every tab.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCsp } from '../../src-shared/csp.js';
import { expect, login, requireChromium, test } from '../fixtures/test.js';
import { SessionsPage } from '../pages/sessions-page.js';

requireChromium();

/** localStorage key of the login (src-renderer/client/browser-login.ts). */
const LOGIN_STORAGE_KEY = 'berth.login';

/** A plain web server on another loopback port that records what browsers send it. */
async function neighbourServer(berthLoginUrl: () => string) {
  const seen: Array<{ url: string; cookie: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', cookie: req.headers.cookie });
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>neighbour</title><a id="go" href="${berthLoginUrl()}">open Berth</a>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('the one-time link logs in, a reload stays logged in, and the login is not a cookie', async ({ app, berth, page, context }) => {
  await expect(page).toHaveURL(`${berth.baseURL}/`);
  const stored = await page.evaluate((key) => window.localStorage.getItem(key), LOGIN_STORAGE_KEY);
  expect(stored).toContain('secret');
  expect((await context.cookies()).filter((c) => c.domain === '127.0.0.1')).toEqual([]);

  await page.reload();
  await app.waitUntilConnected();

  // The same link a second time (a fresh browser profile) is refused.
  const other = await context.browser()!.newContext();
  try {
    const stranger = await other.newPage();
    const answer = await stranger.goto(berth.loginURL);
    expect(answer?.status()).toBe(401);
  } finally {
    await other.close();
  }

  // The one CSP: as a header and as the built page's meta tag.
  const response = await page.request.get(`${berth.baseURL}/`);
  expect(response.headers()['content-security-policy']).toBe(buildCsp());
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', buildCsp({ delivery: 'meta' }));
});

test('a page on another 127.0.0.1 port receives no credential, and its link to a login does not log in', async ({ app, berth, page, context }) => {
  const links: string[] = [];
  const mint = async () => {
    const r = await berth.call('auth.loginUrl', {});
    if (!r.ok) throw new Error(r.error.message);
    links.push(r.value.url);
    return r.value.url;
  };
  const firstLink = await mint();
  const neighbour = await neighbourServer(() => links.at(-1)!);
  try {
    // Logged in to Berth, the user opens the neighbour's page in the same browser.
    await app.waitUntilConnected();
    const tab = await context.newPage();
    await tab.goto(neighbour.url);
    expect(neighbour.seen.length).toBeGreaterThan(0);
    const stored = await page.evaluate((key) => window.localStorage.getItem(key), LOGIN_STORAGE_KEY);
    const secret = (JSON.parse(stored!) as { secret: string }).secret;
    for (const request of neighbour.seen) {
      expect(request.cookie ?? '').not.toContain('berth_session');
      expect(request.cookie ?? '').not.toContain(secret);
    }

    // The neighbour links to a login link: a navigation from another site (another port is the same site).
    await tab.locator('#go').click();
    await expect(tab.getByText('requests from other sites are refused')).toBeVisible();
    // The link itself still works when the user pastes it.
    const pasted = await context.browser()!.newContext();
    try {
      const fresh = await pasted.newPage();
      await fresh.goto(firstLink);
      await new SessionsPage(fresh).waitUntilConnected();
    } finally {
      await pasted.close();
    }
  } finally {
    await neighbour.close();
  }
});

test('logout ends the login in every tab, and it stays ended after a reload', async ({ app, berth, page, context }) => {
  const second = await context.newPage();
  await second.goto(`${berth.baseURL}/`);
  const secondApp = new SessionsPage(second);
  await secondApp.waitUntilConnected();

  await page.getByTestId('logout').click();
  await expect(app.banner).toContainText('no longer logged in');
  await expect(secondApp.banner).toContainText('no longer logged in');
  expect(await page.evaluate((key) => window.localStorage.getItem(key), 'berth.login')).toBeNull();
  await page.reload();
  await expect(app.banner).toContainText('no longer logged in');

  // A new link logs in again.
  const link = await berth.call('auth.loginUrl', {});
  if (!link.ok) throw new Error(link.error.message);
  await login(page, { ...berth, loginURL: link.value.url });
});
