/**
 * Where the verification mail's link lands (`/verify-email#token=...`): hands the token to the
 * API once, says how it went, and leads on into the app. Works signed in or not (the link may
 * be opened on another device); signed in, the profile is reloaded so the banner goes away.
 */
import { useEffect, useState } from 'react';

import { api } from '../../api';
import { createAuthApi } from '../../api/auth';
import { ApiError } from '../../api/errors';
import { linkToken } from '../../lib/linkToken';
import { authStore } from '../../state/auth';
import { Button } from '../../ui/Button';
import { Spinner } from '../../ui/Spinner';
import { FormAlert } from '../auth/FormAlert';
import { sentence } from '../auth/formErrors';
import { LinkPage } from './LinkPage';

// One attempt per token, however often the effect runs (a token works once).
const attempts = new Map<string, Promise<void>>();

function verifyOnce(token: string): Promise<void> {
  let attempt = attempts.get(token);
  if (!attempt) {
    attempt = createAuthApi().verifyEmail(token);
    attempts.set(token, attempt);
  }
  return attempt;
}

type Outcome = { state: 'checking' } | { state: 'verified' } | { state: 'failed'; message: string };

const INCOMPLETE = 'This link is incomplete. Open the link from the mail again, or ask for a new one.';

export function VerifyEmailPage({ onDone }: { onDone: () => void }) {
  const [token] = useState(() => linkToken(window.location.hash));
  const [outcome, setOutcome] = useState<Outcome>(() =>
    token === null ? { state: 'failed', message: INCOMPLETE } : { state: 'checking' },
  );

  useEffect(() => {
    if (token === null) return;
    let live = true;
    verifyOnce(token)
      .then(async () => {
        if (!live) return;
        setOutcome({ state: 'verified' });
        if (authStore.getState().status === 'signed_in') {
          const me = await api.users.me().catch(() => null);
          if (me) authStore.getState().setUser(me);
        }
      })
      .catch((error: unknown) => {
        if (!live) return;
        const message =
          error instanceof ApiError && error.code !== null
            ? sentence(error.message)
            : 'Could not reach Messenger. Please try again.';
        setOutcome({ state: 'failed', message });
      });
    return () => {
      live = false;
    };
  }, [token]);

  return (
    <LinkPage title="Confirm your e-mail address">
      {outcome.state === 'checking' ? (
        <div className="flex items-center gap-3 text-ink-3">
          <Spinner className="size-5" label="Confirming" /> Confirming…
        </div>
      ) : outcome.state === 'verified' ? (
        <p role="status" className="text-[15px]">
          Your e-mail address is confirmed. People can now find you by it, and you get e-mail notifications.
        </p>
      ) : (
        <FormAlert message={outcome.message} />
      )}
      <Button onClick={onDone} className="w-full" disabled={outcome.state === 'checking'}>
        Continue to Messenger
      </Button>
    </LinkPage>
  );
}
