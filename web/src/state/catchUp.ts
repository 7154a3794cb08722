/**
 * Fetching what is missing, on an open socket as after a reconnect.
 *
 * - Gap repair (`fillGaps`): seqs have no gaps on the server, so when a chat's highest known seq
 *   (its `last_seq` from any chat answer, or the highest message held) is beyond the unbroken run
 *   of messages held, the rest is fetched: `after_seq=<end of the run>`, paging until
 *   `has_more` is false. For a loaded chat the run starts at its oldest page; for one never
 *   opened, at the `last_seq` its unread baseline was computed at (what the unread count needs).
 *   One fetch in flight per chat: a gap found meanwhile is picked up by the same loop, which
 *   re-measures after every page. A failed fetch is tried again with backoff.
 * - Catch-up (`catchUp`, after every (re)connect): the chat list, then the gaps of every chat
 *   held (and the history of a chat opened while it could not load), then what waited to be
 *   sent, then every read marker the server has not confirmed.
 */
import { api } from '../api';
import { useChatList } from './chatList';
import { backoffDelay } from './connection';
import { heldThrough, highestSeq } from './messages';
import { useOutbox } from './outbox';
import { useReceipts } from './receipts';
import { useTimeline } from './timeline';

export const GAP_PAGE_SIZE = 100;

const filling = new Map<string, Promise<void>>();
const retries = new Map<string, { timer: ReturnType<typeof setTimeout>; failures: number }>();
let generation = 0;

/** Where the fetch for a chat's gap starts (`after_seq`), or null when nothing is missing. */
export function gapStart(chatId: string): number | null {
  const held = useTimeline.getState().byChat[chatId];
  const { chats, baselines } = useChatList.getState();
  const baseline = baselines[chatId];
  // Only chats in my list: one I left (or was removed from) answers 404 to every fetch.
  if (!held || !chats[chatId] || (!held.loaded && !baseline)) return null;
  const floor = held.loaded ? held.floor : (baseline?.atSeq ?? 0);
  const through = heldThrough(held.items, floor);
  const known = Math.max(chats[chatId]?.last_seq ?? 0, highestSeq(held));
  return known > through ? through : null;
}

/** Fetches whatever the chat lacks (see above); resolves once nothing is missing or a fetch failed. */
export function fillGaps(chatId: string): Promise<void> {
  const running = filling.get(chatId);
  if (running) return running;
  if (gapStart(chatId) === null) return Promise.resolve();
  const started = generation;
  const run = (async () => {
    let after = gapStart(chatId);
    while (after !== null && started === generation) {
      const page = await api.chats.messages(chatId, { after_seq: after, limit: GAP_PAGE_SIZE });
      if (started !== generation) return;
      useTimeline.getState().accept(chatId, page.messages);
      const next = gapStart(chatId);
      // Nothing came, or nothing moved: what is known is all there is for now.
      if (page.messages.length === 0 || (next !== null && next <= after)) return;
      after = next;
    }
  })();
  const settled = run.then(
    () => {
      filling.delete(chatId);
      clearRetry(chatId);
    },
    () => {
      filling.delete(chatId);
      if (started === generation) retryLater(chatId);
    },
  );
  filling.set(chatId, settled);
  return settled;
}

function clearRetry(chatId: string) {
  clearTimeout(retries.get(chatId)?.timer);
  retries.delete(chatId);
}

function retryLater(chatId: string) {
  const failures = (retries.get(chatId)?.failures ?? 0) + 1;
  clearTimeout(retries.get(chatId)?.timer);
  // The entry (and its failure count) stays until a fill succeeds.
  const timer = setTimeout(() => void fillGaps(chatId), backoffDelay(failures));
  retries.set(chatId, { failures, timer });
}

/**
 * Measures again whenever a chat's `last_seq` moves (any chat answer: the list, one chat, a
 * created chat; or a stored message), so a gap shows up whatever told us about it. Returns the
 * unsubscribe.
 */
export function healOnChatAnswers(): () => void {
  return useChatList.subscribe((state, previous) => {
    if (state.chats === previous.chats) return;
    for (const id of Object.keys(useTimeline.getState().byChat)) {
      if (state.chats[id]?.last_seq !== previous.chats[id]?.last_seq) void fillGaps(id);
    }
  });
}

/** Opens a chat's history: the latest page (once), then whatever pushes skipped. */
export async function loadHistory(chatId: string): Promise<void> {
  // A request to me has no history for me until I accept (the server answers 403).
  if (useChatList.getState().chats[chatId]?.request) return;
  await useTimeline.getState().ensureLoaded(chatId);
  await fillGaps(chatId);
}

/** After every (re)connect. */
export async function catchUp(): Promise<void> {
  await useChatList.getState().loadChats();
  const timeline = useTimeline.getState();
  // A chat opened while offline gets its history now; every other chat held, its gaps.
  await Promise.allSettled([...timeline.wanted().map((id) => loadHistory(id)), ...Object.keys(timeline.byChat).map((id) => fillGaps(id))]);
  // Whatever I wrote while away goes out now (the server de-duplicates by client_message_id).
  useOutbox.getState().flush();
  useReceipts.getState().resendUnconfirmed();
}

export function resetCatchUp(): void {
  generation += 1;
  filling.clear();
  for (const r of retries.values()) clearTimeout(r.timer);
  retries.clear();
}
