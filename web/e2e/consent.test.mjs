// @ts-check
/**
 * Chat requests and blocking in real browsers against the real stack (docs/SECURITY.md): Eli,
 * a stranger to Dana, asks to chat and Dana accepts; Dana blocks Eli from their direct chat;
 * neither can send there, Eli's refusal does not say who blocked whom, and Eli cannot start a
 * new group with Dana in it; after Dana unblocks, they talk again. Fay, another stranger, asks
 * too: Dana sees nothing of what Fay wrote, declines and blocks, and Fay is told nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { acceptRequest, expectSignedIn, message, openChat, searchPeople, send, signUp } from './app.mjs';
import { launch, newContext, newPage, person, screenshot } from './browser.mjs';

/** @typedef {Awaited<ReturnType<typeof newPage>>} Page */

/** @type {import('playwright-core').Browser} */
let browser;
const dana = person('Dana');
const eli = person('Eli');
const fay = person('Fay');

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A message the server refused, shown as not sent. @param {Page} page @param {string} text */
function refusedMessage(page, text) {
  return page.locator('[data-pending=failed]', { hasText: text });
}

describe('blocking', () => {
  /** @type {import('playwright-core').BrowserContext} */ let danaContext;
  /** @type {import('playwright-core').BrowserContext} */ let eliContext;
  /** @type {Page} */ let d;
  /** @type {Page} */ let e;

  before(async () => {
    danaContext = await newContext(browser);
    eliContext = await newContext(browser);
    d = await newPage(danaContext);
    e = await newPage(eliContext);
    await Promise.all([signUp(d, dana), signUp(e, eli)]);
  });

  after(async () => {
    await danaContext?.close();
    await eliContext?.close();
  });

  it('Dana blocks Eli: neither can send in their chat, and Eli is told only that Dana cannot be reached', async () => {
    const results = await searchPeople(e, dana.name);
    await results.getByRole('button', { name: new RegExp(dana.name) }).click();
    await e.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: dana.name }).waitFor();
    await send(e, 'Hello Dana');
    await acceptRequest(d, eli.name);
    await message(d, 'Hello Dana').waitFor();

    await d.getByRole('button', { name: `Block ${eli.name}`, exact: true }).click();
    await d.getByRole('button', { name: `Unblock ${eli.name}`, exact: true }).waitFor();
    await d.getByText(`You blocked ${eli.name}.`).waitFor();
    await screenshot(d, 'consent-blocked');

    await send(e, 'Are you there?');
    const refused = refusedMessage(e, 'Are you there?');
    await refused.getByText('this user cannot be reached by you').waitFor();
    assert.doesNotMatch(await refused.innerText(), /block/i, 'the refusal does not say who blocked whom');
    await screenshot(e, 'consent-refused');
    await send(d, 'Bye');
    await refusedMessage(d, 'Bye').getByText('this user cannot be reached by you').waitFor();
    await d.waitForTimeout(300);
    assert.equal(await message(e, 'Bye').count(), 0, 'nothing reached Eli');
  });

  it('Eli cannot put Dana into a new group while blocked', async () => {
    await e.getByRole('button', { name: 'New group', exact: true }).click();
    const dialog = e.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Surprise');
    await dialog.getByLabel('Add people').fill(dana.name);
    await dialog.getByRole('list', { name: 'People to add' }).getByRole('button', { name: dana.name }).click();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.getByText('this user cannot be reached by you').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('after Dana unblocks Eli they talk again, live', async () => {
    await d.getByRole('button', { name: `Unblock ${eli.name}`, exact: true }).click();
    await d.getByRole('button', { name: `Block ${eli.name}`, exact: true }).waitFor();
    assert.equal(await d.getByText(`You blocked ${eli.name}.`).count(), 0);
    await openChat(e, dana.name);
    await send(e, 'Friends again?');
    await message(d, 'Friends again?').waitFor();
    await send(d, 'Yes');
    await message(e, 'Yes').waitFor();
  });

  it('Fay, a stranger, asks Dana to chat; Dana sees nothing she wrote, declines and blocks, and Fay is told nothing', async () => {
    const fayContext = await newContext(browser);
    try {
      const f = await newPage(fayContext);
      await signUp(f, fay);
      const results = await searchPeople(f, dana.name);
      await results.getByRole('button', { name: new RegExp(dana.name) }).click();
      const waiting = f.getByText(`${dana.name} has not accepted your request yet.`);
      await waiting.waitFor();
      await send(f, 'Buy my course');
      await message(f, 'Buy my course').waitFor();

      const request = d.getByRole('navigation', { name: 'Chat requests' }).getByRole('button', { name: `Request: ${fay.name}`, exact: true });
      await request.click();
      await d.getByText(`${fay.name} wants to chat with you`).waitFor();
      assert.equal(await d.getByText('Buy my course').count(), 0, 'nothing Fay wrote shows before accepting');
      await screenshot(d, 'consent-request');
      await d.getByRole('button', { name: 'Decline and block', exact: true }).click();
      await d.getByText(`You declined and blocked ${fay.name}.`).waitFor();
      await request.waitFor({ state: 'detached' });
      await d.reload();
      await expectSignedIn(d, dana);
      assert.equal(await d.getByRole('navigation', { name: 'Chat requests' }).count(), 0, 'the request stays gone');

      // Fay's side does not change; her next message gets only the neutral refusal.
      assert.equal(await waiting.count(), 1);
      await send(f, 'Hello?');
      await refusedMessage(f, 'Hello?').getByText('this user cannot be reached by you').waitFor();
    } finally {
      await fayContext.close();
    }
  });

  it('logs no errors in the console', () => {
    // The browser reports the refused group creation (403) itself; that one is expected.
    const seen = [...d.problems, ...e.problems].filter((p) => !/WebSocket|net::|status of 403/.test(p));
    assert.deepEqual(seen, []);
  });
});
