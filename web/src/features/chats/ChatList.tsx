/** My chats, most recently active first: last message, unread count, online dot for direct chats; chat requests to me above them. */
import type { ReactNode } from 'react';

import type { Chat, Message, MessageAttachment } from '../../api/types';
import { useAuth } from '../../state/auth';
import { useChatList } from '../../state/chatList';
import { useConnection } from '../../state/connection';
import { otherMember, sortChats } from '../../state/messages';
import { requestsOf } from '../../state/requests';
import { useNavigation } from '../../state/navigation';
import { usePresenceOf } from '../../state/presence';
import { useTyping } from '../../state/typing';
import { useUnreadCount } from '../../state/unread';
import { ChatIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { isImage } from '../../lib/files';
import { ChatAvatar } from './ChatAvatar';

export function ChatList({ onFindPeople }: { onFindPeople: () => void }) {
  const chats = useChatList((s) => s.chats);
  const loaded = useChatList((s) => s.chatsLoaded);
  const error = useChatList((s) => s.chatsError);
  const openId = useNavigation((s) => s.openChatId);
  const openChat = useNavigation((s) => s.openChat);
  const me = useAuth((s) => s.user?.id ?? '');
  const all = Object.values(chats);
  const requests = requestsOf(all);
  const list = sortChats(all.filter((c) => !c.request));

  if (!loaded && all.length === 0) {
    return (
      <div className="flex flex-1 items-start justify-center pt-10">
        {error ? (
          <p role="alert" className="px-5 text-sm text-danger">
            {error}
          </p>
        ) : (
          <Spinner className="size-5 text-ink-3" label="Loading chats" />
        )}
      </div>
    );
  }

  if (all.length === 0) {
    return (
      <section aria-label="Your chats" className="flex min-h-0 flex-1 flex-col">
        <div className="flex flex-1 flex-col items-center justify-center px-8 pb-16 text-center">
          <span className="mb-4 inline-flex size-14 items-center justify-center rounded-2xl bg-accent-soft text-accent">
            <ChatIcon className="size-7" />
          </span>
          <p className="text-[15px] font-semibold text-ink">No conversations yet</p>
          <p className="mt-1 text-sm text-ink-3">Find a colleague or friend by name and say hello.</p>
          <button
            type="button"
            onClick={onFindPeople}
            className="mt-4 rounded-full bg-accent-soft px-4 py-2 text-sm font-semibold text-accent hover:brightness-95"
          >
            Find people
          </button>
        </div>
      </section>
    );
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">
      {requests.length > 0 ? (
        <nav aria-label="Chat requests" className="shrink-0 border-b border-line px-2 pb-2">
          <h3 className="px-3 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-ink-3">Requests</h3>
          <Rows chats={requests} Row={RequestRow} me={me} openId={openId} onOpen={openChat} />
        </nav>
      ) : null}
      <nav aria-label="Your chats" className="flex flex-1 flex-col">
        <Rows chats={list} Row={ChatRow} me={me} openId={openId} onOpen={openChat} className="flex-1 px-2 pb-3" />
      </nav>
    </div>
  );
}

type RowProps = { chat: Chat; me: string; active: boolean; onOpen: () => void };

function Rows({ chats, Row, me, openId, onOpen, className }: { chats: Chat[]; Row: (p: RowProps) => ReactNode; me: string; openId: string | null; onOpen: (id: string) => void; className?: string }) {
  return (
    <ul className={className}>
      {chats.map((chat) => (
        <li key={chat.id}>
          <Row chat={chat} me={me} active={chat.id === openId} onOpen={() => onOpen(chat.id)} />
        </li>
      ))}
    </ul>
  );
}

function RowButton({ label, chatId, active, onOpen, children }: { label: string; chatId: string; active: boolean; onOpen: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      onClick={onOpen}
      aria-current={active ? 'true' : undefined}
      aria-label={label}
      data-chat-id={chatId}
      className={`flex w-full items-center gap-3 rounded-xl px-3 py-2.5 text-left transition-colors focus-visible:outline-offset-[-2px] ${
        active ? 'bg-accent-soft' : 'hover:bg-surface-2'
      }`}
    >
      {children}
    </button>
  );
}

/** A request: who asks; no preview, unread count or presence (the server sends none). */
function RequestRow({ chat, me, active, onOpen }: RowProps) {
  const from = chat.request?.from_name ?? 'Someone';
  const says = chat.kind === 'group' ? `${from} wants to add you to this group` : 'wants to chat with you';
  return (
    <RowButton label={`Request: ${chat.title}`} chatId={chat.id} active={active} onOpen={onOpen}>
      <ChatAvatar chat={chat} me={me} online={false} />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-[15px] font-semibold text-ink">{chat.title}</span>
        <span className="block truncate text-sm text-accent">{says}</span>
      </span>
    </RowButton>
  );
}

function ChatRow({ chat, me, active, onOpen }: RowProps) {
  const unread = useUnreadCount(chat.id);
  const typing = useTyping((s) => Object.keys(s.typing[chat.id] ?? {}).length > 0);
  const peer = otherMember(chat, me);
  const peerOnline = usePresenceOf(peer?.id).online;
  const connected = useConnection((s) => s.status === 'online');
  const online = connected && chat.kind === 'direct' && peerOnline;
  return (
    <RowButton label={`${chat.title}${online ? ', online' : ''}${unread > 0 ? `, ${unread} unread` : ''}`} chatId={chat.id} active={active} onOpen={onOpen}>
      <ChatAvatar chat={chat} me={me} online={online} />
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline gap-2">
          <span className="min-w-0 flex-1 truncate text-[15px] font-semibold text-ink">{chat.title}</span>
          {chat.last_message ? <span className="shrink-0 text-xs text-ink-3">{shortTime(chat.last_message.created_at)}</span> : null}
        </span>
        <span className="flex items-center gap-2">
          <span className={`min-w-0 flex-1 truncate text-sm ${typing ? 'text-accent' : 'text-ink-3'}`}>
            {typing ? 'typing…' : preview(chat, me)}
          </span>
          {unread > 0 ? (
            <span aria-hidden="true" className="inline-flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-accent px-1.5 text-xs font-bold text-accent-ink">
              {unread > 99 ? '99+' : unread}
            </span>
          ) : null}
        </span>
      </span>
    </RowButton>
  );
}

function preview(chat: Chat, me: string): string {
  const m = chat.last_message;
  if (!m) return chat.kind === 'group' ? `${chat.member_count} members` : 'No messages yet';
  if (m.deleted) return 'Message deleted';
  const who = m.sender_id === me ? 'You: ' : chat.kind === 'group' ? `${firstName(chat, m.sender_id)}: ` : '';
  return who + (m.body.trim() ? m.body.replace(/\s+/g, ' ') : attachmentsPreview((m as Message).attachments ?? []));
}

/** For a message with no text: "Photo", "report.pdf", "3 files". */
function attachmentsPreview(list: MessageAttachment[]): string {
  const [first] = list;
  if (!first) return '';
  if (list.length > 1) return list.every((a) => isImage(a.content_type)) ? `${list.length} photos` : `${list.length} files`;
  return isImage(first.content_type) ? 'Photo' : first.filename;
}

function firstName(chat: Chat, userId: string): string {
  return chat.members.find((m) => m.id === userId)?.display_name.split(' ')[0] ?? 'Someone';
}

/** "14:05" today, "Mon" this week, "3 Mar" before. */
function shortTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return d.toLocaleDateString(undefined, { weekday: 'short' });
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}
