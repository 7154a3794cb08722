/** For unit tests: messages, chats and a signed-in user, built with what a test cares about. */
import type { Chat, Me, Message } from '../api/types';
import { authStore } from './auth';

export const ME = 'me';
export const BOB = 'bob';

export function signedInAsMe(): void {
  authStore.setState({ status: 'signed_in', user: { id: ME, display_name: 'Me', email: 'me@example.com', email_notifications: false, email_verified: true, created_at: '2026-01-01T00:00:00Z' } satisfies Me });
}

export function msg(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    chat_id: 'c1',
    seq,
    sender_id: BOB,
    client_message_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    body: `message ${seq}`,
    created_at: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    edited_at: null,
    deleted: false,
    attachments: [],
    ...over,
  };
}

export function chat(over: Partial<Chat> = {}): Chat {
  return {
    id: 'c1',
    kind: 'direct',
    title: 'Bob',
    members: [
      { id: ME, display_name: 'Me', role: 'member', last_read_seq: 0, online: true },
      { id: BOB, display_name: 'Bob', role: 'member', last_read_seq: 0, online: false },
    ],
    member_count: 2,
    last_message: null,
    last_seq: 0,
    unread_count: 0,
    last_read_seq: 0,
    my_role: 'member',
    created_at: '2026-01-01T00:00:00Z',
    last_activity_at: '2026-01-01T00:00:00Z',
    ...over,
  };
}

/** `count` messages from Bob, seqs `from`.. */
export function fromBob(from: number, count: number): Message[] {
  return Array.from({ length: count }, (_, i) => msg(from + i));
}

/** A history page as the server answers it. */
export function page(messages: Message[], hasMore = false) {
  return { messages, has_more: hasMore };
}

/** Resolves once the microtasks queued so far (and those they queue) have run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
