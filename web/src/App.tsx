/**
 * Chooses the screen: a page a mailed link opens (verify the e-mail, reset the password), or
 * from the session: a splash while it is checked, sign-in, or the app.
 */
import { useEffect, useState } from 'react';

import { ResetPasswordPage } from './features/account/ResetPasswordPage';
import { VerifyEmailPage } from './features/account/VerifyEmailPage';
import { AuthScreen } from './features/auth/AuthScreen';
import { accountLinkOf } from './lib/linkToken';
import { AppShell } from './features/shell/AppShell';
import { authStore, useAuth } from './state/auth';
import { endSession } from './state/session';
import { Button } from './ui/Button';
import { Logo } from './ui/icons';
import { Spinner } from './ui/Spinner';

export function App() {
  const status = useAuth((s) => s.status);
  const [link, setLink] = useState(() => accountLinkOf(window.location.pathname));

  // Nothing of one account may leak into the next one signed in on this page.
  useEffect(
    () =>
      authStore.subscribe((state, previous) => {
        if (previous.status === 'signed_in' && state.status !== 'signed_in') endSession();
      }),
    [],
  );

  // A mailed link's page, then on into the app at `/` (the token leaves the address).
  const leaveLink = () => {
    window.history.replaceState(null, '', '/');
    setLink(null);
  };
  if (link === 'verify-email') return <VerifyEmailPage onDone={leaveLink} />;
  if (link === 'reset-password') return <ResetPasswordPage onDone={leaveLink} />;

  switch (status) {
    case 'restoring':
      return <Splash />;
    case 'unreachable':
      return <Unreachable />;
    case 'signed_out':
      return <AuthScreen />;
    case 'signed_in':
      return <AppShell />;
  }
}

function Splash() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-6">
      <Logo className="size-14" />
      <Spinner className="size-6 text-ink-3" label="Signing you in" />
    </div>
  );
}

function Unreachable() {
  const error = useAuth((s) => s.restoreError);
  const restore = useAuth((s) => s.restore);
  const endSession = useAuth((s) => s.endSession);
  return (
    <main className="flex h-full flex-col items-center justify-center gap-4 p-6 text-center">
      <Logo className="size-14" />
      <h1 className="text-xl font-bold">Can’t reach Messenger</h1>
      <p role="alert" className="max-w-sm text-[15px] text-ink-3">
        {error?.message ?? 'The server did not answer.'}
      </p>
      <div className="flex gap-3">
        <Button onClick={() => void restore()}>Try again</Button>
        <Button variant="ghost" onClick={() => endSession('logged_out')}>
          Use another account
        </Button>
      </div>
    </main>
  );
}
