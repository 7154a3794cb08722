// @ts-check
/**
 * Attachments in real browsers against the real stack (the AWS API emulator for S3/SQS and the
 * media worker included): Alice attaches a real 600x400 PNG and sends it without text; Bob sees
 * the thumbnail load in the conversation and opens it full size. A text file goes as a chip that
 * downloads; a file of a type that is not allowed and one over 25 MB are refused in the tray.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { acceptRequest, searchPeople, signUp } from './app.mjs';
import { launch, newContext, newPage, PHONE, person, screenshot } from './browser.mjs';
import { gradientPng } from './png.mjs';

/** @typedef {Awaited<ReturnType<typeof newPage>>} Page */

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

/** @param {Page} page */
function messages(page) {
  return page.getByRole('list', { name: 'Messages' });
}

/** @param {Page} page */
function tray(page) {
  return page.getByRole('list', { name: 'Files to send' });
}

/** Picks files with the paperclip, through the browser's file chooser. @param {Page} page @param {{ name: string, mimeType: string, buffer: Buffer }[]} files */
async function attach(page, files) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach files' }).click()]);
  await chooser.setFiles(files);
}

/**
 * Drops files made inside the page onto the conversation, as a drag from the desktop would.
 * @param {Page} page @param {{ name: string, type: string, size: number }[]} specs
 */
async function drop(page, specs) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.size).fill(65)], f.name, { type: f.type }));
    return dt;
  }, specs);
  const target = page.getByTestId('messages');
  await target.dispatchEvent('dragenter', { dataTransfer });
  await page.getByText('Drop files to attach').waitFor();
  await target.dispatchEvent('drop', { dataTransfer });
  await page.getByText('Drop files to attach').waitFor({ state: 'hidden' });
}

/**
 * Pastes an image into the message box, as copying a picture and pressing Ctrl+V would.
 * @param {Page} page @param {Buffer} png
 */
async function pasteImage(page, png) {
  await page.getByRole('textbox', { name: 'Message', exact: true }).evaluate((box, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, png.toString('base64'));
}

/** Opens the chat with `title` (when it is not open already). @param {Page} page @param {string} title */
async function openChat(page, title) {
  const heading = page.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: title });
  if (await heading.isVisible()) return;
  await page.getByRole('navigation', { name: 'Your chats' }).getByRole('button', { name: new RegExp(title) }).click();
  await heading.waitFor();
}

/** Console errors other than the browser's own reports of connections. @param {Page} page */
function problems(page) {
  return page.problems.filter((p) => !/WebSocket|net::/.test(p));
}

