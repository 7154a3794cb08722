/**
 * The account's security, in the settings: change the password (other devices are signed out),
 * sign out everywhere, delete the account (with the password).
 */
import { type FormEvent, useState } from 'react';

import { api } from '../../api';
import { ApiError } from '../../api/errors';
import { useAuth } from '../../state/auth';
import { Button } from '../../ui/Button';
import { CheckIcon } from '../../ui/icons';
import { sentence } from '../auth/formErrors';
import { PasswordField } from '../auth/PasswordField';

function problem(error: unknown): string {
  return error instanceof ApiError && error.code !== null ? sentence(error.message) : 'Something went wrong. Please try again.';
}

export function AccountSecurity() {
  return (
    <div className="mt-6 flex flex-col gap-6 border-t border-line pt-6">
      <ChangePasswordForm />
      <SignOutEverywhere />
      <DeleteAccount />
    </div>
  );
}

function ChangePasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ current?: string; next?: string }>({});
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!current || next.length < 8) {
      setErrors(!current ? { current: 'Enter your current password.' } : { next: 'Use at least 8 characters.' });
      return;
    }
    setBusy(true);
    setErrors({});
    setDone(false);
    try {
      await api.users.changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : null;
      setErrors(code === 'invalid_password' ? { next: problem(error) } : { current: problem(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="change-password-title" className="flex flex-col gap-3">
      <h3 id="change-password-title" className="font-semibold">
        Change password
      </h3>
      <PasswordField
        label="Current password"
        name="current-password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        error={errors.current}
      />
      <PasswordField
        label="New password"
        name="new-password"
        autoComplete="new-password"
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={errors.next}
        hint="At least 8 characters. Your other devices will be signed out."
      />
      <div className="flex items-center justify-end gap-3">
        {done ? (
          <span role="status" className="inline-flex items-center gap-1 text-sm text-success">
            <CheckIcon className="size-4" /> Password changed; other devices signed out
          </span>
        ) : null}
        <Button type="submit" variant="secondary" busy={busy} className="h-10">
          Change password
        </Button>
      </div>
    </form>
  );
}

function SignOutEverywhere() {
  const endSession = useAuth((s) => s.endSession);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut() {
    setBusy(true);
    setError(null);
    try {
      await api.users.logoutAll();
      endSession('everywhere');
    } catch (e) {
      setError(problem(e));
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-2">
      <h3 className="font-semibold">Devices</h3>
      <p className="text-sm text-ink-3">Signs out every browser and device signed in to your account, this one too.</p>
      {error ? (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      ) : null}
      <Button variant="secondary" busy={busy} onClick={() => void signOut()} className="h-10 self-end">
        Sign out everywhere
      </Button>
    </div>
  );
}

function DeleteAccount() {
  const endSession = useAuth((s) => s.endSession);
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError('Enter your password to confirm.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.users.deleteMe(password);
      endSession('deleted');
    } catch (e) {
      setError(problem(e));
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <div className="flex flex-col gap-2">
        <h3 className="font-semibold">Delete account</h3>
        <p className="text-sm text-ink-3">
          Your name, e-mail address and password are erased. What you wrote stays in others’ chats, shown as “Deleted account”.
        </p>
        <Button variant="danger" onClick={() => setOpen(true)} className="h-10 self-end">
          Delete account…
        </Button>
      </div>
    );
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="delete-title" className="flex flex-col gap-3">
      <h3 id="delete-title" className="font-semibold">
        Delete account
      </h3>
      <p className="text-sm text-ink-3">This cannot be undone. Enter your password to confirm.</p>
      <PasswordField
        label="Password to confirm"
        name="delete-password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error}
      />
      <div className="flex justify-end gap-3">
        <Button variant="ghost" onClick={() => setOpen(false)} className="h-10">
          Keep my account
        </Button>
        <Button type="submit" variant="danger" busy={busy} className="h-10">
          Delete my account
        </Button>
      </div>
    </form>
  );
}
