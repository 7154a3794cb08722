import { type FormEvent, useState } from 'react';

import { useAuth } from '../../state/auth';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { EmailField } from './EmailField';
import { FormAlert } from './FormAlert';
import { type FormErrors, NO_ERRORS, toFormErrors } from './formErrors';
import { PasswordField } from './PasswordField';

export function SignupForm({ onSwitch }: { onSwitch: () => void }) {
  const register = useAuth((s) => s.register);
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: FormErrors['fields'] = {};
    if (!displayName.trim()) missing.display_name = 'Enter the name people will see.';
    if (!email.trim()) missing.email = 'Enter your e-mail address.';
    if (!password) missing.password = 'Choose a password.';
    if (Object.keys(missing).length > 0) {
      setErrors({ form: null, fields: missing });
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await register({ email, password, display_name: displayName });
    } catch (error) {
      setErrors(toFormErrors(error));
      setBusy(false);
    }
  }

  const emailTaken = errors.fields.email !== undefined && /already/i.test(errors.fields.email);

  return (
    <form onSubmit={submit} noValidate aria-labelledby="signup-title" className="flex flex-col gap-5">
      <div>
        <h1 id="signup-title" className="text-2xl font-bold tracking-tight text-ink">
          Create your account
        </h1>
        <p className="mt-1 text-[15px] text-ink-3">It takes a few seconds. No app to install.</p>
      </div>
      <FormAlert message={errors.form} />
      <TextField
        label="Your name"
        name="display_name"
        autoComplete="name"
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        error={errors.fields.display_name}
        hint="Shown to the people you chat with."
        maxLength={64}
        autoFocus
      />
      <div>
        <EmailField
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.fields.email}
        />
        {emailTaken ? (
          <button type="button" onClick={onSwitch} className="mt-1 rounded text-sm font-semibold text-accent hover:underline">
            Sign in with this e-mail instead
          </button>
        ) : null}
      </div>
      <PasswordField
        label="Password"
        name="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fields.password}
        hint="At least 8 characters."
      />
      <Button type="submit" busy={busy} className="mt-1 w-full">
        Create account
      </Button>
      <p className="text-center text-[15px] text-ink-3">
        Already have an account?{' '}
        <button type="button" onClick={onSwitch} className="rounded font-semibold text-accent hover:underline">
          Sign in
        </button>
      </p>
    </form>
  );
}
