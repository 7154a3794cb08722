import { describe, expect, it } from 'vitest';

import { ApiError, networkError } from '../../api/errors';
import { sentence, toFormErrors } from './formErrors';

describe('toFormErrors', () => {
  it('puts a field error under its field with the API message', () => {
    const errors = toFormErrors(new ApiError(409, 'email_taken', 'an account with this e-mail already exists'));
    expect(errors).toEqual({ form: null, fields: { email: 'An account with this e-mail already exists.' } });
  });

  it('puts wrong credentials above the form', () => {
    const errors = toFormErrors(new ApiError(401, 'invalid_credentials', 'wrong e-mail or password'));
    expect(errors.form).toBe('Wrong e-mail or password.');
    expect(errors.fields).toEqual({});
  });

  it('explains an unreachable server', () => {
    expect(toFormErrors(networkError()).form).toMatch(/cannot reach the server/i);
  });

  it('spells wire field names as words', () => {
    expect(sentence('display_name must be 1 to 64 characters after trimming')).toBe(
      'Display name must be 1 to 64 characters after trimming.',
    );
  });

  it('leaves finished sentences alone', () => {
    expect(sentence('Already fine!')).toBe('Already fine!');
  });
});
