/**
 * Places an API error in a form: codes that are about one field go under that field, the rest
 * (wrong credentials, server unreachable, ...) above the form. The text is the API's own message.
 */
import { ApiError, type ErrorCode } from '../../api/errors';

export type AuthField = 'email' | 'password' | 'display_name';

/** The codes that are about one field; typed by the contract, so a misspelt or retired code fails the type check. */
const FIELD_OF_CODE: Partial<Record<ErrorCode, AuthField>> = {
  invalid_email: 'email',
  email_taken: 'email',
  invalid_password: 'password',
  invalid_display_name: 'display_name',
};

export interface FormErrors {
  form: string | null;
  fields: Partial<Record<AuthField, string>>;
}

export const NO_ERRORS: FormErrors = { form: null, fields: {} };

export function toFormErrors(error: unknown): FormErrors {
  if (!(error instanceof ApiError)) {
    return { form: 'Something went wrong. Please try again.', fields: {} };
  }
  // Network failures and answers that are not the API's have no code: above the form.
  const field = error.code === null ? undefined : FIELD_OF_CODE[error.code];
  const message = sentence(error.message);
  return field ? { form: null, fields: { [field]: message } } : { form: message, fields: {} };
}

/**
 * The API writes messages in lower case and names fields as they are spelt on the wire
 * ("display_name must be ..."); a form shows sentences in words.
 */
export function sentence(text: string): string {
  const trimmed = text.trim().replace(/\b([a-z]+)_([a-z]+)\b/g, '$1 $2');
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
