/**
 * "Forgot password": mails a reset link. The answer is the same whether or not the address has
 * an account, so the form says what happens if it does. This is also how the owner of an
 * address takes it back from someone who registered it first.
 */
import { type FormEvent, useState } from 'react';

import { createAuthApi } from '../../api/auth';
import { Button } from '../../ui/Button';
import { EmailField } from './EmailField';
import { FormAlert } from './FormAlert';
import { type FormErrors, NO_ERRORS, toFormErrors } from './formErrors';

export function ForgotPasswordForm({ onBack }: { onBack: () => void }) {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) {
      setErrors({ form: null, fields: { email: 'Enter your e-mail address.' } });
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await createAuthApi().requestPasswordReset(email);
      setSentTo(email.trim());
    } catch (error) {
      setErrors(toFormErrors(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="forgot-title" className="flex flex-col gap-5">
      <div>
        <h1 id="forgot-title" className="text-2xl font-bold tracking-tight text-ink">
          Reset your password
        </h1>
        <p className="mt-1 text-[15px] text-ink-3">We’ll mail you a link to choose a new one.</p>
      </div>
      <FormAlert message={errors.form} />
      {sentTo ? (
        <FormAlert
          tone="info"
          message={`If an account uses ${sentTo}, we sent it a link to reset the password. The link works for an hour.`}
        />
      ) : null}
      <EmailField
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.fields.email}
        autoFocus
      />
      <Button type="submit" busy={busy} className="w-full">
        Send reset link
      </Button>
      <p className="text-center text-[15px] text-ink-3">
        <button type="button" onClick={onBack} className="rounded font-semibold text-accent hover:underline">
          Back to sign in
        </button>
      </p>
    </form>
  );
}
