// @ts-check
/**
 * Membership and reading across tabs, in real browsers against the real stack: Alice adds Carol
 * to a group while Carol has the app open (the group shows in her list at once, with its unread
 * count, before any message) and Bob watches the member list grow; Alice removes Bob, whose open
 * group closes with a notice; Carol leaves. Bob reads in one tab and the unread badge in his
 * other tab clears without a reload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { acceptRequest, expectSignedIn, message, searchPeople, send, signUp } from './app.mjs';
import { launch, newContext, newPage, PHONE, person, screenshot } from './browser.mjs';

/** @typedef {Awaited<ReturnType<typeof newPage>>} Page */

/** @type {import('playwright-core').Browser} */
let browser;
const alice = person('Amelia');
const bob = person('Bruno');
const carol = person('Cora');

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** @param {Page} page */
function chatList(page) {
  return page.getByRole('navigation', { name: 'Your chats' });
}

/** @param {Page} page @param {string} title */
async function openChat(page, title) {
  await chatList(page).getByRole('button', { name: new RegExp(`^${title}`) }).click();
  await page.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: title }).waitFor();
}

/** The open group's member list (opening the dialog). @param {Page} page */
async function openMembers(page) {
  await page.getByRole('main', { name: 'Conversation' }).getByRole('button', { name: 'Group members' }).click();
  const dialog = page.getByRole('dialog', { name: 'Group members' });
  await dialog.waitFor();
  return dialog;
}

/** @param {import('playwright-core').Locator} dialog */
async function memberNames(dialog) {
  return (await dialog.getByRole('list', { name: 'Members' }).getByTestId('member-name').allInnerTexts()).sort();
}

/**
 * The requests a page makes for chats from now on (what a reload or a catch-up would make).
 * @param {Page} page
 */
function chatRequests(page) {
  /** @type {string[]} */
  const seen = [];
  /** @param {import('playwright-core').Request} r */
  const onRequest = (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/chats')) seen.push(`${r.method()} ${path}`);
  };
  page.on('request', onRequest);
  return { seen, stop: () => page.off('request', onRequest) };
}

/** Console errors other than the browser's own reports of connections it could not make. @param {Page} page */
function problems(page) {
  return page.problems.filter((p) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::/.test(p));
}

describe('group membership', () => {
  /** @type {import('playwright-core').BrowserContext[]} */ const contexts = [];
  /** @type {Page} */ let a;
  /** @type {Page} */ let b;
  /** @type {Page} */ let c;

  before(async () => {
    for (const viewport of [undefined, PHONE, undefined]) contexts.push(await newContext(browser, viewport ? { viewport } : {}));
    const [aliceContext, bobContext, carolContext] = contexts;
    assert.ok(aliceContext && bobContext && carolContext);
    [a, b, c] = await Promise.all([newPage(aliceContext), newPage(bobContext), newPage(carolContext)]);
    await Promise.all([signUp(a, alice), signUp(b, bob), signUp(c, carol)]);
  });

  after(async () => {
    for (const context of contexts) await context.close();
  });

  it('Alice adds Carol while Carol has the app open: the group is in her list at once; Bob sees her among the members', async () => {
    await a.getByRole('button', { name: 'New group', exact: true }).click();
    const create = a.getByRole('dialog', { name: 'New group' });
    await create.getByLabel('Group name').fill('Team');
    await create.getByLabel('Add people').fill(bob.name);
    await create.getByRole('list', { name: 'People to add' }).getByRole('button', { name: bob.name }).click();
    await create.getByRole('button', { name: 'Create group' }).click();
    await a.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: 'Team' }).waitFor();
    await send(a, 'Welcome to the team');
    await message(a, 'Welcome to the team').waitFor();

    // Bob and Alice share no chat: the group is a request to him until he accepts.
    await acceptRequest(b, 'Team');
    await message(b, 'Welcome to the team').waitFor();
    const bobsMembers = await openMembers(b);
    assert.deepEqual(await memberNames(bobsMembers), [alice.name, `${bob.name} (you)`].sort());

    // Carol has her (empty) list open; from here on, no message is sent.
    await c.getByText('No conversations yet').waitFor();
    const carolsRequests = chatRequests(c);
    const alicesMembers = await openMembers(a);
    await alicesMembers.getByLabel('Add people').fill(carol.name);
    await alicesMembers.getByRole('list', { name: 'People to add' }).getByRole('button', { name: carol.name }).click();
    // Alice sees Carol invited; Carol, a stranger to her, gets the request at once.
    await alicesMembers.getByRole('list', { name: 'Members' }).getByText(carol.name).waitFor();
    await alicesMembers.getByRole('list', { name: 'Members' }).getByText('invited', { exact: true }).waitFor();
    await c.getByRole('navigation', { name: 'Chat requests' }).getByRole('button', { name: 'Request: Team', exact: true }).waitFor();
    carolsRequests.stop();
    assert.ok(carolsRequests.seen.every((r) => /^GET \/api\/chats\/[0-9a-f-]{36}$/.test(r)), `only the new chat was fetched: ${carolsRequests.seen}`);
    await screenshot(c, 'membership-added');

    // She accepts; what came before she joined counts as read (docs/API.md), and Bob's open
    // member list follows (and stays open for what comes next).
    await acceptRequest(c, 'Team');
    await message(c, 'Welcome to the team').waitFor();
    await bobsMembers.getByRole('list', { name: 'Members' }).getByText(carol.name).waitFor();
    await bobsMembers.getByText('Team · 3 members').waitFor();
    await screenshot(b, 'membership-members');
  });

  it('Alice removes Bob: the group he has open closes with a notice and leaves his list', async () => {
    const alicesMembers = a.getByRole('dialog', { name: 'Group members' });
    await alicesMembers.getByRole('button', { name: `Remove ${bob.name}` }).click();
    await alicesMembers.getByRole('list', { name: 'Members' }).getByText(bob.name).waitFor({ state: 'detached' });

    await b.getByTestId('notice').filter({ hasText: 'You were removed from Team.' }).waitFor();
    await b.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: 'Team' }).waitFor({ state: 'detached' });
    assert.equal(await b.getByRole('dialog', { name: 'Group members' }).count(), 0);
    assert.equal(await b.getByRole('button', { name: /^Team/ }).count(), 0, 'the group left his list');
    assert.equal(new URL(b.url()).pathname, '/');
    await screenshot(b, 'membership-removed');
    // Carol, still in it, sees two members.
    await c.getByRole('main', { name: 'Conversation' }).getByText(/^2 members/).waitFor();
  });

  it('Carol leaves: "You left Team", and Alice is alone in it', async () => {
    const carolsMembers = await openMembers(c);
    await carolsMembers.getByRole('button', { name: 'Leave group' }).click();
    await carolsMembers.getByRole('button', { name: 'Leave', exact: true }).click();
    await c.getByTestId('notice').filter({ hasText: 'You left Team.' }).waitFor();
    assert.equal(await chatList(c).getByRole('button', { name: /^Team/ }).count(), 0);
    const alicesMembers = a.getByRole('dialog', { name: 'Group members' });
    await alicesMembers.getByRole('list', { name: 'Members' }).getByText(carol.name).waitFor({ state: 'detached' });
    assert.deepEqual(await memberNames(alicesMembers), [`${alice.name} (you)`]);
  });

  it('logs no errors in the console', () => {
    assert.deepEqual([a, b, c].flatMap(problems), []);
  });
});

