/**
 * Signed in: the sidebar and the conversation side by side; on a phone, one at a time (the
 * conversation while one is open, the sidebar otherwise).
 */
import { useState } from 'react';

import { useChats } from '../../state/chats';
import { ConversationPane } from '../chats/ConversationPane';
import { ProfileDialog } from '../profile/ProfileDialog';
import { Sidebar } from './Sidebar';

export function AppShell() {
  const conversationOpen = useChats((s) => s.open.kind !== 'none');
  const [settingsOpen, setSettingsOpen] = useState(false);

  return (
    <div className="flex h-dvh overflow-hidden bg-surface">
      <Sidebar className={conversationOpen ? 'hidden md:flex' : 'flex'} onOpenSettings={() => setSettingsOpen(true)} />
      <ConversationPane className={conversationOpen ? 'flex' : 'hidden md:flex'} />
      <ProfileDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </div>
  );
}
