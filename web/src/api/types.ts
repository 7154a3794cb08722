/** Names for the contract's schemas, so the rest of the app never spells out the generated paths. */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Me = Schemas['Me'];
export type PublicUser = Schemas['PublicUser'];
export type AuthResponse = Schemas['AuthResponse'];
export type LoginRequest = Schemas['LoginRequest'];
export type RegisterRequest = Schemas['RegisterRequest'];
export type UpdateMe = Schemas['UpdateMe'];
export type UserList = Schemas['UserList'];
export type ErrorBody = Schemas['ErrorBody'];
export type Chat = Schemas['Chat'];
export type ChatMember = Schemas['ChatMember'];
export type ChatKind = Schemas['ChatKind'];
export type Message = Schemas['Message'] & { attachments?: MessageAttachment[] };
export type MessagePage = Schemas['MessagePage'];
export type CreateChat = Schemas['CreateChat'];
export type TicketResponse = Schemas['TicketResponse'];

// Interim, hand-written from the agreed contract of issue #5 until docs/openapi.json and
// docs/websocket.json carry the attachment schemas (then these become generated names).
export type AttachmentStatus = 'pending' | 'processing' | 'ready' | 'rejected';
/** An attachment as a message carries it. */
export interface MessageAttachment {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  status: AttachmentStatus;
  width?: number | null;
  height?: number | null;
  has_thumbnail: boolean;
}
export interface Attachment extends MessageAttachment {
  chat_id: string;
  message_id?: string | null;
  created_at: string;
}
export interface CreateAttachment {
  chat_id: string;
  filename: string;
  content_type: string;
  size: number;
}
export interface PresignedUpload {
  attachment: Attachment;
  upload_url: string;
  upload_headers: Record<string, string>;
  /** Seconds the upload URL stays valid. */
  expires_in: number;
}
export interface AttachmentDownload {
  attachment: Attachment;
  download_url: string;
  thumbnail_url?: string | null;
}

type WsSchemas = import('./ws-schema').components['schemas'];
/** Every event the server pushes over the WebSocket, tagged by `type`. */
export type ServerEvent = WsSchemas['ServerEvent'] | { type: 'attachment_updated'; attachment: Attachment };
export type ServerEventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;
export type SendMessageAction = WsSchemas['SendMessageAction'] & { action: 'send_message' };
export type TypingAction = WsSchemas['TypingAction'] & { action: 'typing' };
export type MarkReadAction = WsSchemas['MarkReadAction'] & { action: 'mark_read' };
export type PingAction = WsSchemas['PingAction'] & { action: 'ping' };
export type ClientAction = SendMessageAction | TypingAction | MarkReadAction | PingAction;
