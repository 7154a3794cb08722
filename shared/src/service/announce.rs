//! What follows a write. Every change that others must hear about is announced here, and only
//! here: this is the one place that decides, per change, who is told and how (WebSocket pushes
//! to whose connections, e-mail jobs for whom, and whether a large chat's fan-out leaves the
//! request for the fan-out worker).
//!
//! The transaction that stores a change also records it in the outbox (`service::outbox`), as
//! a [`Change`]: ids only, the rest is loaded when needed. Right after commit the writer
//! announces it with what it already holds ([`Known`]) and marks the row done; whatever a
//! writer did not finish, the drainer announces later. So announcements are at least once:
//! clients de-duplicate by seq and message id, the e-mail worker by its claims.

use serde::{Deserialize, Serialize};

use crate::contract::{
    Attachment, AttachmentId, ChatId, ChatMember, Message, MessageId, ServerEvent, UserId,
};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::connections::{self, Target};
use crate::repo::{attachments, chats, messages};
use crate::service::{notifications, realtime, request_events};

/// A stored change that others must hear about, as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A new message: `new_message` to every connection of every member except the one it
    /// was sent from (which got `message_sent` as the send's answer), and e-mail jobs for the
    /// members the send marked as due one (`email_users`).
    MessageStored {
        chat_id: ChatId,
        message_id: MessageId,
        #[serde(default)]
        except_connection: Option<String>,
        #[serde(default)]
        email_users: Vec<UserId>,
    },
    /// An edit: `message_updated` to every member's connections.
    MessageEdited {
        chat_id: ChatId,
        message_id: MessageId,
    },
    /// A deletion: `message_updated` (deleted, without text) to every member's connections.
    MessageDeleted {
        chat_id: ChatId,
        message_id: MessageId,
    },
    /// A read marker moved forward: `read` to every member's connections, the reader's own
    /// included, so their other tabs and devices lower their unread counts too.
    ReadMoved {
        chat_id: ChatId,
        user_id: UserId,
        seq: i64,
    },
    /// Someone joined a group: `member_added` to every member, the new one included.
    MemberAdded { chat_id: ChatId, user_id: UserId },
    /// Someone left a group or was removed: `member_removed` to the remaining members and to
    /// the one who is gone.
    MemberRemoved {
        chat_id: ChatId,
        user_id: UserId,
        removed_by: UserId,
    },
    /// People asked into a chat by a request (`service::requests`): `member_added` (them,
    /// pending) to each of them only, and the request's one mail.
    ChatRequested {
        chat_id: ChatId,
        user_ids: Vec<UserId>,
    },
    /// Someone declined a request: `member_removed` to their own connections only (the
    /// asker is not told).
    RequestDeclined { chat_id: ChatId, user_id: UserId },
    /// The media worker's verdict: `attachment_updated` to the chat's members once the file
    /// is in a message, else to its uploader only (nobody else knows of it yet).
    AttachmentFinished { attachment_id: AttachmentId },
}

impl Change {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn chat_id(&self) -> Option<ChatId> {
        match self {
            Self::MessageStored { chat_id, .. }
            | Self::MessageEdited { chat_id, .. }
            | Self::MessageDeleted { chat_id, .. }
            | Self::ReadMoved { chat_id, .. }
            | Self::MemberAdded { chat_id, .. }
            | Self::MemberRemoved { chat_id, .. } => Some(*chat_id),
            // Heard by the ones asked only, however large the chat: never handed off.
            Self::ChatRequested { .. } | Self::RequestDeclined { .. } => None,
            Self::AttachmentFinished { .. } => None,
        }
    }
}

/// What the writer already holds, so that announcing right after the write loads nothing
/// again. Anything left out is loaded.
#[derive(Debug, Default)]
pub struct Known {
    pub message: Option<Message>,
    pub member: Option<ChatMember>,
    pub attachment: Option<(Attachment, UserId)>,
    /// The connections to push to (the sending one already left out).
    pub targets: Option<Vec<Target>>,
    /// How many members the chat has.
    pub member_count: Option<i64>,
}

/// How an announcement went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Announced (pushes are best effort; jobs are queued): the outbox row can go.
    Done,
    /// Something that must not be lost (a job) could not be queued: keep the row; the drainer
    /// tries again.
    Retry(String),
}

