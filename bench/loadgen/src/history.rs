//! History pages at size: `messages` stored messages spread over the seeded rooms (inserted in
//! SQL, as a long-lived deployment would have them), then `requests` page reads one after
//! another (`GET /api/chats/{id}/messages?before_seq=&limit=50`, a random room and point,
//! as a member scrolling back), timed end to end over HTTP.

use std::time::Instant;

use crate::seed::Seeded;
use crate::stats::Samples;

/// Fills each room with the same number of messages, `messages` in all.
/// Returns the messages in the database and the messages per room.
pub async fn fill(
    database_url: &str,
    seeded: &Seeded,
    messages: u64,
) -> anyhow::Result<(i64, i64)> {
    let db = crate::seed::connect(database_url).await?;
    let per_room = (messages / seeded.rooms.len().max(1) as u64) as i64;
    let chats: Vec<uuid::Uuid> = seeded.rooms.iter().map(|(c, _)| c.0).collect();
    let senders: Vec<uuid::Uuid> = seeded
        .rooms
        .iter()
        .map(|(_, m)| seeded.users[m[0]].id)
        .collect();
    // In slices of rooms, so no single statement runs for minutes.
    for (chats, senders) in chats.chunks(20).zip(senders.chunks(20)) {
        db.execute(
            "INSERT INTO messages (id, chat_id, seq, sender_id, client_message_id, body) \
             SELECT gen_random_uuid(), r.chat, s, r.sender, gen_random_uuid(), 'history message ' || s \
             FROM unnest($1::uuid[], $2::uuid[]) AS r(chat, sender), generate_series(1, $3::bigint) AS s",
            &[&chats, &senders, &per_room],
        )
        .await?;
        db.execute(
            "UPDATE chats SET last_seq = $2 WHERE id = ANY($1)",
            &[&chats, &per_room],
        )
        .await?;
    }
    db.batch_execute("ANALYZE messages, chats").await?;
    let total: i64 = db
        .query_one("SELECT count(*) FROM messages", &[])
        .await?
        .get(0);
    Ok((total, per_room))
}

/// Reads `requests` pages one after another; their latencies.
pub async fn read_pages(
    base: &str,
    seeded: &Seeded,
    per_room: i64,
    requests: usize,
) -> anyhow::Result<Samples> {
    let http = reqwest::Client::new();
    let mut samples = Samples::default();
    for _ in 0..requests {
        let (chat, members) = &seeded.rooms[rand::random_range(0..seeded.rooms.len())];
        let token = &seeded.users[members[rand::random_range(0..members.len())]].token;
        let before: i64 = rand::random_range(1..=per_room.max(1)) + 1;
        let t = Instant::now();
        let resp = http
            .get(format!(
                "{base}/api/chats/{}/messages?before_seq={before}&limit=50",
                chat.0
            ))
            .bearer_auth(token)
            .send()
            .await?;
        anyhow::ensure!(
            resp.status().is_success(),
            "history page: {}",
            resp.status()
        );
        let _ = resp.bytes().await?;
        samples.push(t.elapsed().as_micros() as u64);
    }
    Ok(samples)
}
