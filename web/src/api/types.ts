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
export type BlockedUser = Schemas['BlockedUser'];
export type ErrorBody = Schemas['ErrorBody'];
/** The contract's error codes: a closed set, REST's `ErrorBody.error` and the WebSocket `error` event's `code`. */
export type ErrorCode = Schemas['ErrorCode'];
export type Chat = Schemas['Chat'];
export type ChatMember = Schemas['ChatMember'];
export type ChatKind = Schemas['ChatKind'];
export type Message = Schemas['Message'];
export type MessagePage = Schemas['MessagePage'];
export type ReadMarker = Schemas['ReadMarker'];
export type CreateChat = Schemas['CreateChat'];
export type TicketResponse = Schemas['TicketResponse'];

export type Attachment = Schemas['Attachment'];
export type AttachmentStatus = Schemas['AttachmentStatus'];
/** An attachment as a message carries it. */
export type MessageAttachment = Schemas['MessageAttachment'];
export type CreateAttachment = Schemas['CreateAttachment'];
/** A presigned upload: PUT the bytes to `upload_url` with exactly `upload_headers`. */
export type AttachmentUpload = Schemas['AttachmentUpload'];
export type AttachmentDownload = Schemas['AttachmentDownload'];

type WsSchemas = import('./ws-schema').components['schemas'];
/** Every event the server pushes over the WebSocket, tagged by `type`. */
export type ServerEvent = WsSchemas['ServerEvent'];
export type ServerEventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;
export type SendMessageAction = WsSchemas['SendMessageAction'] & { action: 'send_message' };
export type TypingAction = WsSchemas['TypingAction'] & { action: 'typing' };
export type MarkReadAction = WsSchemas['MarkReadAction'] & { action: 'mark_read' };
export type PingAction = WsSchemas['PingAction'] & { action: 'ping' };
export type ClientAction = SendMessageAction | TypingAction | MarkReadAction | PingAction;
