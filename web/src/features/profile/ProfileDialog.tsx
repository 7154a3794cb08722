/**
 * Profile and settings: display name, e-mail notifications (PATCH /api/users/me), the account's
 * security (password, devices, deletion) and signing out.
 * A modal <dialog>: focus stays inside, Escape closes it; full screen on a phone.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';

import { api } from '../../api';
import { ApiError } from '../../api/errors';
import type { Me } from '../../api/types';
import { monthYear } from '../../lib/time';
import { useAuth } from '../../state/auth';
import { Avatar } from '../../ui/Avatar';
import { Button, IconButton } from '../../ui/Button';
import { CheckIcon, CloseIcon, LogOutIcon } from '../../ui/icons';
import { Switch } from '../../ui/Switch';
import { TextField } from '../../ui/TextField';
import { sentence } from '../auth/formErrors';
import { AccountSecurity } from './AccountSecurity';

export function ProfileDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const me = useAuth((s) => s.user);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside the panel) closes it.
        if (e.target === e.currentTarget) onClose();
      }}
      aria-labelledby="settings-title"
      className="m-0 h-dvh max-h-none w-full max-w-none bg-transparent p-0 text-ink backdrop:bg-black/45 sm:m-auto sm:h-auto sm:max-h-[calc(100dvh-4rem)] sm:w-[440px] sm:rounded-3xl"
    >
      {open && me ? <Settings me={me} onClose={onClose} /> : null}
    </dialog>
  );
}

function Settings({ me, onClose }: { me: Me; onClose: () => void }) {
  const setUser = useAuth((s) => s.setUser);
  const logout = useAuth((s) => s.logout);
  const [signingOut, setSigningOut] = useState(false);

  return (
    <div className="flex h-full flex-col bg-surface sm:rounded-3xl">
      <header className="flex items-center gap-2 border-b border-line px-4 py-3">
        <h2 id="settings-title" className="flex-1 pl-1 text-lg font-bold">
          Profile and settings
        </h2>
        <IconButton label="Close settings" onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </header>
      <div className="flex-1 overflow-y-auto px-6 py-6">
        <div className="flex flex-col items-center text-center">
          <Avatar id={me.id} name={me.display_name} size="lg" />
          <p className="mt-3 text-lg font-semibold">{me.display_name}</p>
          <p className="text-sm text-ink-3">{me.email}</p>
          {monthYear(me.created_at) ? <p className="mt-1 text-xs text-ink-3">Member since {monthYear(me.created_at)}</p> : null}
        </div>
        <DisplayNameForm me={me} onSaved={setUser} />
        <div className="mt-6 border-t border-line pt-6">
          <NotificationsToggle me={me} onSaved={setUser} />
        </div>
        <AccountSecurity />
      </div>
      <footer className="border-t border-line px-6 py-4">
        <Button
          variant="danger"
          className="w-full"
          busy={signingOut}
          onClick={async () => {
            setSigningOut(true);
            await logout();
          }}
        >
          <LogOutIcon className="size-[18px]" /> Sign out
        </Button>
      </footer>
    </div>
  );
}

function DisplayNameForm({ me, onSaved }: { me: Me; onSaved: (me: Me) => void }) {
  const [name, setName] = useState(me.display_name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const changed = name.trim() !== me.display_name;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!changed) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await api.users.updateMe({ display_name: name });
      onSaved(updated);
      setName(updated.display_name);
      setSaved(true);
    } catch (e) {
      setError(e instanceof ApiError ? sentence(e.message) : 'Could not save. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="mt-6 flex flex-col gap-3" noValidate>
      <TextField
        label="Display name"
        name="display_name"
        autoComplete="name"
        maxLength={64}
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setSaved(false);
        }}
        error={error}
        hint="This is how people see you in chats and search."
      />
      <div className="flex items-center justify-end gap-3">
        {saved ? (
          <span role="status" className="inline-flex items-center gap-1 text-sm text-success">
            <CheckIcon className="size-4" /> Saved
          </span>
        ) : null}
        <Button type="submit" variant="secondary" busy={busy} disabled={!changed} className="h-10">
          Save name
        </Button>
      </div>
    </form>
  );
}

function NotificationsToggle({ me, onSaved }: { me: Me; onSaved: (me: Me) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Shown at once; put back if the server refuses.
  const [value, setValue] = useState(me.email_notifications);

  async function toggle(next: boolean) {
    setValue(next);
    setBusy(true);
    setError(null);
    try {
      const updated = await api.users.updateMe({ email_notifications: next });
      onSaved(updated);
      setValue(updated.email_notifications);
    } catch (e) {
      setValue(!next);
      setError(e instanceof ApiError ? sentence(e.message) : 'Could not save. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <Switch
        label="E-mail notifications"
        description="When you're offline, get an e-mail about new messages (a few at a time, not one per message)."
        checked={value}
        onChange={toggle}
        disabled={busy}
      />
      {error ? (
        <p role="alert" className="mt-2 text-sm text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}
