/**
 * Above the app until the address is verified: why it matters, and a way to get another link.
 * (Unverified, nobody finds you by e-mail and you get no notification mail.)
 */
import { useState } from 'react';

import { api } from '../../api';
import { ApiError } from '../../api/errors';
import { useAuth } from '../../state/auth';
import { sentence } from '../auth/formErrors';

type Sending = { state: 'idle' } | { state: 'sending' } | { state: 'sent' } | { state: 'failed'; message: string };

export function VerifyEmailBanner() {
  const user = useAuth((s) => s.user);
  const [sending, setSending] = useState<Sending>({ state: 'idle' });
  if (!user || user.email_verified) return null;

  async function resend() {
    setSending({ state: 'sending' });
    try {
      await api.users.resendVerification();
      setSending({ state: 'sent' });
    } catch (error) {
      const message = error instanceof ApiError && error.code !== null ? sentence(error.message) : 'Could not send. Please try again.';
      setSending({ state: 'failed', message });
    }
  }

  return (
    <div role="region" aria-label="Confirm your e-mail address" className="flex shrink-0 flex-wrap items-center justify-center gap-x-3 gap-y-1 bg-accent-soft px-4 py-2 text-center text-sm text-ink">
      <span>
        Confirm your e-mail address: we sent a link to <strong>{user.email}</strong>. Until then, people can’t find you by
        e-mail and you get no e-mail notifications.
      </span>
      {sending.state === 'sent' ? (
        <span role="status" className="font-semibold">
          Sent. Check your inbox.
        </span>
      ) : (
        <button
          type="button"
          onClick={() => void resend()}
          disabled={sending.state === 'sending'}
          className="rounded font-semibold text-accent hover:underline disabled:opacity-60"
        >
          Resend the link
        </button>
      )}
      {sending.state === 'failed' ? (
        <span role="alert" className="text-danger">
          {sending.message}
        </span>
      ) : null}
    </div>
  );
}