/// The fan-out queue's job: announce this change (a large chat's, taken off the request).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FanoutJob {
    pub change: Change,
}

/// Who hears an event.
enum Audience {
    /// Every connection of every member of the chat (but `except`).
    Chat {
        chat: ChatId,
        except: Option<String>,
    },
    /// The chat's members, and `user`, who no longer is one.
    ChatAndUser { chat: ChatId, user: UserId },
    /// One member's connections.
    Member { chat: ChatId, user: UserId },
}

/// Tells everyone who must hear of `change`. A chat larger than `FANOUT_INLINE_MAX` members
/// is handed to the fan-out worker when there is a fan-out queue, so the writer's request
/// does not wait for hundreds of pushes.
pub async fn announce(ctx: &Ctx, change: &Change, known: Known) -> Outcome {
    if let (Some(queue), Some(chat)) = (ctx.fanout_queue.as_ref(), change.chat_id()) {
        let count = match known.member_count {
            Some(n) => Ok(n),
            None => match ctx.db.get().await {
                Ok(db) => chats::member_count(&db, chat).await,
                Err(e) => Err(e.into()),
            },
        };
        match count {
            Ok(n) if n > ctx.config.fanout_inline_max as i64 => {
                let job = FanoutJob {
                    change: change.clone(),
                };
                return match queue.send(&job, std::time::Duration::ZERO).await {
                    Ok(()) => Outcome::Done,
                    Err(e) => Outcome::Retry(e.to_string()),
                };
            }
            Ok(_) => {}
            Err(e) => return Outcome::Retry(e.detail()),
        }
    }
    announce_here(ctx, change, known).await
}

/// Announces `change` from this process, however large its chat (the fan-out worker's part).
pub async fn announce_here(ctx: &Ctx, change: &Change, known: Known) -> Outcome {
    match change {
        Change::ChatRequested { chat_id, user_ids } => {
            return match request_events::asked(ctx, *chat_id, user_ids).await {
                Ok(()) => Outcome::Done,
                Err(e) => Outcome::Retry(e.detail()),
            };
        }
        Change::RequestDeclined { chat_id, user_id } => {
            request_events::declined(ctx, *chat_id, *user_id).await;
            return Outcome::Done;
        }
        _ => {}
    }
    let (event, audience, mut known) = match what(ctx, change, known).await {
        Ok(Some(w)) => w,
        // Gone since (a deleted chat or attachment): nobody is left to tell.
        Ok(None) => return Outcome::Done,
        Err(e) => return Outcome::Retry(e.detail()),
    };
    // A new message keeps its place among its chat's in this process (crate::ordering).
    let ordered = match (change, &event) {
        (Change::MessageStored { chat_id, .. }, ServerEvent::NewMessage { message }) => {
            Some((*chat_id, message.seq))
        }
        _ => None,
    };
    if let Some((chat, seq)) = ordered {
        ctx.sequencer.turn(chat, seq).await;
    }
    match audience {
        Audience::Chat { chat, except } => {
            let targets = match known.targets.take() {
                Some(t) => Ok(t),
                None => chat_targets(ctx, chat, except.as_deref()).await,
            };
            match targets {
                Ok(targets) => {
                    realtime::fan_out(ctx, targets, &event).await;
                }
                Err(e) => {
                    if let Some((chat, seq)) = ordered {
                        ctx.sequencer.done(chat, seq);
                    }
                    return Outcome::Retry(e.detail());
                }
            }
        }
        Audience::ChatAndUser { chat, user } => {
            realtime::to_chat(ctx, chat, None, &event).await;
            realtime::to_user(ctx, user, &event).await;
        }
        Audience::Member { chat, user } => {
            realtime::to_chat_user(ctx, chat, user, &event).await;
        }
    }
    if let Some((chat, seq)) = ordered {
        ctx.sequencer.done(chat, seq);
    }
    if let Change::MessageStored {
        chat_id,
        email_users,
        ..
    } = change
        && !email_users.is_empty()
    {
        let seq = match &event {
            ServerEvent::NewMessage { message } => message.seq,
            _ => 0,
        };
        if let Err(e) = notifications::queue_jobs(ctx, *chat_id, seq, email_users).await {
            return Outcome::Retry(format!("{e:#}"));
        }
    }
    Outcome::Done
}

