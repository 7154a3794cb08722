// @ts-check
/**
 * Clients that heal while connected, in real browsers against the real stack: a read receipt
 * that was due as Bob's connection dropped reaches the server once he is back; messages Bob
 * wrote offline survive a reload (made while still offline) and arrive once each, in order; a
 * push lost on an open socket is fetched as soon as the next one shows the gap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { acceptRequest, expectSignedIn, message, searchPeople, send, signUp } from './app.mjs';
import { BASE_URL, launch, newContext, newPage, PHONE, person, screenshot } from './browser.mjs';

/** @typedef {Awaited<ReturnType<typeof newPage>>} Page */

/** @type {import('playwright-core').Browser} */
let browser;
const alice = person('Alina');
const bob = person('Boris');

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** @param {Page} page */
async function bodies(page) {
  return page.locator('[data-seq] p.whitespace-pre-wrap').allInnerTexts();
}

/** Waits until `check` returns a truthy value (polling, with a deadline). @template T @param {() => Promise<T>} check @param {string} what */
async function eventually(check, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The API as someone, straight from the test (a session of its own). @param {{ email: string, password: string }} who */
async function apiAs(who) {
  const login = await fetch(`${BASE_URL}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  assert.equal(login.status, 200);
  const { access_token: token } = /** @type {{ access_token: string }} */ (await login.json());
  return {
    /** @returns {Promise<any[]>} */
    async chats() {
      const response = await fetch(`${BASE_URL}/api/chats`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      return (await response.json()).chats;
    },
  };
}

/** Console errors other than the browser's own reports of connections it could not make. @param {Page} page */
function problems(page) {
  return page.problems.filter((p) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::/.test(p));
}

describe('healing', () => {
  /** @type {import('playwright-core').BrowserContext} */ let aliceContext;
  /** @type {import('playwright-core').BrowserContext} */ let bobContext;
  /** @type {Page} */ let a;
  /** @type {Page} */ let b;
  /** @type {string} */ let chatId;

  before(async () => {
    aliceContext = await newContext(browser);
    bobContext = await newContext(browser, { viewport: PHONE });
    a = await newPage(aliceContext);
    b = await newPage(bobContext);
    await Promise.all([signUp(a, alice), signUp(b, bob)]);
    const results = await searchPeople(a, bob.name);
    await results.getByRole('button', { name: new RegExp(bob.name) }).click();
    await a.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: bob.name }).waitFor();
    await send(a, 'Hello Boris');
    await message(a, 'Hello Boris').waitFor();
    chatId = new URL(a.url()).pathname.split('/').at(-1) ?? '';
    await acceptRequest(b, alice.name);
    await message(b, 'Hello Boris').waitFor();
  });

  after(async () => {
    await aliceContext?.close();
    await bobContext?.close();
  });

  it('a read receipt due as Bob’s connection drops reaches the server once he is back', async () => {
    const asAlice = await apiAs(alice);
    // His receipt cannot get through (the request fails as offline), and then the socket goes too.
    await b.route('**/api/chats/*/read', (route) => route.abort('internetdisconnected'));
    const failed = b.waitForEvent('requestfailed', (r) => r.url().endsWith('/read'));
    await send(a, 'Are you there?');
    await message(b, 'Are you there?').waitFor();
    await failed;
    await bobContext.setOffline(true);
    await b.getByRole('status').filter({ hasText: /offline/i }).waitFor();
    const seq = Number(await message(a, 'Are you there?').getAttribute('data-seq'));
    const bobsMarker = async () => (await asAlice.chats()).find((c) => c.id === chatId)?.members.find((/** @type {any} */ m) => m.display_name === bob.name)?.last_read_seq;
    assert.ok((await bobsMarker()) < seq, 'the server does not have it yet');
    assert.equal(await message(a, 'Are you there?').getByText('Seen', { exact: true }).count(), 0);

    await b.unroute('**/api/chats/*/read');
    await bobContext.setOffline(false);
    await b.getByRole('status').waitFor({ state: 'hidden', timeout: 20_000 });
    await eventually(async () => (await bobsMarker()) === seq, `Bob's marker at ${seq} on the server`);
    await message(a, 'Are you there?').getByText('Seen', { exact: true }).waitFor();

    // Another tab of Bob's, loaded fresh: nothing unread.
    const tab = await newPage(bobContext);
    await tab.goto('/');
    await expectSignedIn(tab, bob);
    const row = tab.getByRole('navigation', { name: 'Your chats' }).getByRole('button', { name: new RegExp(alice.name) });
    await row.waitFor();
    assert.doesNotMatch((await row.getAttribute('aria-label')) ?? '', /unread/);
    await tab.close();
  });

  it('messages written offline survive a reload made offline, and arrive once each, in order', async () => {
    await bobContext.setOffline(true);
    await b.getByRole('status').filter({ hasText: /offline/i }).waitFor();
    await send(b, 'Offline one');
    await send(b, 'Offline two');
    await b.locator('[data-pending=pending]', { hasText: 'Offline two' }).waitFor();
    await screenshot(b, 'healing-unsent');

    // Still offline for the app: the page itself loads, nothing under /api answers.
    await bobContext.route('**/api/**', (route) => route.abort('internetdisconnected'));
    await bobContext.setOffline(false);
    await b.reload();
    await b.getByText('Can’t reach Messenger').waitFor();
    assert.equal(await message(a, 'Offline one').count(), 0);

    await bobContext.unroute('**/api/**');
    await b.getByRole('button', { name: 'Try again' }).click();
    await message(b, 'Offline two').waitFor({ timeout: 20_000 });
    await message(a, 'Offline two').waitFor();
    await b.locator('[data-pending]').first().waitFor({ state: 'detached' });
    const seenByAlice = (await bodies(a)).filter((t) => t.startsWith('Offline'));
    assert.deepEqual(seenByAlice, ['Offline one', 'Offline two'], 'each once, in order');
    assert.deepEqual((await bodies(b)).filter((t) => t.startsWith('Offline')), ['Offline one', 'Offline two']);
    // Stored, not merely shown: a fresh load of Alice's has them once each.
    await a.reload();
    await message(a, 'Offline two').waitFor();
    assert.deepEqual((await bodies(a)).filter((t) => t.startsWith('Offline')), ['Offline one', 'Offline two']);
  });

  it('a push lost on an open socket is healed without a reconnect', async () => {
    let sockets = 0;
    let dropped = 0;
    // Between Bob's page and the server: the push of "Lost 2" never reaches the page.
    await b.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      sockets += 1;
      const server = ws.connectToServer();
      server.onMessage((frame) => {
        if (dropped === 0 && typeof frame === 'string' && frame.includes('"new_message"') && frame.includes('Lost 2')) {
          dropped += 1;
          return;
        }
        ws.send(frame);
      });
    });
    await b.reload();
    await message(b, 'Offline two').waitFor();
    // Bob's socket is live once Alice's typing reaches him through it.
    await a.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('Lo', { delay: 20 });
    await b.getByText(`${alice.name.split(' ')[0]} is typing…`).waitFor();
    assert.equal(sockets, 1);

    const gapFetch = b.waitForRequest((r) => r.url().includes(`/api/chats/${chatId}/messages`) && r.url().includes('after_seq='));
    for (const text of ['Lost 1', 'Lost 2', 'Lost 3']) await send(a, text);
    await message(b, 'Lost 3').waitFor();
    await gapFetch;
    await message(b, 'Lost 2').waitFor();
    assert.equal(dropped, 1, 'the push of Lost 2 was dropped');
    assert.equal(sockets, 1, 'no reconnect');
    const lost = (await bodies(b)).filter((t) => t.startsWith('Lost'));
    assert.deepEqual(lost, ['Lost 1', 'Lost 2', 'Lost 3']);
    await screenshot(b, 'healing-gap');
  });

  it('logs no errors in the console', () => {
    assert.deepEqual([...problems(a), ...problems(b)], []);
  });
});
