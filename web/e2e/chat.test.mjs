// @ts-check
/**
 * Chatting in real browsers against the real stack: a direct chat live both ways (typing, "Seen",
 * edit, delete), a reload, Bob offline while Alice writes five messages, and a group of three.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { acceptRequest, expectSignedIn, message, openChat, searchPeople, send, signUp } from './app.mjs';
import { launch, newContext, newPage, PHONE, person, screenshot } from './browser.mjs';

/** @typedef {Awaited<ReturnType<typeof newPage>>} Page */

/** @type {import('playwright-core').Browser} */
let browser;
const alice = person('Alicia');
const bob = person('Bobby');
const carol = person('Carol');

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The bodies of the stored messages on screen, in order. @param {Page} page */
async function bodies(page) {
  return page.locator('[data-seq] p.whitespace-pre-wrap').allInnerTexts();
}

/** Console errors other than the browser's own reports of a connection it could not make. @param {Page} page */
function problems(page) {
  return page.problems.filter((p) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::/.test(p));
}

describe('chat', () => {
  /** @type {import('playwright-core').BrowserContext} */ let aliceContext;
  /** @type {import('playwright-core').BrowserContext} */ let bobContext;
  /** @type {Page} */ let a;
  /** @type {Page} */ let b;

  before(async () => {
    aliceContext = await newContext(browser);
    bobContext = await newContext(browser, { viewport: PHONE });
    a = await newPage(aliceContext);
    b = await newPage(bobContext);
    await Promise.all([signUp(a, alice), signUp(b, bob)]);
  });

  after(async () => {
    await aliceContext?.close();
    await bobContext?.close();
  });

  it('Alice finds Bob, starts a direct chat, and they talk live both ways', async () => {
    const results = await searchPeople(a, bob.name);
    await results.getByRole('button', { name: new RegExp(bob.name) }).click();
    await a.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: bob.name }).waitFor();
    await a.getByText(`This is the beginning of your conversation with ${bob.name}`).waitFor();
    await send(a, 'Hi Bob! 👋');
    await message(a, 'Hi Bob!').waitFor();

    // They share no chat yet: Alice sees that Bob has not accepted; Bob's list gets a request,
    // live, that shows who asks and nothing of what she wrote until he accepts.
    await a.getByText(`${bob.name} has not accepted your request yet.`).waitFor();
    const request = b.getByRole('navigation', { name: 'Chat requests' }).getByRole('button', { name: `Request: ${alice.name}`, exact: true });
    await request.waitFor();
    assert.equal(await b.getByText('Hi Bob!').count(), 0, 'no preview before accepting');
    await screenshot(b, 'chat-request');
    await request.click();
    await b.getByText(`${alice.name} wants to chat with you`).waitFor();
    assert.equal(await b.getByText('Hi Bob!').count(), 0, 'no message before accepting');
    await acceptRequest(b, alice.name);
    await message(b, 'Hi Bob!').waitFor();
    await a.getByText(`${bob.name} has not accepted your request yet.`).waitFor({ state: 'hidden' });

    // Bob types: Alice sees it; Bob's read shows as "Seen" under her message.
    await b.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('Hey Ali', { delay: 30 });
    await a.getByText(`${bob.name.split(' ')[0]} is typing…`).waitFor();
    await a.getByText('Seen', { exact: true }).waitFor();
    await b.getByRole('textbox', { name: 'Message', exact: true }).press('Shift+Enter');
    await b.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('cia, how are you?');
    await b.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await message(a, 'how are you?').waitFor();
    assert.deepEqual((await bodies(a)).at(-1), 'Hey Ali\ncia, how are you?', 'Shift+Enter is a newline');
    await a.getByText(`${bob.name.split(' ')[0]} is typing…`).waitFor({ state: 'hidden' });

    await send(a, 'Great, thanks');
    await message(b, 'Great, thanks').waitFor();
    assert.deepEqual(await bodies(b), ['Hi Bob! 👋', 'Hey Ali\ncia, how are you?', 'Great, thanks']);
    assert.deepEqual(await bodies(a), await bodies(b));
    await b.getByText('Seen', { exact: true }).waitFor();
    await screenshot(a, 'chat-direct');
    await screenshot(b, 'chat-direct');
  });

  it('Alice edits and deletes her messages; Bob sees both', async () => {
    await message(a, 'Great, thanks').hover();
    await message(a, 'Great, thanks').getByRole('button', { name: 'Edit message' }).click();
    const editor = a.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('Great, thanks! And you?');
    await editor.press('Enter');
    await message(b, 'And you?').getByText('edited').waitFor();
    await message(a, 'Hi Bob!').hover();
    await message(a, 'Hi Bob!').getByRole('button', { name: 'Delete message' }).click();
    await b.getByText('This message was deleted').waitFor();
    await a.getByText('This message was deleted').waitFor();
    await screenshot(b, 'chat-edited-deleted');
  });

  it('Bob reloads and is still signed in, with the chat and its history', async () => {
    // The open chat is in the address (/chats/{id}), so the reload opens it again.
    assert.match(new URL(b.url()).pathname, /^\/chats\/[0-9a-f-]{36}$/);
    await b.reload();
    await b.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: alice.name }).waitFor();
    await message(b, 'And you?').waitFor();
    await b.getByRole('button', { name: 'Back to chats' }).click();
    await expectSignedIn(b, bob);
    assert.equal(new URL(b.url()).pathname, '/');
    await openChat(b, alice.name);
    await message(b, 'And you?').waitFor();
  });

  it('the address follows the open chat: Back closes it, a pasted link opens it, an unknown one says so', async () => {
    const link = a.url();
    assert.match(new URL(link).pathname, /^\/chats\/[0-9a-f-]{36}$/);
    // Bob on his phone: the browser's Back closes the conversation, Forward opens it again.
    await b.goBack();
    await b.getByRole('heading', { name: 'Chats', exact: true }).waitFor();
    assert.equal(await b.getByRole('main', { name: 'Conversation' }).isVisible(), false);
    await b.goForward();
    await message(b, 'And you?').waitFor();
    // Alice's link pasted into a new tab of Bob's opens the same chat.
    const tab = await newPage(bobContext);
    await tab.goto(new URL(link).pathname);
    await tab.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: alice.name }).waitFor();
    await message(tab, 'And you?').waitFor();
    // A chat that is not his: the list, with a word why.
    await tab.goto('/chats/00000000-0000-4000-8000-000000000000');
    await tab.getByText('That chat could not be found', { exact: false }).waitFor();
    await tab.getByRole('navigation', { name: 'Your chats' }).getByRole('button', { name: new RegExp(alice.name) }).waitFor();
    assert.equal(new URL(tab.url()).pathname, '/');
    await screenshot(tab, 'chat-unknown-link');
    assert.deepEqual(problems(tab), []);
    await tab.close();
  });

  it('Bob goes offline; Alice sends five messages; Bob comes back and sees each once, in order', async () => {
    await bobContext.setOffline(true);
    await b.getByRole('status').filter({ hasText: /offline/i }).waitFor();
    await screenshot(b, 'chat-offline');
    const five = [1, 2, 3, 4, 5].map((n) => `While you were away ${n}`);
    for (const text of five) await send(a, text);
    await message(a, five[4] ?? '').waitFor();
    await a.locator('[data-pending]').first().waitFor({ state: 'detached' });

    await bobContext.setOffline(false);
    await message(b, five[4] ?? '').waitFor({ timeout: 20_000 });
    await b.getByRole('status').waitFor({ state: 'hidden' });
    const seen = await bodies(b);
    assert.deepEqual(seen.filter((t) => t.startsWith('While you were away')), five);
    assert.deepEqual(seen, await bodies(a));
    const seqs = await b.locator('[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    assert.equal(new Set(seqs).size, seqs.length, 'no duplicates');
  });

  it('a message written while offline shows as sending and goes out on reconnect', async () => {
    await aliceContext.setOffline(true);
    await a.getByRole('status').filter({ hasText: /offline/i }).waitFor();
    await send(a, 'Written on the train');
    await a.locator('[data-pending=pending]', { hasText: 'Written on the train' }).waitFor();
    await screenshot(a, 'chat-pending');
    await aliceContext.setOffline(false);
    await message(a, 'Written on the train').waitFor({ timeout: 20_000 });
    await message(b, 'Written on the train').waitFor();
    assert.equal(await a.locator('[data-pending]').count(), 0);
  });

  it('a message the server refuses shows as not sent, with the reason and a retry', async () => {
    // A control character: the server answers `error` with this message's client_message_id.
    await send(a, 'bell \u0007 here');
    const failed = a.locator('[data-pending=failed]', { hasText: 'bell' });
    await failed.waitFor();
    await failed.getByRole('button', { name: 'Retry' }).waitFor();
    await screenshot(a, 'chat-failed');
    await failed.getByRole('button', { name: 'Retry' }).click();
    await a.locator('[data-pending=failed]', { hasText: 'bell' }).waitFor();
    assert.equal(await message(b, 'bell').count(), 0);
    await a.locator('[data-pending=failed]', { hasText: 'bell' }).getByRole('button', { name: 'Discard' }).click();
    await a.locator('[data-pending]').waitFor({ state: 'detached' });
  });

  it('Alice makes a group with Bob and Carol; all three talk', async () => {
    const carolContext = await newContext(browser, { viewport: PHONE });
    const c = await newPage(carolContext);
    await signUp(c, carol);

    await a.getByRole('button', { name: 'New group', exact: true }).click();
    const dialog = a.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Weekend plans');
    for (const who of [bob, carol]) {
      await dialog.getByLabel('Add people').fill(who.name);
      await dialog.getByRole('list', { name: 'People to add' }).getByRole('button', { name: who.name }).click();
    }
    await screenshot(a, 'new-group');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await a.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: 'Weekend plans' }).waitFor();
    await send(a, 'Hiking on Saturday?');

    await b.getByRole('button', { name: 'Back to chats' }).click();
    const bobsList = b.getByRole('navigation', { name: 'Your chats' });
    await bobsList.getByRole('button', { name: 'Weekend plans, 1 unread', exact: true }).waitFor();
    // Bob knows Alice and is in at once; Carol does not, and is asked.
    await openChat(b, 'Weekend plans');
    await message(b, 'Hiking on Saturday?').waitFor();
    await acceptRequest(c, 'Weekend plans');
    await message(c, 'Hiking on Saturday?').waitFor();
    // Read on screen, so the badge is gone when Bob looks at his list again.
    await b.getByRole('button', { name: 'Back to chats' }).click();
    await bobsList.getByRole('button', { name: 'Weekend plans', exact: true }).waitFor();
    await openChat(b, 'Weekend plans');
    await send(c, 'I am in!');
    await message(a, 'I am in!').waitFor();
    await message(b, 'I am in!').waitFor();
    await send(b, 'Me too');
    await message(a, 'Me too').waitFor();
    await message(c, 'Me too').waitFor();
    assert.deepEqual(await bodies(c), ['Hiking on Saturday?', 'I am in!', 'Me too']);
    await screenshot(a, 'chat-group');
    await screenshot(c, 'chat-group');
    assert.deepEqual(problems(c), []);
    await a.getByRole('main', { name: 'Conversation' }).getByText('3 members, 2 online').waitFor();
    await carolContext.close();
    // Presence: Carol's last connection closed.
    await a.getByRole('main', { name: 'Conversation' }).getByText('3 members, 1 online').waitFor();
  });

  it('a long history loads older pages when scrolling up, without the view jumping', async () => {
    // Bob has the group open while 60 arrive: his read marker follows them, one request per
    // half second at most (measured here, since it is the rule: not one request per message).
    /** @type {number[]} */
    const reads = [];
    let confirmed = 0;
    /** @param {import('playwright-core').Request} r */
    const onRequest = (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/read')) reads.push(Date.now());
    };
    /** @param {import('playwright-core').Response} r */
    const onResponse = async (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/read') && r.ok()) {
        confirmed = Math.max(confirmed, (await r.json()).last_read_seq);
      }
    };
    b.on('request', onRequest);
    b.on('response', onResponse);
    const started = Date.now();
    const counts = Array.from({ length: 60 }, (_, i) => `Count ${i + 1}.`);
    for (const text of counts) await send(a, text);
    await message(a, 'Count 60.').waitFor();
    await a.locator('[data-pending]').first().waitFor({ state: 'detached' });
    await message(b, 'Count 60.').waitFor();
    // "Count 60." is seq 63 (after the group's first three messages).
    for (const deadline = Date.now() + 10_000; confirmed !== 63; ) {
      assert.ok(Date.now() < deadline, `the server confirms Bob's marker at 63 (so far ${confirmed})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    b.off('request', onRequest);
    b.off('response', onResponse);
    const elapsed = Date.now() - started;
    console.log(`read markers: ${reads.length} requests for 60 messages in ${elapsed} ms`);
    assert.ok(reads.length <= Math.ceil(elapsed / 500) + 1, `${reads.length} requests in ${elapsed} ms`);
    for (let i = 1; i < reads.length; i++) assert.ok((reads[i] ?? 0) - (reads[i - 1] ?? 0) >= 400, 'one per throttle window');

    // A fresh load shows the latest page (50) at the bottom.
    await b.reload();
    await b.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: 'Weekend plans' }).waitFor();
    await message(b, 'Count 60.').waitFor();
    assert.equal(await b.locator('[data-seq]').count(), 50);
    // The oldest on screen: "Count 11.", seq 14 (after the group's first three messages).
    const anchor = b.locator('[data-seq="14"]');
    assert.equal(await anchor.locator('p.whitespace-pre-wrap').innerText(), 'Count 11.');
    const before = await b.getByTestId('messages').evaluate((el) => {
      el.scrollTop = 0;
      return el.querySelector('[data-seq="14"] p.whitespace-pre-wrap')?.getBoundingClientRect().top ?? -1;
    });
    await message(b, 'Hiking on Saturday?').waitFor();
    const afterTop = (await anchor.locator('p.whitespace-pre-wrap').boundingBox())?.y ?? -1;
    assert.ok(Math.abs(afterTop - before) < 4, `the message on screen stays put (${before} -> ${afterTop})`);
    const all = await bodies(b);
    assert.deepEqual(all, ['Hiking on Saturday?', 'I am in!', 'Me too', ...counts]);
    await screenshot(b, 'chat-history');
  });

  it('logs no errors in the console', () => {
    assert.deepEqual([...problems(a), ...problems(b)], []);
  });
});
