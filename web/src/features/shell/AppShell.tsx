/**
 * Signed in: the sidebar and the conversation side by side; on a phone, one at a time (the
 * conversation while one is open, the sidebar otherwise). Connects the realtime socket and loads
 * the chat list while mounted.
 */
import { useEffect, useState } from 'react';

import { chatIdFromPath } from '../../lib/chatLink';
import { startRealtime, useChats } from '../../state/chats';
import { ConnectionBanner } from '../chats/ConnectionBanner';
import { ConversationPane } from '../chats/ConversationPane';
import { NewGroupDialog } from '../chats/NewGroupDialog';
import { ProfileDialog } from '../profile/ProfileDialog';
import { Sidebar } from './Sidebar';

export function AppShell() {
  const conversationOpen = useChats((s) => s.openChatId !== null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [groupOpen, setGroupOpen] = useState(false);

  useEffect(() => {
    // A link from a notification e-mail (`/chats/{id}`) opens that chat; the address then
    // goes back to `/`, where the app lives.
    const linked = chatIdFromPath(window.location.pathname);
    if (linked) {
      useChats.getState().openChat(linked);
      window.history.replaceState(null, '', '/' + window.location.search);
    }
    void useChats.getState().loadChats();
    return startRealtime();
  }, []);

  return (
    <div className="flex h-dvh flex-col overflow-hidden bg-surface">
      <ConnectionBanner />
      <div className="flex min-h-0 flex-1">
        <Sidebar
          className={conversationOpen ? 'hidden md:flex' : 'flex'}
          onOpenSettings={() => setSettingsOpen(true)}
          onNewGroup={() => setGroupOpen(true)}
        />
        <ConversationPane className={conversationOpen ? 'flex' : 'hidden md:flex'} />
      </div>
      <ProfileDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />
      <NewGroupDialog open={groupOpen} onClose={() => setGroupOpen(false)} />
    </div>
  );
}