describe('attachments', () => {
  /** @type {import('playwright-core').BrowserContext} */ let aliceContext;
  /** @type {import('playwright-core').BrowserContext} */ let bobContext;
  /** @type {Page} */ let a;
  /** @type {Page} */ let b;

  before(async () => {
    aliceContext = await newContext(browser);
    bobContext = await newContext(browser, { viewport: PHONE, colorScheme: 'dark' });
    a = await newPage(aliceContext);
    b = await newPage(bobContext);
    await Promise.all([signUp(a, alice), signUp(b, bob)]);
    const results = await searchPeople(a, bob.name);
    await results.getByRole('button', { name: new RegExp(bob.name) }).click();
    await a.getByRole('main', { name: 'Conversation' }).getByRole('heading', { name: bob.name }).waitFor();
    await acceptRequest(b, alice.name);
  });

  after(async () => {
    await aliceContext?.close();
    await bobContext?.close();
  });

  it('Alice sends a picture with no text; Bob sees the thumbnail and opens it full size', async () => {
    await attach(a, [{ name: 'gradient.png', mimeType: 'image/png', buffer: gradientPng(600, 400) }]);
    const item = tray(a).getByRole('listitem').filter({ hasText: 'gradient.png' });
    await item.waitFor();
    await item.getByText('Ready to send').waitFor();
    assert.equal(await item.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
    await screenshot(a, 'attachments-tray');
    const sendButton = a.getByRole('button', { name: 'Send', exact: true });
    assert.equal(await a.getByRole('textbox', { name: 'Message', exact: true }).inputValue(), '', 'no text, only the picture');
    await sendButton.click();
    await tray(a).waitFor({ state: 'detached' });

    // Alice's own copy: stored (data-seq), and the thumbnail shows once the worker is done.
    const mine = messages(a).locator('[data-seq] img[data-attachment-image="ready"]');
    await mine.waitFor();

    // Bob: the chat arrives live; the thumbnail loads, sized from 600x400 before it loads.
    await openChat(b, alice.name);
    const thumb = messages(b).locator('[data-seq] img[data-attachment-image="ready"]');
    await thumb.waitFor();
    await thumb.evaluate(
      (img) =>
        new Promise((resolve, reject) => {
          const image = /** @type {HTMLImageElement} */ (img);
          if (image.complete && image.naturalWidth > 0) resolve(undefined);
          image.addEventListener('load', () => resolve(undefined), { once: true });
          image.addEventListener('error', () => reject(new Error('thumbnail did not load')), { once: true });
        }),
    );
    const shown = await thumb.evaluate((img) => {
      const image = /** @type {HTMLImageElement} */ (img);
      const box = image.getBoundingClientRect();
      return { natural: image.naturalWidth, width: box.width, height: box.height, alt: image.alt, src: image.src };
    });
    assert.ok(shown.natural > 0, 'the thumbnail actually loaded');
    assert.ok(shown.natural <= 320, `a thumbnail, not the full image (naturalWidth ${shown.natural})`);
    assert.equal(shown.alt, 'gradient.png');
    assert.ok(Math.abs(shown.width / shown.height - 1.5) < 0.02, `keeps the 3:2 aspect (${shown.width}x${shown.height})`);
    assert.ok(!shown.src.startsWith(new URL(a.url()).origin), 'served from storage, not from the app');
    await screenshot(b, 'attachments-thumbnail');

    // The chat list says what it is.
    await b.getByRole('button', { name: 'Back to chats' }).click();
    await b.getByRole('navigation', { name: 'Your chats' }).getByText('Photo', { exact: true }).waitFor();
    await openChat(b, alice.name);

    // Click: the full-size image over everything.
    await messages(b).getByRole('button', { name: 'Open gradient.png full size' }).click();
    const viewer = b.getByRole('dialog', { name: 'Image: gradient.png' });
    await viewer.waitFor();
    const full = viewer.locator('img[data-full-size]');
    await full.waitFor();
    await b.waitForFunction((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0, await full.elementHandle());
    assert.deepEqual(
      await full.evaluate((img) => [/** @type {HTMLImageElement} */ (img).naturalWidth, /** @type {HTMLImageElement} */ (img).naturalHeight]),
      [600, 400],
    );
    await screenshot(b, 'attachments-lightbox');
    await b.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    assert.deepEqual(problems(a), []);
    assert.deepEqual(problems(b), []);
  });

  it('a text file goes as a chip with its size and downloads from storage', async () => {
    const text = Buffer.from('Minutes of the meeting.\n'.repeat(100));
    await attach(a, [{ name: 'minutes.txt', mimeType: 'text/plain', buffer: text }]);
    await tray(a).getByText('Ready to send').waitFor();
    const box = a.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('The minutes');
    await box.press('Enter');
    await openChat(b, alice.name);
    const chip = messages(b).locator('[data-seq]', { has: b.locator('p.whitespace-pre-wrap', { hasText: 'The minutes' }) }).getByRole('link', {
      name: 'Download minutes.txt, 2.3 KB',
    });
    await chip.waitFor();
    const href = await chip.getAttribute('href');
    assert.ok(href && /^https?:\/\//.test(href) && !href.startsWith(new URL(b.url()).origin), `a presigned storage URL: ${href}`);
    const download = await b.request.get(href);
    assert.equal(download.status(), 200);
    assert.match(download.headers()['content-disposition'] ?? '', /attachment/);
    assert.equal((await download.body()).length, text.length);
    await screenshot(b, 'attachments-file');
  });

  it('an image pasted into the message box goes with the text', async () => {
    await pasteImage(a, gradientPng(200, 300));
    await tray(a).getByRole('listitem').filter({ hasText: 'image.png' }).getByText('Ready to send').waitFor();
    const box = a.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('Pasted');
    await box.press('Enter');
    await openChat(b, alice.name);
    const pasted = messages(b)
      .locator('[data-seq]', { has: b.locator('p.whitespace-pre-wrap', { hasText: 'Pasted' }) })
      .locator('img[data-attachment-image="ready"]');
    await pasted.waitFor();
    await b.waitForFunction((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0, await pasted.elementHandle());
    const box2 = await pasted.boundingBox();
    assert.ok(box2 && Math.abs(box2.width / box2.height - 2 / 3) < 0.02, `keeps the 2:3 aspect (${box2?.width}x${box2?.height})`);
  });

  it('a type that is not allowed and a file over 25 MB are refused in the tray, and block sending', async () => {
    await drop(a, [
      { name: 'setup.exe', type: 'application/x-msdownload', size: 1000 },
      { name: 'huge.pdf', type: 'application/pdf', size: 30 * 1024 * 1024 },
    ]);
    const refusedType = tray(a).getByRole('listitem').filter({ hasText: 'setup.exe' });
    const refusedSize = tray(a).getByRole('listitem').filter({ hasText: 'huge.pdf' });
    await refusedType.getByRole('alert').filter({ hasText: 'This type of file cannot be attached' }).waitFor();
    await refusedSize.getByRole('alert').filter({ hasText: 'Too big (30 MB): files can be up to 25 MB.' }).waitFor();
    await a.getByText('Remove the files that cannot be sent, or retry them.').waitFor();
    await a.getByRole('textbox', { name: 'Message', exact: true }).fill('with bad files');
    assert.equal(await a.getByRole('button', { name: 'Send', exact: true }).isDisabled(), true);
    await screenshot(a, 'attachments-refused');

    await a.getByRole('button', { name: 'Remove setup.exe' }).click();
    await a.getByRole('button', { name: 'Remove huge.pdf' }).click();
    await tray(a).waitFor({ state: 'detached' });
    assert.equal(await a.getByRole('button', { name: 'Send', exact: true }).isDisabled(), false);
    assert.deepEqual(problems(a), []);
  });
});
