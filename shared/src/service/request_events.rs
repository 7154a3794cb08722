//! Announcing chat requests (`Change::ChatRequested`, `Change::RequestDeclined`): the one
//! asked hears of it, and gets the request's one mail; a decline reaches the decliner's own
//! connections only.

use crate::contract::{ChatId, ServerEvent, UserId};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::{chats, requests};
use crate::service::realtime;

/// Announces requests: each one asked hears `member_added` (themself, pending), which makes
/// the SPA fetch the chat and show it among the requests, and may get the request's one
/// mail. The asker's side already has the chat's answer.
pub async fn asked(ctx: &Ctx, chat: ChatId, users: &[UserId]) -> Result<(), ApiError> {
    let members = chats::members_of(&ctx.db.get().await?, &[chat], None, None, None).await?;
    for user in users {
        // Accepted or gone since: that is announced on its own.
        let Some(member) = members.iter().find(|m| m.user_id == *user && m.pending) else {
            continue;
        };
        let event = ServerEvent::MemberAdded {
            chat_id: chat,
            member: member.clone().into(),
        };
        realtime::to_user(ctx, *user, &event).await;
        mail(ctx, chat, *user).await?;
    }
    Ok(())
}

/// The request's one mail, when its claim says so. A mail SES refuses is not tried again:
/// a request mails at most once.
async fn mail(ctx: &Ctx, chat: ChatId, user: UserId) -> Result<(), ApiError> {
    let Some(mailer) = ctx.mailer.as_ref() else {
        return Ok(());
    };
    let Some(m) = requests::claim_mail(&ctx.db.get().await?, chat, user).await? else {
        return Ok(());
    };
    let token = crate::auth::unsubscribe::issue(&ctx.config, user)?;
    let mail =
        crate::service::notifications::render::compose_request(&ctx.config, &m, chat, &token)
            .map_err(ApiError::Internal)?;
    match tokio::time::timeout(ctx.config.push_timeout, mailer.send(&mail)).await {
        Ok(Ok(())) => tracing::info!(chat_id = %chat, user_id = %user, "chat request mailed"),
        Ok(Err(e)) => tracing::warn!(error = %e, chat_id = %chat, "chat request mail not sent"),
        Err(_) => tracing::warn!(chat_id = %chat, "chat request mail timed out"),
    }
    Ok(())
}

/// Tells `user`'s own connections that they declined (the chat leaves their list there too).
pub async fn declined(ctx: &Ctx, chat: ChatId, user: UserId) {
    let event = ServerEvent::MemberRemoved {
        chat_id: chat,
        user_id: user,
        removed_by: user,
    };
    realtime::to_user(ctx, user, &event).await;
}
