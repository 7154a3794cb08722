import { describe, expect, it } from 'vitest';

import { ApiError, errorCode, fromResponse, isErrorCode, isServerTrouble, networkError, unexpectedAnswer } from './errors';

describe('ApiError', () => {
  it('carries the contract’s code when the API answered with its error body', () => {
    const e = fromResponse(409, { error: 'attachment_rejected', message: 'the media worker refused a.png' });
    expect(e).toMatchObject({ status: 409, code: 'attachment_rejected', kind: 'refused', message: 'the media worker refused a.png' });
    expect(errorCode(e)).toBe('attachment_rejected');
  });

  it('has no code for what the contract cannot name: no answer, an answer that is not the API’s, a code it does not have', () => {
    expect(networkError()).toMatchObject({ status: 0, code: null, kind: 'unreachable', isNetwork: true });
    expect(fromResponse(502, '<html>Bad gateway</html>')).toMatchObject({ status: 502, code: null, kind: 'unexpected' });
    expect(fromResponse(429, { message: 'Too Many Requests' })).toMatchObject({ code: null, kind: 'unexpected' });
    expect(fromResponse(401, null).message).toMatch(/session has ended/);
    expect(fromResponse(400, { error: 'file_too_spicy', message: 'too spicy' })).toMatchObject({ code: null, kind: 'unexpected', message: 'too spicy' });
    expect(unexpectedAnswer(403, 'storage said no')).toMatchObject({ code: null, kind: 'unexpected', isNetwork: false });
    expect(errorCode(new TypeError('a bug'))).toBeNull();
  });

  it('knows every code of the contract and which are the server’s trouble', () => {
    expect(isErrorCode('chat_not_found')).toBe(true);
    expect(isErrorCode('network_error')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isServerTrouble('service_unavailable')).toBe(true);
    expect(isServerTrouble('internal_error')).toBe(true);
    expect(isServerTrouble('attachment_not_uploaded')).toBe(false);
  });

  it('is typed by the contract: a code it does not have is a type error', () => {
    // These lines are checked by `tsc` (npm run typecheck), which fails if the errors go away.
    // @ts-expect-error 'network_error' is not one of the contract's codes
    const made = new ApiError(0, 'network_error', 'x');
    // @ts-expect-error the comparison has no overlap with ErrorCode | null
    expect(made.code === 'chat_not_fund').toBe(false);
  });
});
