/**
 * Places an API error in a form: codes that are about one field go under that field, the rest
 * (wrong credentials, server unreachable, ...) above the form. The text is the API's own message.
 */
import { ApiError } from '../../api/errors';

export type AuthField = 'email' | 'password' | 'display_name';

const FIELD_OF_CODE: Record<string, AuthField> = {
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
  const field = FIELD_OF_CODE[error.code];
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