describe('reading in another tab', () => {
  const amy = person('Amy');
  const ben = person('Ben');
  /** @type {import('playwright-core').BrowserContext} */ let amyContext;
  /** @type {import('playwright-core').BrowserContext} */ let benContext;
  /** @type {Page} */ let a;
  /** @type {Page} */ let tab1;
  /** @type {Page} */ let tab2;

  before(async () => {
    amyContext = await newContext(browser);
    benContext = await newContext(browser);
    a = await newPage(amyContext);
    tab1 = await newPage(benContext);
    await Promise.all([signUp(a, amy), signUp(tab1, ben)]);
    tab2 = await newPage(benContext);
    await tab2.goto('/');
    await expectSignedIn(tab2, ben);
  });

  after(async () => {
    await amyContext?.close();
    await benContext?.close();
  });

  it('Bob reads in one tab; the unread badge in his other tab clears without a reload', async () => {
    const results = await searchPeople(a, ben.name);
    await results.getByRole('button', { name: new RegExp(ben.name) }).click();
    await a.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: ben.name }).waitFor();
    // Ben accepts Amy's request in one tab and goes back to his list; the other tab follows.
    await acceptRequest(tab1, amy.name);
    await tab1.goto('/');
    await expectSignedIn(tab1, ben);
    await chatList(tab2).getByRole('button', { name: new RegExp(`^${amy.name}`) }).waitFor();
    for (const text of ['One', 'Two', 'Three']) await send(a, text);
    await message(a, 'Three').waitFor();
    await a.locator('[data-pending]').first().waitFor({ state: 'detached' });

    const unread = new RegExp(`^${amy.name}(, online)?, 3 unread$`);
    await chatList(tab1).getByRole('button', { name: unread }).waitFor();
    await chatList(tab2).getByRole('button', { name: unread }).waitFor();

    const tab2Requests = chatRequests(tab2);
    await tab1.bringToFront();
    await openChat(tab1, amy.name);
    await message(tab1, 'Three').waitFor();
    await chatList(tab1).getByRole('button', { name: new RegExp(`^${amy.name}(, online)?$`) }).waitFor();
    // Tab 2 learns it from the read event: no reload, not even a request for the chat.
    await chatList(tab2).getByRole('button', { name: new RegExp(`^${amy.name}(, online)?$`) }).waitFor();
    tab2Requests.stop();
    assert.deepEqual(tab2Requests.seen, []);
    await screenshot(tab2, 'read-elsewhere');
  });

  it('logs no errors in the console', () => {
    assert.deepEqual([a, tab1, tab2].flatMap(problems), []);
  });
});
