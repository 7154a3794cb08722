/**
 * The right pane: the open conversation, or a welcome when none is open. On a phone it replaces
 * the sidebar while a conversation is open, with a back button. Files can be attached with the
 * paperclip, dropped anywhere on the conversation, or pasted into the message box.
 */
import { type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';

import type { Chat } from '../../api/types';
import { lastSeen } from '../../lib/time';
import { useAuth } from '../../state/auth';
import { useChatList } from '../../state/chatList';
import { useConnection } from '../../state/connection';
import { otherMember } from '../../state/messages';
import { useNavigation } from '../../state/navigation';
import { useOutbox } from '../../state/outbox';
import { useOnlineCount, usePresenceOf } from '../../state/presence';
import { useTyping } from '../../state/typing';
import { trayBlocker, traySendable } from '../../state/uploadMachine';
import { EMPTY_TRAY, useUploads } from '../../state/uploads';
import { IconButton } from '../../ui/Button';
import { BackIcon, ChatIcon, PeopleIcon, SendIcon } from '../../ui/icons';
import { AttachmentTray } from '../attachments/AttachmentTray';
import { ACCEPT } from '../../lib/files';
import { PaperclipIcon } from '../../ui/icons';
import { BlockButton, BlockedNotice } from './Blocking';
import { ChatAvatar } from './ChatAvatar';
import { PendingNotice, RequestPane } from './ChatRequest';
import { GroupMembersDialog } from './GroupMembersDialog';
import { MessageList } from './MessageList';

export function ConversationPane({ className = '' }: { className?: string }) {
  const openId = useNavigation((s) => s.openChatId);
  const chat = useChatList((s) => (openId ? s.chats[openId] : undefined));
  const close = useNavigation((s) => s.closeConversation);
  return (
    <main aria-label="Conversation" className={`chat-wallpaper min-h-0 min-w-0 flex-1 flex-col ${className}`}>
      {!chat ? <NothingOpen /> : chat.request ? <RequestPane key={chat.id} chat={chat} onBack={close} /> : <Conversation key={chat.id} chat={chat} onBack={close} />}
    </main>
  );
}

function NothingOpen() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center p-8 text-center">
      <span className="mb-5 inline-flex size-20 items-center justify-center rounded-3xl bg-surface text-accent shadow-sm ring-1 ring-line">
        <ChatIcon className="size-10" />
      </span>
      <h2 className="text-xl font-bold tracking-tight">Your messages</h2>
      <p className="mt-2 max-w-sm text-[15px] text-ink-3">
        Pick a conversation on the left, or search for someone to start a new one.
      </p>
    </div>
  );
}

function Conversation({ chat, onBack }: { chat: Chat; onBack: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const me = useAuth((s) => s.user?.id ?? '');
  const typingIds = useTyping((s) => Object.keys(s.typing[chat.id] ?? {}).join(','));
  const [membersOpen, setMembersOpen] = useState(false);

  // Move focus into the conversation when it opens, so keyboard and screen-reader users follow.
  useEffect(() => headingRef.current?.focus(), []);
  // The chat list embeds only a big group's first members; the chat itself has them all.
  const partial = chat.members.length < chat.member_count;
  useEffect(() => {
    if (partial) void useChatList.getState().fetchChat(chat.id);
  }, [chat.id, partial]);

  const connected = useConnection((s) => s.status === 'online');
  const peer = chat.kind === 'direct' ? otherMember(chat, me) : undefined;
  const peerPresence = usePresenceOf(peer?.id);
  const othersOnline = useOnlineCount(chat.members.filter((m) => m.id !== me).map((m) => m.id));
  const typers = typingIds
    .split(',')
    .filter(Boolean)
    .map((id) => chat.members.find((m) => m.id === id)?.display_name.split(' ')[0] ?? 'Someone');
  const typingText =
    typers.length === 0 ? null : typers.length === 1 ? `${typers[0]} is typing…` : `${typers.join(', ')} are typing…`;
  // While my own connection is down, others' presence is unknown.
  const status = !connected
    ? 'waiting for connection…'
    : chat.kind === 'group'
      ? groupStatus(chat, othersOnline)
      : peerPresence.online
        ? 'online'
        : lastSeen(peerPresence.last_seen_at ?? peer?.last_seen_at);

  return (
    <DropZone chatId={chat.id}>
      <header className="flex h-16 shrink-0 items-center gap-3 border-b border-line bg-surface px-3 md:px-5">
        <IconButton label="Back to chats" onClick={onBack} className="md:hidden">
          <BackIcon />
        </IconButton>
        <ChatAvatar chat={chat} me={me} online={connected && peerPresence.online} size="sm" />
        <div className="min-w-0 flex-1">
          <h2 ref={headingRef} tabIndex={-1} className="truncate text-[15px] font-semibold leading-tight focus:outline-none">
            {chat.title}
          </h2>
          <p aria-live="polite" className={`truncate text-[13px] ${typingText ? 'text-accent' : status === 'online' ? 'text-success' : 'text-ink-3'}`}>
            {typingText ?? status ?? '\u00a0'}
          </p>
        </div>
        {chat.kind === 'group' ? (
          <IconButton label="Group members" onClick={() => setMembersOpen(true)}>
            <PeopleIcon />
          </IconButton>
        ) : null}
        {peer ? <BlockButton peer={peer} /> : null}
      </header>
      {peer ? <BlockedNotice peer={peer} /> : null}
      <PendingNotice chat={chat} />
      {chat.kind === 'group' ? <GroupMembersDialog chat={chat} open={membersOpen} onClose={() => setMembersOpen(false)} /> : null}
      <MessageList chat={chat} me={me} />
      <Composer chatId={chat.id} />
    </DropZone>
  );
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** The conversation, taking files dropped anywhere on it (with a visible target while dragging). */
function DropZone({ chatId, children }: { chatId: string; children: ReactNode }) {
  const add = useUploads((s) => s.add);
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  return (
    <div
      className="relative flex min-h-0 flex-1 flex-col"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!hasFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        depth.current = 0;
        setOver(false);
        const files = Array.from(e.dataTransfer?.files ?? []);
        if (files.length === 0) return;
        e.preventDefault();
        add(chatId, files);
      }}
    >
      {children}
      {over ? (
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-3xl border-2 border-dashed border-accent bg-surface/85 text-lg font-semibold text-accent backdrop-blur-sm"
        >
          Drop files to attach
        </div>
      ) : null}
    </div>
  );
}

