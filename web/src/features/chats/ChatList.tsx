/**
 * The user's chats. Until the chat API lands there are none to list; this is where the list
 * (last message, unread count, ordered by activity) goes.
 */
import { ChatIcon } from '../../ui/icons';

export function ChatList({ onFindPeople }: { onFindPeople: () => void }) {
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
