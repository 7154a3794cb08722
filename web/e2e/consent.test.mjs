// @ts-check
/**
 * Blocking in real browsers against the real stack (docs/SECURITY.md): Dana blocks Eli from
 * their direct chat; neither can send there, Eli's refusal does not say who blocked whom, and
 * Eli cannot start a new group with Dana in it; after Dana unblocks, they talk again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { message, openChat, searchPeople, send, signUp } from './app.mjs';
import { launch, newContext, newPage, person, screenshot } from './browser.mjs';

/** @typedef {Awaited<ReturnType<typeof newPage>>} Page */

/** @type {import('playwright-core').Browser} */
let browser;
const dana = person('Dana');
const eli = person('Eli');

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
    await openChat(d, eli.name);
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

  it('logs no errors in the console', () => {
    // The browser reports the refused group creation (403) itself; that one is expected.
    const seen = [...d.problems, ...e.problems].filter((p) => !/WebSocket|net::|status of 403/.test(p));
    assert.deepEqual(seen, []);
  });
});