function Composer({ chatId }: { chatId: string }) {
  const [text, setText] = useState('');
  const send = useOutbox((s) => s.send);
  const textChanged = useTyping((s) => s.textChanged);
  const typingSent = useTyping((s) => s.sent);
  const tray = useUploads((s) => s.byChat[chatId] ?? EMPTY_TRAY);
  const addFiles = useUploads((s) => s.add);
  const removeFile = useUploads((s) => s.remove);
  const retryFile = useUploads((s) => s.retry);
  const takeFiles = useUploads((s) => s.take);
  const ref = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const canSend = (text.trim() !== '' || tray.length > 0) && traySendable(tray);

  function change(value: string) {
    setText(value);
    textChanged(chatId, value);
  }

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!canSend) return;
    const attachments = takeFiles(chatId);
    if (attachments === null) return;
    send(chatId, text, attachments);
    setText('');
    typingSent(chatId);
    ref.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  // Images (or files) on the clipboard are attached; text pastes as usual.
  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = Array.from(event.clipboardData.files);
    if (files.length === 0) return;
    if (!event.clipboardData.types.includes('text/plain')) event.preventDefault();
    addFiles(chatId, files);
  }

  // Grow with the text, up to the CSS max height.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight + 2}px`;
  }, [text]);

  return (
    <form className="shrink-0 border-t border-line bg-surface px-3 py-3 md:px-5" onSubmit={submit}>
      <AttachmentTray uploads={tray} onRemove={(id) => removeFile(chatId, id)} onRetry={(id) => retryFile(chatId, id)} hint={trayBlocker(tray)} />
      <div className="flex items-end gap-2">
        <input
          ref={picker}
          type="file"
          multiple
          accept={ACCEPT}
          aria-label="Files to attach"
          tabIndex={-1}
          className="sr-only"
          onChange={(e) => {
            addFiles(chatId, Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <IconButton label="Attach files" onClick={() => picker.current?.click()} className="size-11">
          <PaperclipIcon />
        </IconButton>
        <label htmlFor="composer" className="sr-only">
          Message
        </label>
        <textarea
          ref={ref}
          id="composer"
          rows={1}
          value={text}
          maxLength={4000}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          placeholder="Write a message…"
          className="max-h-40 min-h-11 flex-1 resize-none rounded-2xl border border-line bg-surface-2 px-4 py-2.5 text-[15px] placeholder:text-ink-3 focus:border-accent focus:outline-none"
        />
        <button
          type="submit"
          disabled={!canSend}
          aria-label="Send"
          className="inline-flex size-11 shrink-0 items-center justify-center rounded-full bg-accent text-accent-ink disabled:opacity-40"
        >
          <SendIcon />
        </button>
      </div>
    </form>
  );
}

function groupStatus(chat: Chat, online: number): string {
  return `${chat.member_count} members${online > 0 ? `, ${online} online` : ''}`;
}