async fn chat_targets(
    ctx: &Ctx,
    chat: ChatId,
    except: Option<&str>,
) -> Result<Vec<Target>, ApiError> {
    if !ctx.push.is_enabled() {
        return Ok(Vec::new());
    }
    let db = ctx.db.get().await?;
    let mut targets = connections::of_chat_members(&db, chat).await?;
    targets.retain(|t| Some(t.connection_id.as_str()) != except);
    Ok(targets)
}

/// The event a change makes and who hears it, loading what `known` lacks. `None` when what
/// it is about no longer exists.
async fn what(
    ctx: &Ctx,
    change: &Change,
    mut known: Known,
) -> Result<Option<(ServerEvent, Audience, Known)>, ApiError> {
    Ok(Some(match change {
        Change::MessageStored {
            chat_id,
            message_id,
            except_connection,
            ..
        } => {
            let Some(message) = message(ctx, &mut known, *chat_id, *message_id).await? else {
                return Ok(None);
            };
            let audience = Audience::Chat {
                chat: *chat_id,
                except: except_connection.clone(),
            };
            (ServerEvent::NewMessage { message }, audience, known)
        }
        Change::MessageEdited {
            chat_id,
            message_id,
        }
        | Change::MessageDeleted {
            chat_id,
            message_id,
        } => {
            let Some(message) = message(ctx, &mut known, *chat_id, *message_id).await? else {
                return Ok(None);
            };
            let audience = Audience::Chat {
                chat: *chat_id,
                except: None,
            };
            (ServerEvent::MessageUpdated { message }, audience, known)
        }
        Change::ReadMoved {
            chat_id,
            user_id,
            seq,
        } => {
            let event = ServerEvent::Read {
                chat_id: *chat_id,
                user_id: *user_id,
                seq: *seq,
            };
            let audience = Audience::Chat {
                chat: *chat_id,
                except: None,
            };
            (event, audience, known)
        }
        Change::MemberAdded { chat_id, user_id } => {
            let member = match known.member.take() {
                Some(m) => m,
                None => {
                    let db = ctx.db.get().await?;
                    let members = chats::members_of(&db, &[*chat_id], None, None, None).await?;
                    match members.into_iter().find(|m| m.user_id == *user_id) {
                        Some(m) => m.into(),
                        // Removed again since: the removal is announced on its own.
                        None => return Ok(None),
                    }
                }
            };
            let audience = Audience::Chat {
                chat: *chat_id,
                except: None,
            };
            let event = ServerEvent::MemberAdded {
                chat_id: *chat_id,
                member,
            };
            (event, audience, known)
        }
        Change::MemberRemoved {
            chat_id,
            user_id,
            removed_by,
        } => {
            let event = ServerEvent::MemberRemoved {
                chat_id: *chat_id,
                user_id: *user_id,
                removed_by: *removed_by,
            };
            let audience = Audience::ChatAndUser {
                chat: *chat_id,
                user: *user_id,
            };
            (event, audience, known)
        }
        // Announced before this is reached (`announce_here`).
        Change::ChatRequested { .. } | Change::RequestDeclined { .. } => return Ok(None),
        Change::AttachmentFinished { attachment_id } => {
            let (attachment, uploader) = match known.attachment.take() {
                Some(a) => a,
                None => {
                    let db = ctx.db.get().await?;
                    match attachments::find(&db, *attachment_id, false).await? {
                        Some(row) => (row.clone().into(), row.uploader_id),
                        None => return Ok(None),
                    }
                }
            };
            let chat = attachment.chat_id;
            let audience = match attachment.message_id {
                Some(_) => Audience::Chat { chat, except: None },
                None => Audience::Member {
                    chat,
                    user: uploader,
                },
            };
            (
                ServerEvent::AttachmentUpdated { attachment },
                audience,
                known,
            )
        }
    }))
}

async fn message(
    ctx: &Ctx,
    known: &mut Known,
    chat: ChatId,
    id: MessageId,
) -> Result<Option<Message>, ApiError> {
    if let Some(m) = known.message.take() {
        return Ok(Some(m));
    }
    let db = ctx.db.get().await?;
    match messages::find(&db, chat, id, false).await? {
        Some(row) => Ok(Some(messages::with_attachments(&db, row).await?.into())),
        None => Ok(None),
    }
}
