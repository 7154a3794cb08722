/**
 * Where the reset mail's link lands (`/reset-password#token=...`): a new password, then the
 * sign-in screen (the reset ended every session of the account, this browser's too).
 */
import { type FormEvent, useState } from 'react';

import { createAuthApi } from '../../api/auth';
import { linkToken } from '../../lib/linkToken';
import { authStore } from '../../state/auth';
import { Button } from '../../ui/Button';
import { FormAlert } from '../auth/FormAlert';
import { type FormErrors, NO_ERRORS, toFormErrors } from '../auth/formErrors';
import { PasswordField } from '../auth/PasswordField';
import { LinkPage } from './LinkPage';

export function ResetPasswordPage({ onDone }: { onDone: () => void }) {
  const [token] = useState(() => linkToken(window.location.hash));
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (token === null) return;
    if (password.length < 8) {
      setErrors({ form: null, fields: { password: 'Use at least 8 characters.' } });
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await createAuthApi().confirmPasswordReset(token, password);
      authStore.getState().endSession('password_reset');
      onDone();
    } catch (error) {
      setErrors(toFormErrors(error));
      setBusy(false);
    }
  }

  return (
    <LinkPage title="Choose a new password">
      {token === null ? (
        <>
          <FormAlert message="This link is incomplete. Open the link from the mail again, or ask for a new one." />
          <Button onClick={onDone} className="w-full">
            Back to sign in
          </Button>
        </>
      ) : (
        <form onSubmit={submit} noValidate className="flex flex-col gap-5">
          <p className="text-[15px] text-ink-3">Every device signed in to your account will be signed out.</p>
          <FormAlert message={errors.form} />
          <PasswordField
            label="New password"
            name="new-password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.fields.password}
            hint="At least 8 characters."
            autoFocus
          />
          <Button type="submit" busy={busy} className="w-full">
            Set new password
          </Button>
        </form>
      )}
    </LinkPage>
  );
}
