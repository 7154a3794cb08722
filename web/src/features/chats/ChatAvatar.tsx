import type { Chat } from '../../api/types';
import { otherMember } from '../../state/messages';
import { Avatar } from '../../ui/Avatar';

/** A direct chat shows the other person (with a green dot when online); a group, its title. */
export function ChatAvatar({ chat, me, online, size = 'md' }: { chat: Chat; me: string; online: boolean; size?: 'sm' | 'md' }) {
  const peer = chat.kind === 'direct' ? otherMember(chat, me) : undefined;
  return (
    <span className="relative inline-flex shrink-0">
      <Avatar id={peer?.id ?? chat.id} name={peer?.display_name ?? chat.title} size={size} />
      {online ? (
        <span
          data-online
          className="absolute bottom-0 right-0 size-3 rounded-full bg-success ring-2 ring-surface"
          aria-hidden="true"
        />
      ) : null}
    </span>
  );
}
