//! Users and rooms put straight into the stack's database (registering thousands through the
//! API would spend minutes hashing passwords), with access tokens signed by the stack's own
//! key. Everything they make is deleted at the end unless `--keep`.

use shared::contract::{ChatId, UserId};

/// A seeded user: an access token of theirs.
#[derive(Debug, Clone)]
pub struct User {
    pub id: uuid::Uuid,
    pub token: String,
}

pub struct Seeded {
    pub run: String,
    pub users: Vec<User>,
    /// Each room's chat id and its members (indexes into `users`).
    pub rooms: Vec<(ChatId, Vec<usize>)>,
}

/// A plain connection to the stack's database (the load generator's own, not the stack's pool).
pub(crate) async fn connect(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(conn);
    Ok(client)
}

/// `users` users (`load-<run>-<i>@load.test`) in rooms of `room_size` (the last room takes
/// the remainder).
pub async fn seed(
    database_url: &str,
    keys: &shared::auth::jwt::TokenKeys,
    users: usize,
    room_size: usize,
) -> anyhow::Result<Seeded> {
    let db = connect(database_url).await?;
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let password = shared::domain::Password::parse("loadgen-password".to_owned())?;
    let hash = shared::auth::password::hash(&password).await?;
    let ids: Vec<uuid::Uuid> = (0..users).map(|_| UserId::new().0).collect();
    let emails: Vec<String> = (0..users)
        .map(|i| format!("load-{run}-{i}@load.test"))
        .collect();
    let names: Vec<String> = (0..users).map(|i| format!("Load {i}")).collect();
    db.execute(
        "INSERT INTO users (id, email, password_hash, display_name, email_verified_at) \
         SELECT id, email, $3, name, now() FROM unnest($1::uuid[], $2::text[], $4::text[]) AS t(id, email, name)",
        &[&ids, &emails, &hash, &names],
    )
    .await?;
    let mut rooms = Vec::new();
    let mut chat_ids = Vec::new();
    let mut creators = Vec::new();
    let mut titles = Vec::new();
    let (mut m_chat, mut m_user, mut m_role) = (Vec::new(), Vec::new(), Vec::new());
    for (n, start) in (0..users).step_by(room_size).enumerate() {
        let members: Vec<usize> = (start..(start + room_size).min(users)).collect();
        if members.len() < 2 {
            break;
        }
        let chat = ChatId::new();
        chat_ids.push(chat.0);
        creators.push(ids[members[0]]);
        titles.push(format!("Load room {n}"));
        for (k, &m) in members.iter().enumerate() {
            m_chat.push(chat.0);
            m_user.push(ids[m]);
            m_role.push(if k == 0 { "owner" } else { "member" });
        }
        rooms.push((chat, members));
    }
    db.execute(
        "INSERT INTO chats (id, kind, created_by, title) \
         SELECT id, 'group', creator, title FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, creator, title)",
        &[&chat_ids, &creators, &titles],
    )
    .await?;
    db.execute(
        "INSERT INTO chat_members (chat_id, user_id, role) \
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])",
        &[&m_chat, &m_user, &m_role],
    )
    .await?;
    // A database that has been in use has statistics; a freshly seeded one gets them now, as
    // autovacuum would give them soon, so the planner sees tables of their real size.
    db.batch_execute("ANALYZE users, chats, chat_members, messages")
        .await?;
    // Access tokens name a live session (each user's id doubles as its session's).
    db.execute(
        "INSERT INTO sessions (id, user_id) SELECT id, id FROM unnest($1::uuid[]) AS t(id)",
        &[&ids],
    )
    .await?;
    let users = ids
        .into_iter()
        .map(|id| {
            Ok(User {
                id,
                token: keys.issue(UserId(id), shared::auth::SessionId(id))?,
            })
        })
        .collect::<Result<Vec<_>, shared::ApiError>>()?;
    Ok(Seeded { run, users, rooms })
}

/// Token keys for the stack whose JWT secret is `jwt_secret`, issuing tokens that outlive a
/// long run.
pub fn keys(database_url: &str, jwt_secret: &str) -> anyhow::Result<shared::auth::jwt::TokenKeys> {
    let env = std::collections::HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
        ("JWT_SECRET", jwt_secret.to_owned()),
        ("ACCESS_TOKEN_TTL_SECS", "7200".to_owned()),
    ]);
    let config = shared::config::Config::from_source(&env)?;
    Ok(shared::auth::jwt::TokenKeys::new(&config))
}

/// Refreshes the statistics of the connections table (thousands of rows since the connects).
pub async fn analyze_connections(database_url: &str) -> anyhow::Result<()> {
    connect(database_url)
        .await?
        .batch_execute("ANALYZE connections")
        .await?;
    Ok(())
}

/// Deletes what `seed` made: the rooms (with their messages), then the users.
pub async fn cleanup(database_url: &str, run: &str) -> anyhow::Result<u64> {
    let db = connect(database_url).await?;
    let pattern = format!("load-{run}-%@load.test");
    db.execute(
        "DELETE FROM chats WHERE created_by IN (SELECT id FROM users WHERE email LIKE $1)",
        &[&pattern],
    )
    .await?;
    Ok(db
        .execute("DELETE FROM users WHERE email LIKE $1", &[&pattern])
        .await?)
}
