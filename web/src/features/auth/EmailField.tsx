import type { ComponentProps } from 'react';

import { TextField } from '../../ui/TextField';

type Props = Omit<ComponentProps<typeof TextField>, 'label' | 'type'>;

/** The e-mail field of the account forms: the keyboard, autofill and no autocorrect for an address. */
export function EmailField(props: Props) {
  return (
    <TextField
      label="E-mail"
      name="email"
      type="email"
      autoComplete="email"
      inputMode="email"
      autoCapitalize="none"
      spellCheck={false}
      {...props}
    />
  );
}
