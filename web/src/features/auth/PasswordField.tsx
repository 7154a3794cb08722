import { type ComponentProps, useState } from 'react';

import { EyeIcon, EyeOffIcon } from '../../ui/icons';
import { TextField } from '../../ui/TextField';

type Props = Omit<ComponentProps<'input'>, 'type'> & {
  label: string;
  error?: string | null;
  hint?: string;
};

export function PasswordField(props: Props) {
  const [visible, setVisible] = useState(false);
  return (
    <TextField
      {...props}
      type={visible ? 'text' : 'password'}
      trailing={
        <button
          type="button"
          onClick={() => setVisible((v) => !v)}
          aria-label={visible ? 'Hide password' : 'Show password'}
          aria-pressed={visible}
          className="inline-flex size-9 items-center justify-center rounded-lg text-ink-3 hover:text-ink"
        >
          {visible ? <EyeOffIcon /> : <EyeIcon />}
        </button>
      }
    />
  );
}
