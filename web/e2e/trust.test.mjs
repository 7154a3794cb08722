// @ts-check
/**
 * Accounts people can trust, in a real browser against the real local stack: confirming the
 * e-mail address from the mail (and asking for the link again), forgetting and resetting the
 * password, changing it, signing out everywhere, and deleting the account. Mails are read from
 * the gateway's /_dev/mail page, as a person reads their inbox.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { acceptRequest, expectSignedIn, expectSignedOut, fillLogin, logIn, mailedLink, searchPeople, signUp } from './app.mjs';
import { BASE_URL, launch, newContext, newPage, person, PHONE, screenshot } from './browser.mjs';

/** @typedef {Awaited<ReturnType<typeof newPage>>} Page */

/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** @param {Page} page */
async function openSettings(page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  return page.getByRole('dialog', { name: 'Profile and settings' });
}

/** Errors other than the browser's reports of refused requests and closed sockets. @param {Page} page */
function problems(page) {
  return page.problems.filter((p) => !/WebSocket|net::/.test(p));
}

describe('accounts people can trust', () => {
  const carol = person('Carol');
  const dave = person('Dave');
  const erin = person('Erin');
  /** @type {import('playwright-core').BrowserContext[]} */
  const contexts = [];
  /** @param {{ viewport?: { width: number, height: number } }} [options] */
  async function page(options) {
    const context = await newContext(browser, options);
    contexts.push(context);
    return newPage(context);
  }

  after(async () => {
    await Promise.all(contexts.map((c) => c.close()));
  });

  it('Carol confirms her e-mail address from the mail, after asking for the link again', async () => {
    const p = await page();
    await signUp(p, carol);
    const banner = p.getByRole('region', { name: 'Confirm your e-mail address' });
    await banner.getByText(carol.email).waitFor();
    await screenshot(p, 'verify-banner');
    await banner.getByRole('button', { name: 'Resend the link' }).click();
    await banner.getByText('Sent. Check your inbox.').waitFor();

    // The newest of the two links; she opens it in the browser she is signed in with.
    await p.goto(await mailedLink(BASE_URL, carol.email, '/verify-email', 2));
    await p.getByText('Your e-mail address is confirmed.').waitFor();
    await screenshot(p, 'verify-landing');
    await p.getByRole('button', { name: 'Continue to Messenger' }).click();
    await expectSignedIn(p, carol);
    await banner.waitFor({ state: 'detached' });
    assert.equal(new URL(p.url()).hash, '', 'the token leaves the address');

    // A used link says so.
    await p.goto(await mailedLink(BASE_URL, carol.email, '/verify-email'));
    await p.getByRole('alert').getByText(/invalid, used or expired/).waitFor();
    assert.deepEqual(problems(p), []);
  });

  it('Dave forgot his password: a mailed link sets a new one and signs out his other browser', async () => {
    const laptop = await page();
    await signUp(laptop, dave);
    const phone = await page({ viewport: PHONE });
    await phone.goto('/');
    await phone.getByRole('button', { name: 'Forgot password?' }).click();
    await phone.getByLabel('E-mail', { exact: true }).fill(dave.email);
    await phone.getByRole('button', { name: 'Send reset link' }).click();
    await phone.getByText(`If an account uses ${dave.email}, we sent it a link`).waitFor();
    await screenshot(phone, 'forgot-password');

    await phone.goto(await mailedLink(BASE_URL, dave.email, '/reset-password'));
    await phone.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    dave.password = `${dave.password}-reset`;
    await phone.getByLabel('New password', { exact: true }).fill(dave.password);
    await screenshot(phone, 'reset-password');
    await phone.getByRole('button', { name: 'Set new password' }).click();
    await expectSignedOut(phone);
    await phone.getByText('Your new password is set').waitFor();
    await fillLogin(phone, dave.email, dave.password);
    await expectSignedIn(phone, dave);
    // The link reached his mailbox: the address counts as confirmed.
    await phone.getByRole('region', { name: 'Confirm your e-mail address' }).waitFor({ state: 'detached' });

    // The laptop's session ended with the reset: its socket closed, its token is refused.
    await expectSignedOut(laptop);
    await laptop.getByText('Your session has ended. Please sign in again.').waitFor();
  });

  it('Dave changes his password in the settings; his other browser is signed out, this one is not', async () => {
    const laptop = await page();
    await logIn(laptop, dave);
    const phone = await page({ viewport: PHONE });
    await logIn(phone, dave);

    const settings = await openSettings(laptop);
    await settings.getByLabel('Current password', { exact: true }).fill('not my password');
    await settings.getByLabel('New password', { exact: true }).fill(`${dave.password}-2`);
    await settings.getByRole('button', { name: 'Change password' }).click();
    await settings.getByText('The current password is not correct.').waitFor();
    await settings.getByLabel('Current password', { exact: true }).fill(dave.password);
    await settings.getByRole('button', { name: 'Change password' }).click();
    await settings.getByText('Password changed; other devices signed out').waitFor();
    dave.password = `${dave.password}-2`;
    await screenshot(laptop, 'change-password');
    await settings.getByRole('button', { name: 'Close settings' }).click();

    await expectSignedOut(phone);
    await laptop.reload();
    await expectSignedIn(laptop, dave);
  });

  it('Dave signs out everywhere: every browser of his is signed out', async () => {
    const laptop = await page();
    await logIn(laptop, dave);
    const phone = await page({ viewport: PHONE });
    await logIn(phone, dave);
    const settings = await openSettings(laptop);
    await settings.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expectSignedOut(laptop);
    await laptop.getByText('You are signed out on every device.').waitFor();
    await expectSignedOut(phone);
    await logIn(laptop, dave);
  });

  it('Erin deletes her account; Carol keeps the chat, with her message under "Deleted account"', async () => {
    const carolPage = await page();
    await logIn(carolPage, carol);
    const erinPage = await page();
    await signUp(erinPage, erin);
    const results = await searchPeople(erinPage, carol.email);
    await results.getByRole('button', { name: new RegExp(carol.name) }).click();
    const box = erinPage.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('Bye Carol, I am leaving');
    await box.press('Enter');
    const list = carolPage.getByRole('navigation', { name: 'Your chats' });
    // They share no chat: Carol accepts Erin's request (one never accepted goes with the account).
    await acceptRequest(carolPage, erin.name);
    await carolPage.getByRole('list', { name: 'Messages' }).getByText('Bye Carol, I am leaving').waitFor();

    const settings = await openSettings(erinPage);
    await settings.getByRole('button', { name: 'Delete account…' }).click();
    await settings.getByLabel('Password to confirm', { exact: true }).fill('not my password');
    await settings.getByRole('button', { name: 'Delete my account' }).click();
    await settings.getByText('The current password is not correct.').waitFor();
    await settings.getByLabel('Password to confirm', { exact: true }).fill(erin.password);
    await screenshot(erinPage, 'delete-account');
    await settings.getByRole('button', { name: 'Delete my account' }).click();
    await expectSignedOut(erinPage);
    await erinPage.getByText('Your account was deleted.').waitFor();
    await fillLogin(erinPage, erin.email, erin.password);
    await erinPage.getByRole('alert').getByText(/e-mail or password is incorrect/i).waitFor();

    await carolPage.reload();
    await list.getByRole('button', { name: /Deleted account/ }).click();
    await carolPage.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: 'Deleted account' }).waitFor();
    await carolPage.getByRole('list', { name: 'Messages' }).getByText('Bye Carol, I am leaving').waitFor();
    await screenshot(carolPage, 'deleted-account-chat');
  });
});
