import { describe, expect, it } from 'vitest';

import { accountLinkOf, linkToken } from './linkToken';

describe('linkToken', () => {
  it('reads the token of a mailed link from the fragment', () => {
    expect(linkToken('#token=Abc_def-0123456789xyz')).toBe('Abc_def-0123456789xyz');
  });

  it('refuses a missing, short or mangled token', () => {
    expect(linkToken('')).toBeNull();
    expect(linkToken('#token=')).toBeNull();
    expect(linkToken('#token=short')).toBeNull();
    expect(linkToken('#token=has spaces in it and more')).toBeNull();
  });
});

describe('accountLinkOf', () => {
  it('knows the two mailed pages and nothing else', () => {
    expect(accountLinkOf('/verify-email')).toBe('verify-email');
    expect(accountLinkOf('/reset-password/')).toBe('reset-password');
    expect(accountLinkOf('/chats/1')).toBeNull();
    expect(accountLinkOf('/')).toBeNull();
  });
});
