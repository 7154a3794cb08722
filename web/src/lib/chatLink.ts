/** Links into the app: notification e-mails point at `{APP_URL}/chats/{id}`. */
const CHAT_PATH = /^\/chats\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** The chat id of a `/chats/{id}` address, if it is one. */
export function chatIdFromPath(path: string): string | null {
  return CHAT_PATH.exec(path)?.[1]?.toLowerCase() ?? null;
}
