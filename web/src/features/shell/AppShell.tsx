/**
 * Signed in: the sidebar and the conversation side by side; on a phone, one at a time (the
 * conversation while one is open, the sidebar otherwise). Starts the signed-in session (unsent
 * messages, chat list, the address, the realtime socket) while mounted.
 */
import { useEffect, useState } from 'react';

import { useAuth } from '../../state/auth';
import { useChatList } from '../../state/chatList';
import { useNavigation } from '../../state/navigation';
import { startSession } from '../../state/session';
import { VerifyEmailBanner } from '../account/VerifyEmailBanner';
import { ConnectionBanner } from '../chats/ConnectionBanner';
import { ConversationPane } from '../chats/ConversationPane';
import { NewGroupDialog } from '../chats/NewGroupDialog';
import { ProfileDialog } from '../profile/ProfileDialog';
import { Sidebar } from './Sidebar';

export function AppShell() {
  const userId = useAuth((s) => s.user?.id ?? null);
  const openId = useNavigation((s) => s.openChatId);
  // Until the list (or the chat itself) is in, a linked chat cannot show: the list does.
  const conversationOpen = useChatList((s) => openId !== null && openId in s.chats);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [groupOpen, setGroupOpen] = useState(false);

  useEffect(() => (userId ? startSession(userId) : undefined), [userId]);

  return (
    <div className="flex h-dvh flex-col overflow-hidden bg-surface">
      <ConnectionBanner />
      <VerifyEmailBanner />
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
