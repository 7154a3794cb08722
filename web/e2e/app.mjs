// @ts-check
/** Steps a person takes in the app, written once for all tests. */
import assert from 'node:assert/strict';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{ name: string, email: string, password: string }} Person */

/** @param {Page} page @param {Person} who */
export async function signUp(page, who) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Your name', { exact: true }).fill(who.name);
  await page.getByLabel('E-mail', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectSignedIn(page, who);
}

/** @param {Page} page @param {Person} who */
export async function logIn(page, who) {
  await page.goto('/');
  await fillLogin(page, who.email, who.password);
  await expectSignedIn(page, who);
}

/** @param {Page} page @param {string} email @param {string} password */
export async function fillLogin(page, email, password) {
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** @param {Page} page @param {Person} who */
export async function expectSignedIn(page, who) {
  await page.getByRole('heading', { name: 'Chats', exact: true }).waitFor();
  await page.getByRole('button', { name: `Your profile: ${who.name}` }).waitFor();
}

/** @param {Page} page */
export async function expectSignedOut(page) {
  await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
}

/** @param {Page} page */
export async function logOut(page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('dialog', { name: 'Profile and settings' }).getByRole('button', { name: 'Sign out', exact: true }).click();
  await expectSignedOut(page);
}

/** Types `text` into the message box and sends it. @param {Page} page @param {string} text */
export async function send(page, text) {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** The message whose body holds `text`. @param {Page} page @param {string} text */
export function message(page, text) {
  // Match the body only: the time beside it ("01:04 PM") must not complete a shorter text.
  return page
    .getByRole('list', { name: 'Messages' })
    .locator('[data-seq]', { has: page.locator('p.whitespace-pre-wrap', { hasText: text }) });
}

/** Opens the chat titled `title` from the chat list. @param {Page} page @param {string} title */
export async function openChat(page, title) {
  await page.getByRole('navigation', { name: 'Your chats' }).getByRole('button', { name: new RegExp(title) }).click();
  await page.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: title }).waitFor();
}

/**
 * Opens the chat request titled `title` (someone I share no chat with started a chat with me or
 * added me to a group) and accepts it; the conversation then shows. @param {Page} page @param {string} title
 */
export async function acceptRequest(page, title) {
  const request = page.getByRole('region', { name: 'Chat request' });
  const open = (await request.isVisible()) && (await page.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: title }).isVisible());
  if (!open) await page.getByRole('navigation', { name: 'Chat requests' }).getByRole('button', { name: `Request: ${title}`, exact: true }).click();
  await request.getByRole('button', { name: 'Accept', exact: true }).click();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
}

/** @param {Page} page @param {string} query */
export async function searchPeople(page, query) {
  await page.getByRole('searchbox', { name: 'Search people' }).fill(query);
  return page.getByRole('list', { name: 'Search results' });
}

/**
 * What the page keeps in localStorage: the refresh token, never an access token.
 * @param {Page} page
 */
export async function storedTokens(page) {
  const entries = await page.evaluate(() => Object.entries(window.localStorage));
  const text = JSON.stringify(entries);
  assert.ok(!/eyJ/.test(text), `no JWT may be stored, found ${text}`);
  return Object.fromEntries(entries);
}

/**
 * The newest account link (`/verify-email#token=...` or `/reset-password#token=...`) mailed to
 * `email`, read from the gateway's `/_dev/mail` page (what the AWS API emulator's SES accepted,
 * newest first), as a person would open it from their inbox. Waits for it to arrive.
 * @param {string} baseUrl @param {string} email @param {'/verify-email' | '/reset-password'} path
 * @param {number} [count] how many such links must have arrived (for a resent one)
 */
export async function mailedLink(baseUrl, email, path, count = 1) {
  const pattern = new RegExp(`https?://[^"'\\s<>]*${path}#token=[A-Za-z0-9_-]+`, 'g');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const page = await (await fetch(`${baseUrl}/_dev/mail`)).text();
    const links = page
      .split('<article>')
      .filter((article) => article.includes(`To ${email} `))
      .flatMap((article) => article.match(pattern) ?? []);
    if (links.length >= count) return /** @type {string} */ (links[0]);
    if (Date.now() > deadline) throw new Error(`no ${path} link mailed to ${email} (found ${links.length} of ${count})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
