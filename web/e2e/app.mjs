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
  await page.getByRole('dialog', { name: 'Profile and settings' }).getByRole('button', { name: 'Sign out' }).click();
  await expectSignedOut(page);
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
