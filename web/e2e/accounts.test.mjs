// @ts-check
/**
 * Accounts and the app shell in a real browser against the real local stack (web/scripts/e2e.sh
 * starts it): two people sign up, stay signed in, find each other, edit their profile, sign out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectSignedIn, expectSignedOut, fillLogin, logIn, logOut, mailedLink, searchPeople, signUp, storedTokens } from './app.mjs';
import { ACCESS_TTL, BASE_URL, DESKTOP, launch, newContext, newPage, person, PHONE, screenshot } from './browser.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
const alice = person('Alice');
const bob = person('Bob');

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe('accounts', () => {
  /** @type {import('playwright-core').BrowserContext} */ let aliceContext;
  /** @type {import('playwright-core').BrowserContext} */ let bobContext;
  /** @type {Awaited<ReturnType<typeof newPage>>} */ let alicePage;
  /** @type {Awaited<ReturnType<typeof newPage>>} */ let bobPage;

  before(async () => {
    aliceContext = await newContext(browser);
    bobContext = await newContext(browser, { viewport: PHONE });
    alicePage = await newPage(aliceContext);
    bobPage = await newPage(bobContext);
  });

  after(async () => {
    await aliceContext?.close();
    await bobContext?.close();
  });

  it('Alice and Bob sign up, each in their own browser', async () => {
    await alicePage.goto('/');
    await screenshot(alicePage, 'sign-in');
    await Promise.all([signUp(alicePage, alice), signUp(bobPage, bob)]);
    await screenshot(alicePage, 'signed-in-empty');
    await screenshot(bobPage, 'signed-in-empty');
  });

  it('Bob confirms his e-mail address from the mail, so colleagues can find him by it', async () => {
    await bobPage.goto(await mailedLink(BASE_URL, bob.email, '/verify-email'));
    await bobPage.getByText('Your e-mail address is confirmed.').waitFor();
    await bobPage.getByRole('button', { name: 'Continue to Messenger' }).click();
    await expectSignedIn(bobPage, bob);
  });

  it('keeps only the refresh token in storage, never the access token', async () => {
    const stored = await storedTokens(alicePage);
    assert.deepEqual(Object.keys(stored), ['messenger.refresh_token']);
  });

  it('Alice is still signed in after reloading the page', async () => {
    await alicePage.reload();
    await expectSignedIn(alicePage, alice);
  });

  it('Alice finds Bob by name and opens a conversation with him, using only the keyboard', async () => {
    const search = alicePage.getByRole('searchbox', { name: 'Search people' });
    await search.focus();
    await search.pressSequentially(bob.name.slice(0, 6), { delay: 20 });
    await search.fill(bob.name);
    const results = alicePage.getByRole('list', { name: 'Search results' });
    const bobButton = results.getByRole('button', { name: new RegExp(bob.name) });
    await bobButton.waitFor();
    assert.equal(await results.getByRole('button', { name: new RegExp(alice.name) }).count(), 0, 'never oneself');
    await screenshot(alicePage, 'search-results');

    await search.press('ArrowDown');
    assert.ok(await bobButton.evaluate((el) => el === document.activeElement), 'ArrowDown moves into the results');
    await screenshot(alicePage, 'search-keyboard-focus');
    await alicePage.keyboard.press('Enter');
    const conversation = alicePage.getByRole('main', { name: 'Conversation' });
    await conversation.getByRole('heading', { name: bob.name }).waitFor();
    await screenshot(alicePage, 'conversation-new');
  });

  it('search by exact e-mail works, and an unknown name says so', async () => {
    const results = await searchPeople(alicePage, bob.email.toUpperCase());
    await results.getByRole('button', { name: new RegExp(bob.name) }).waitFor();
    await searchPeople(alicePage, `Nobody ${alice.name}`);
    await alicePage.getByText('No one found for').waitFor();
    await alicePage.getByRole('button', { name: 'Clear search' }).click();
  });

  it('on a phone, one pane at a time: the list, then the conversation with a way back', async () => {
    const results = await searchPeople(bobPage, alice.name);
    await results.getByRole('button', { name: new RegExp(alice.name) }).waitFor();
    await screenshot(bobPage, 'search-results');
    await results.getByRole('button', { name: new RegExp(alice.name) }).click();
    const conversation = bobPage.getByRole('main', { name: 'Conversation' });
    await conversation.getByRole('heading', { name: alice.name }).waitFor();
    assert.equal(await bobPage.getByRole('complementary', { name: 'Chats and people' }).isVisible(), false);
    await screenshot(bobPage, 'conversation-new');

    await conversation.getByRole('button', { name: 'Back to chats' }).click();
    await bobPage.getByRole('heading', { name: 'Chats', exact: true }).waitFor();
    assert.equal(await conversation.isVisible(), false);
  });

  it('Bob changes his display name and turns e-mail notifications off; both survive a reload', async () => {
    await bobPage.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = bobPage.getByRole('dialog', { name: 'Profile and settings' });
    await dialog.waitFor();
    await screenshot(bobPage, 'settings');

    const renamed = `${bob.name} B.`;
    await dialog.getByLabel('Display name', { exact: true }).fill(renamed);
    await dialog.getByRole('button', { name: 'Save name' }).click();
    await dialog.getByText('Saved').waitFor();
    const toggle = dialog.getByRole('switch', { name: 'E-mail notifications' });
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    await Promise.all([
      bobPage.waitForResponse((r) => r.url().endsWith('/api/users/me') && r.request().method() === 'PATCH'),
      toggle.click(),
    ]);
    await bobPage.waitForFunction(
      () => document.querySelector('[role=switch]')?.getAttribute('aria-checked') === 'false' && !document.querySelector('[role=switch]')?.hasAttribute('disabled'),
    );

    await bobPage.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await bobPage.reload();
    bob.name = renamed;
    await expectSignedIn(bobPage, bob);
    await bobPage.getByRole('button', { name: 'Settings', exact: true }).click();
    assert.equal(await dialog.getByRole('switch', { name: 'E-mail notifications' }).getAttribute('aria-checked'), 'false');
    await bobPage.keyboard.press('Escape');
  });

  it('shows the API message when a display name is refused', async () => {
    await alicePage.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = alicePage.getByRole('dialog', { name: 'Profile and settings' });
    await dialog.getByLabel('Display name', { exact: true }).fill('   ');
    await dialog.getByRole('button', { name: 'Save name' }).click();
    const field = dialog.getByLabel('Display name', { exact: true });
    await alicePage.waitForFunction(() => document.querySelector('[name=display_name][aria-invalid=true]') !== null);
    const describedBy = await field.getAttribute('aria-describedby');
    assert.ok(describedBy);
    assert.match(await alicePage.locator(`#${describedBy}`).innerText(), /display name/i);
    await screenshot(alicePage, 'settings-error');
    await alicePage.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('Alice stays signed in across access-token refreshes, in two tabs at once', { skip: ACCESS_TTL === 0 && 'needs a stack with a short ACCESS_TOKEN_TTL_SECS (E2E_ACCESS_TTL)' }, async () => {
    const second = await newPage(aliceContext);
    await second.goto('/');
    await expectSignedIn(second, alice);
    // Let both tabs go through at least two scheduled refreshes each.
    /** @type {number[]} */
    const refreshes = [];
    const onResponse = (/** @type {import('playwright-core').Response} */ r) => {
      if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r.status());
    };
    alicePage.on('response', onResponse);
    second.on('response', onResponse);
    await alicePage.waitForTimeout(ACCESS_TTL * 2_000 + 1_000);
    alicePage.off('response', onResponse);
    second.off('response', onResponse);

    assert.ok(refreshes.length >= 4, `expected refreshes, saw ${refreshes.length}`);
    assert.ok(refreshes.every((s) => s === 200), `every refresh succeeds (single-use tokens, no reuse): ${refreshes}`);
    for (const page of [alicePage, second]) {
      const results = await searchPeople(page, bob.email);
      await results.getByRole('button', { name: new RegExp(bob.name) }).waitFor();
      await page.getByRole('button', { name: 'Clear search' }).click();
    }

    // Signing out in one tab signs out the other.
    await logOut(second);
    await expectSignedOut(alicePage);
    await alicePage.getByText('You signed out in another tab.').waitFor();
    await second.close();
    await logIn(alicePage, alice);
  });

  it('a request refused with 401 renews the session once and is replayed', async () => {
    const context = await newContext(browser);
    const page = await newPage(context);
    await logIn(page, alice);
    // The next search leaves with a token the server will refuse (as an expired one would be).
    await page.route(
      '**/api/users?*',
      (route) => route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer expired.or.forged' } }),
      { times: 1 },
    );
    /** @type {string[]} */
    const seen = [];
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      // The chat list and the realtime ticket load alongside; only the search and refreshes matter here.
      if (path === '/api/users' || path === '/api/auth/refresh') seen.push(`${r.status()} ${path}`);
    });

    const results = await searchPeople(page, bob.email);
    await results.getByRole('button', { name: new RegExp(bob.name) }).waitFor();

    assert.deepEqual(seen, ['401 /api/users', '200 /api/auth/refresh', '200 /api/users']);
    await expectSignedIn(page, alice);
    await context.close();
  });

  it('a stored session the server no longer accepts lands on sign-in with a word why', async () => {
    const context = await newContext(browser);
    const page = await newPage(context);
    await page.goto('/');
    await page.evaluate(() => window.localStorage.setItem('messenger.refresh_token', 'revoked-or-made-up'));
    await page.reload();
    await expectSignedOut(page);
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    assert.deepEqual(await storedTokens(page), {});
    await context.close();
  });

  it('signing out returns to the sign-in screen, and a reload does not sign back in', async () => {
    await logOut(alicePage);
    assert.deepEqual(await storedTokens(alicePage), {});
    await alicePage.reload();
    await expectSignedOut(alicePage);
  });

  it('a wrong password shows the error from the API, and the right one signs in', async () => {
    await fillLogin(alicePage, alice.email, 'not-the-password');
    const alert = alicePage.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /e-mail or password is incorrect/i);
    await screenshot(alicePage, 'sign-in-error');
    await fillLogin(alicePage, alice.email, alice.password);
    await expectSignedIn(alicePage, alice);
  });

  it('signing up with a taken e-mail says so under the field', async () => {
    const context = await newContext(browser, { viewport: PHONE });
    const page = await newPage(context);
    await page.goto('/#signup');
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Your name', { exact: true }).fill('Someone Else');
    await page.getByLabel('E-mail', { exact: true }).fill(alice.email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    /** @param {string} label */
    const noteOf = async (label) =>
      page.locator('#' + (await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby'))).innerText();
    // The API reports one problem at a time: first the password, then the e-mail.
    await page.waitForFunction(() => document.querySelector('[aria-invalid=true]') !== null);
    assert.match(await noteOf('Password'), /password/i);
    await screenshot(page, 'sign-up-error');
    await page.getByLabel('Password', { exact: true }).fill('long-enough-password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForFunction(() => document.querySelector('[name=email][aria-invalid=true]') !== null);
    assert.match(await noteOf('E-mail'), /already/i);
    await page.getByRole('button', { name: 'Sign in with this e-mail instead' }).waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('logs no errors in the console', () => {
    assert.deepEqual([...alicePage.problems, ...bobPage.problems], []);
  });
});

describe('looks', () => {
  it('renders the sign-in screen and the app in dark mode at phone and desktop sizes', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const context = await newContext(browser, { viewport, colorScheme: 'dark' });
      const page = await newPage(context);
      await page.goto('/');
      await expectSignedOut(page);
      await screenshot(page, 'dark-sign-in');
      await logIn(page, alice);
      await searchPeople(page, bob.email);
      await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
      await page.getByRole('main', { name: 'Conversation' }).getByRole('heading').first().waitFor();
      await screenshot(page, 'dark-conversation');
      assert.deepEqual(page.problems, []);
      await context.close();
    }
  });
});
