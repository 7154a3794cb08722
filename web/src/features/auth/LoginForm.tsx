import { type FormEvent, useRef, useState } from 'react';

import { useAuth } from '../../state/auth';
import { Button } from '../../ui/Button';
import { EmailField } from './EmailField';
import { FormAlert } from './FormAlert';
import { type FormErrors, NO_ERRORS, toFormErrors } from './formErrors';
import { PasswordField } from './PasswordField';

export function LoginForm({ onSwitch, onForgot }: { onSwitch: () => void; onForgot: () => void }) {
  const login = useAuth((s) => s.login);
  const notice = useAuth((s) => s.notice);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: FormErrors['fields'] = {};
    if (!email.trim()) missing.email = 'Enter your e-mail address.';
    if (!password) missing.password = 'Enter your password.';
    if (Object.keys(missing).length > 0) {
      setErrors({ form: null, fields: missing });
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await login({ email, password });
    } catch (error) {
      const next = toFormErrors(error);
      setErrors(next);
      setBusy(false);
      // Wrong credentials: the password is what people usually mistype.
      passwordRef.current?.select();
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="login-title" className="flex flex-col gap-5">
      <div>
        <h1 id="login-title" className="text-2xl font-bold tracking-tight text-ink">
          Welcome back
        </h1>
        <p className="mt-1 text-[15px] text-ink-3">Sign in to pick up your conversations.</p>
      </div>
      <FormAlert message={errors.form} />
      {!errors.form && notice ? <FormAlert message={notice} tone="info" /> : null}
      <EmailField
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.fields.email}
        autoFocus
      />
      <PasswordField
        ref={passwordRef}
        label="Password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fields.password}
      />
      <div className="-mt-2 text-right">
        <button type="button" onClick={onForgot} className="rounded text-sm font-semibold text-accent hover:underline">
          Forgot password?
        </button>
      </div>
      <Button type="submit" busy={busy} className="mt-1 w-full">
        Sign in
      </Button>
      <p className="text-center text-[15px] text-ink-3">
        New here?{' '}
        <button type="button" onClick={onSwitch} className="rounded font-semibold text-accent hover:underline">
          Create an account
        </button>
      </p>
    </form>
  );
}
