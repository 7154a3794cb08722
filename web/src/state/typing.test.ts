import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { fakeConnection } from './realtime/fakeConnection';
import { setConnection } from './realtime/socket';
import { TYPING_EXPIRES_MS, TYPING_REFRESH_MS, useTyping } from './typing';

let socket: ReturnType<typeof fakeConnection>;
const said = () => socket.sentOf('typing').map((a) => a.is_typing);

beforeEach(() => {
  vi.useFakeTimers();
  socket = fakeConnection();
  setConnection(socket.connect({ ticket: async () => '', url: () => '', onEvent: () => undefined, onOpen: () => undefined }));
  socket.open();
});

afterEach(() => {
  useTyping.getState().reset();
  setConnection(null);
  vi.useRealTimers();
});

describe('my typing', () => {
  it('says "typing" at most every few seconds while there is text, and "stopped" once when it is gone', () => {
    const typing = useTyping.getState();
    for (const text of ['H', 'He', 'Hel', 'Hell', 'Hello']) typing.textChanged('c1', text);
    expect(said()).toEqual([true]);
    vi.advanceTimersByTime(TYPING_REFRESH_MS + 1);
    typing.textChanged('c1', 'Hello!');
    expect(said()).toEqual([true, true]);
    typing.textChanged('c1', '   ');
    typing.textChanged('c1', '');
    expect(said()).toEqual([true, true, false]);
  });

  it('sending ends it; typing again starts it again at once', () => {
    const typing = useTyping.getState();
    typing.textChanged('c1', 'Hi');
    typing.sent('c1');
    typing.sent('c1');
    typing.textChanged('c1', 'A');
    expect(said()).toEqual([true, false, true]);
  });

  it('while offline nothing goes out, and the next keystroke online says it', () => {
    socket.drop();
    useTyping.getState().textChanged('c1', 'H');
    socket.open();
    useTyping.getState().textChanged('c1', 'He');
    expect(said()).toEqual([true]);
  });
});

describe('others’ typing', () => {
  it('ends on its own without a refresh, and a refresh keeps it', () => {
    const typing = useTyping.getState();
    typing.started('c1', 'bob');
    vi.advanceTimersByTime(TYPING_EXPIRES_MS - 1_000);
    typing.started('c1', 'bob');
    vi.advanceTimersByTime(2_000);
    expect(Object.keys(useTyping.getState().typing.c1 ?? {})).toEqual(['bob']);
    vi.advanceTimersByTime(TYPING_EXPIRES_MS);
    expect(useTyping.getState().typing.c1).toEqual({});
  });

  it('going offline ends it in every chat', () => {
    const typing = useTyping.getState();
    typing.started('c1', 'bob');
    typing.started('c2', 'bob');
    typing.started('c2', 'carol');
    typing.goneOffline('bob');
    expect(useTyping.getState().typing).toEqual({ c1: {}, c2: { carol: expect.any(Number) } });
  });
});
