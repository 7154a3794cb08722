#!/usr/bin/env -S node --experimental-websocket
// Repeats the abuse attempts docs/SECURITY.md answers against a running `make dev` and prints
// what each got, one line per attempt: the table in docs/SECURITY.md ("Attacks, repeated")
// comes from this. Run on purpose, never by `make test`; it only talks to loopback.
//
//   node --experimental-websocket bench/attacks.mjs [--base http://127.0.0.1:3000] [--aws http://127.0.0.1:4566]
//
// Each run registers its own accounts (a few of the 20 an address may make per hour: run it at
// most three times an hour, or restart `make dev` with RATE_LIMIT_REGISTER_IP raised).
import { randomUUID } from 'node:crypto';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const BASE = arg('base', 'http://127.0.0.1:3000');
const AWS = arg('aws', 'http://127.0.0.1:4566');
for (const url of [BASE, AWS]) {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`loopback only: ${url}`);
}
const run = randomUUID().slice(0, 8);
const results = [];
const report = (attack, outcome, ok) => {
  results.push({ attack, outcome, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${attack}: ${outcome}`);
};

async function call(method, path, { body, token, raw } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: pages and empty answers
  }
  return { status: r.status, headers: r.headers, json, text: raw ? text : undefined };
}

async function register(name) {
  const email = `${name.toLowerCase()}-${run}@example.com`;
  const r = await call('POST', '/api/auth/register', { body: { email, password: 'correct horse battery', display_name: `${name} ${run}` } });
  if (r.status !== 201) throw new Error(`register ${name}: ${r.status} ${JSON.stringify(r.json)}`);
  return { email, name: `${name} ${run}`, id: r.json.user.id, token: r.json.access_token };
}

/** Every mail the emulator's SES accepted to `to`. */
async function mailTo(to) {
  const data = await (await fetch(`${AWS}/moto-api/data.json`)).json();
  const out = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const dest = JSON.stringify(v.destinations ?? v.destination ?? '');
      if (dest.includes(to) && (v.subject !== undefined || v.body !== undefined)) out.push(v);
      else Object.values(v).forEach(walk);
    }
  };
  walk(data.ses ?? {});
  walk(data.sesv2 ?? {});
  return out;
}

async function waitFor(check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Opens a socket for `user`; resolves once open (or with the close code if refused). */
async function socket(user) {
  const t = await call('POST', '/api/ws/ticket', { token: user.token });
  if (t.status !== 201) return { refused: t.status, code: t.json?.error };
  const ws = new WebSocket(`${BASE.replace('http', 'ws')}/ws?ticket=${t.json.ticket}`);
  const s = { ws, events: [], closed: null };
  ws.onmessage = (e) => s.events.push(JSON.parse(e.data));
  ws.onclose = (e) => (s.closed = e.code);
  await new Promise((resolve) => {
    ws.onopen = resolve;
    ws.onerror = resolve;
  });
  return s;
}

// 1. Guessing a password: 300 wrong ones, then the right one.
{
  const victim = await register('Victim');
  const statuses = [];
  for (let i = 0; i < 300; i++) {
    statuses.push((await call('POST', '/api/auth/login', { body: { email: victim.email, password: `guess-${i}` } })).status);
  }
  const first429 = statuses.indexOf(429) + 1;
  const right = await call('POST', '/api/auth/login', { body: { email: victim.email, password: 'correct horse battery' } });
  report(
    '300 wrong passwords for one account',
    `first 429 at attempt ${first429}, ${statuses.filter((s) => s === 429).length} of 300 refused; the right one next: ${right.status}${right.headers.get('retry-after') ? ` (Retry-After ${right.headers.get('retry-after')})` : ''}`,
    first429 > 0 && first429 <= 20 && right.status === 429,
  );
}

const alice = await register('Alice');
const bob = await register('Bob');
const mallory = await register('Mallory');
// Alice and Bob's direct chat (section 2), where the file attempts run.
let dmAliceBob;

// 2. Many sockets for one account, and typing frames fanned out over them.
{
  const sockets = [];
  let refused = 0;
  for (let i = 0; i < 40; i++) {
    const s = await socket(bob);
    if (s.refused) refused++;
    else sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, 500));
  const open = sockets.filter((s) => s.closed === null);
  report(
    '40 sockets for one account',
    `${refused} tickets refused (429), ${sockets.length - open.length} opened and then closed oldest-first, ${open.length} open`,
    open.length <= 10,
  );
  const dm = await call('POST', '/api/chats', { token: alice.token, body: { kind: 'direct', member_ids: [bob.id] } });
  await call('POST', `/api/chats/${dm.json.id}/request`, { token: bob.token, body: { accept: true } });
  const sender = await socket(alice);
  for (let i = 0; i < 5; i++) sender.ws.send(JSON.stringify({ action: 'typing', chat_id: dm.json.id, is_typing: true }));
  await new Promise((r) => setTimeout(r, 1500));
  const pushes = open.reduce((n, s) => n + s.events.filter((e) => e.type === 'typing').length, 0);
  const refusedFrames = sender.events.filter((e) => e.type === 'error' && e.code === 'rate_limited').length;
  report('5 typing frames to a reader with every socket open', `${pushes} typing pushes (${open.length} sockets), ${refusedFrames} frames answered rate_limited`, pushes <= open.length);
  for (const s of [...sockets, sender]) s.ws.close();
  dmAliceBob = dm.json.id;
}

// 3. Reaching a stranger: a DM from Mallory to Alice is a request, with at most one mail.
{
  const verify = await waitFor(async () => (await mailTo(alice.email)).find((m) => /verify/i.test(JSON.stringify(m))));
  const token = verify && /verify-email#token=([A-Za-z0-9_-]+)/.exec(JSON.stringify(verify))?.[1];
  const verified = token ? (await call('POST', '/api/auth/verify-email', { body: { token } })).status : 'no mail';
  const asked = await call('POST', '/api/chats', { token: mallory.token, body: { kind: 'direct', member_ids: [alice.id] } });
  const texts = ['buy cheap watches', 'click my link', 'last chance'];
  for (const t of texts) {
    await call('POST', `/api/chats/${asked.json.id}/messages`, { token: mallory.token, body: { client_message_id: randomUUID(), body: t } });
  }
  const list = await call('GET', '/api/chats', { token: alice.token });
  const seen = list.json.chats.find((c) => c.id === asked.json.id);
  const history = await call('GET', `/api/chats/${asked.json.id}/messages`, { token: alice.token });
  const mails = await waitFor(async () => {
    const m = (await mailTo(alice.email)).filter((x) => JSON.stringify(x).includes('wants to chat'));
    return m.length ? m : null;
  });
  await new Promise((r) => setTimeout(r, 3000)); // a second mail, if one were coming
  const all = (await mailTo(alice.email)).filter((x) => JSON.stringify(x).includes(mallory.name));
  const leaks = all.filter((m) => texts.some((t) => JSON.stringify(m).includes(t))).length;
  report(
    "a stranger's direct chat and 3 messages",
    `verify ${verified}; shown as request: ${Boolean(seen?.request)}, preview ${seen?.last_message ? 'shown' : 'none'}, history ${history.status} ${history.json?.error}; ${all.length} mail about it (${mails ? 'wants to chat' : 'none'}), ${leaks} with message text`,
    Boolean(seen?.request) && !seen?.last_message && history.status === 403 && all.length === 1 && leaks === 0,
  );

  // A mail scanner follows the unsubscribe link: it only asks.
  const link = mails && /(\/api\/notifications\/unsubscribe\?token=[A-Za-z0-9._-]+)/.exec(JSON.stringify(mails[0]))?.[1];
  const scanned = link ? await call('GET', link, { raw: true }) : null;
  const me = await call('GET', '/api/users/me', { token: alice.token });
  report(
    'a GET of the unsubscribe link (as a mail scanner would)',
    link ? `${scanned.status} ${scanned.headers.get('content-type')}, a form: ${/<form[^>]*method="post"/i.test(scanned.text)}; notifications still on: ${me.json.email_notifications}` : 'no link in the mail',
    Boolean(link) && scanned.status === 200 && me.json.email_notifications === true,
  );

  // Declined and blocked: no more reach.
  await call('POST', `/api/chats/${asked.json.id}/request`, { token: alice.token, body: { accept: false } });
  const block = await call('POST', `/api/users/${mallory.id}/block`, { token: alice.token });
  const again = await call('POST', '/api/chats', { token: mallory.token, body: { kind: 'group', title: 'Deals', member_ids: [alice.id] } });
  const profile = await call('GET', `/api/users/${alice.id}`, { token: mallory.token });
  report(
    'the blocked stranger tries again (a group with her)',
    `block ${block.status}; group ${again.status} ${again.json?.error ?? ''}; her last seen as Mallory sees it: ${profile.json?.last_seen_at ?? 'hidden'}`,
    again.status === 403 && !profile.json?.last_seen_at,
  );
}

// 4. Input: NUL, bidi overrides, invisible names.
{
  const nul = await call('GET', '/api/users?query=%00', { token: alice.token });
  const bidi = await call('PATCH', '/api/users/me', { token: mallory.token, body: { display_name: 'Admin\u202Egnp.exe' } });
  const invisible = await call('PATCH', '/api/users/me', { token: mallory.token, body: { display_name: '\u200B\u200D' } });
  const sep = await call('PATCH', '/api/users/me', { token: mallory.token, body: { display_name: 'Mal\u2028lory' } });
  report('search for NUL', `${nul.status} ${nul.json?.error}`, nul.status === 400);
  report('display names with a bidi override, only zero-width, a line separator', `${bidi.status} ${bidi.json?.error}, ${invisible.status} ${invisible.json?.error}, ${sep.status} ${sep.json?.error}`, [bidi, invisible, sep].every((r) => r.status === 400));
}

// 5. Files: an upload URL reused after the check; the file of a deleted message.
{
  const chat = dmAliceBob;
  // A 1x1 PNG.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  const created = await call('POST', '/api/attachments', { token: alice.token, body: { chat_id: chat, filename: 'dot.png', content_type: 'image/png', size: png.length } });
  const put = (bytes) => fetch(created.json.upload_url, { method: 'PUT', headers: created.json.upload_headers, body: bytes });
  await put(png);
  const completes = [];
  for (let i = 0; i < 10; i++) completes.push((await call('POST', `/api/attachments/${created.json.attachment.id}/complete`, { token: alice.token })).status);
  const early = await call('GET', `/api/attachments/${created.json.attachment.id}`, { token: alice.token });
  const ready = await waitFor(async () => {
    const r = await call('GET', `/api/attachments/${created.json.attachment.id}`, { token: alice.token });
    return r.json?.attachment?.status === 'ready' ? r : null;
  }, 30000);
  const html = Buffer.from('<html><script>alert(1)</script></html>');
  const reput = (await put(html)).status;
  const served = ready ? Buffer.from(await (await fetch(ready.json.download_url)).arrayBuffer()) : Buffer.alloc(0);
  report(
    'an upload URL reused after the check (HTML over a PNG)',
    `complete x10: ${[...new Set(completes)].join('/')}; while not ready: ${early.status} ${early.json?.error ?? early.json?.attachment?.status}; re-upload ${reput}; served bytes still the PNG: ${served.equals(png)}`,
    ready !== null && served.equals(png),
  );
  const sent = await call('POST', `/api/chats/${chat}/messages`, { token: alice.token, body: { client_message_id: randomUUID(), body: '', attachment_ids: [created.json.attachment.id] } });
  await call('DELETE', `/api/chats/${chat}/messages/${sent.json.id}`, { token: alice.token });
  const gone = await call('GET', `/api/attachments/${created.json.attachment.id}`, { token: bob.token });
  const stale = ready ? (await fetch(ready.json.download_url)).status : 'none';
  report("the file of a deleted message", `attachment ${gone.status} ${gone.json?.error ?? ''}; its old download URL ${stale}`, gone.status === 404 && stale !== 200);
}

// 6. Headers.
{
  const page = await fetch(`${BASE}/`);
  const api = await fetch(`${BASE}/api/health`);
  const h = (r, n) => r.headers.get(n) ?? 'none';
  const csp = h(page, 'content-security-policy');
  report(
    'the SPA and API headers',
    `CSP "${csp}"; X-Frame-Options ${h(page, 'x-frame-options')}; nosniff ${h(page, 'x-content-type-options')}; Referrer-Policy ${h(page, 'referrer-policy')}; API cache-control ${h(api, 'cache-control')}, nosniff ${h(api, 'x-content-type-options')}`,
    csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'") && h(page, 'x-content-type-options') === 'nosniff' && h(api, 'cache-control').includes('no-store'),
  );
}

const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} of ${results.length} attempts refused or harmless`);
process.exit(failed ? 1 : 0);
