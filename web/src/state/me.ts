/** Who is signed in, for the stores that need to tell my messages from others'. */
import { authStore } from './auth';

export function myId(): string {
  return authStore.getState().user?.id ?? '';
}
