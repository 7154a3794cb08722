/**
 * Searches people as the user types: waits for a pause, cancels the request a newer query
 * replaces, and keeps showing the previous results until the new ones arrive (no flicker).
 */
import { useEffect, useState } from 'react';

import { api } from '../api';
import { ApiError } from '../api/errors';
import { isAbort } from '../api/http';
import type { PublicUser } from '../api/types';
import { useDebouncedValue } from './useDebouncedValue';

export interface UserSearch {
  /** False while the box is empty. */
  active: boolean;
  /** The newest answer (possibly for an earlier query while `loading`); null before the first. */
  users: PublicUser[] | null;
  /** The query `users` answers. */
  answered: string | null;
  loading: boolean;
  error: string | null;
}

export const SEARCH_DEBOUNCE_MS = 250;

interface Answer {
  query: string;
  users: PublicUser[] | null;
  error: string | null;
}

export function useUserSearch(rawQuery: string): UserSearch {
  const trimmed = rawQuery.trim();
  const query = useDebouncedValue(trimmed, SEARCH_DEBOUNCE_MS);
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    if (!query) return;
    const controller = new AbortController();
    api.users
      .search(query, controller.signal)
      .then((users) => setAnswer({ query, users, error: null }))
      .catch((error: unknown) => {
        if (isAbort(error)) return;
        const message = error instanceof ApiError ? error.message : 'Search failed. Please try again.';
        setAnswer((previous) => ({ query, users: previous?.users ?? null, error: message }));
      });
    return () => controller.abort();
  }, [query]);

  if (!trimmed) return { active: false, users: null, answered: null, loading: false, error: null };
  return {
    active: true,
    users: answer?.users ?? null,
    answered: answer?.query ?? null,
    loading: answer?.query !== trimmed,
    error: answer?.query === trimmed ? answer.error : null,
  };
}
