//! What a fault run checks after the load: every acknowledged message stored exactly once, and
//! every offline member mailed exactly once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::seed::{Seeded, connect};

#[derive(Debug, Default)]
pub struct Stored {
    /// Messages of this run in the database.
    pub messages: i64,
    /// Acknowledged sends with no stored message: lost.
    pub lost: i64,
    /// Sends stored more than once (the same sender and body twice): duplicated.
    pub duplicated: i64,
}

/// Checks the acknowledged client message ids against the database.
pub async fn stored(
    database_url: &str,
    seeded: &Seeded,
    acked: &[uuid::Uuid],
) -> anyhow::Result<Stored> {
    let db = connect(database_url).await?;
    let pattern = format!("load-{}-%@load.test", seeded.run);
    let row = db
        .query_one(
            "SELECT count(*), count(*) - count(DISTINCT (m.sender_id, m.body)) \
             FROM messages m JOIN users u ON u.id = m.sender_id WHERE u.email LIKE $1",
            &[&pattern],
        )
        .await?;
    let found: i64 = db
        .query_one(
            "SELECT count(DISTINCT client_message_id) FROM messages m JOIN users u ON u.id = m.sender_id \
             WHERE u.email LIKE $1 AND m.client_message_id = ANY($2)",
            &[&pattern, &acked],
        )
        .await?
        .get(0);
    Ok(Stored {
        messages: row.get(0),
        lost: acked.len() as i64 - found,
        duplicated: row.get(1),
    })
}

#[derive(Debug, Default)]
pub struct Mailed {
    pub offline: usize,
    pub once: usize,
    pub never: usize,
    pub more_than_once: usize,
}

/// Waits up to `wait` until each offline member (the last `offline_per_room` of each room) has
/// had a mail from the emulator's SES, then counts them. Within one e-mail window a member is
/// due exactly one.
pub async fn mailed(
    emulator: &str,
    seeded: &Seeded,
    offline_per_room: usize,
    wait: Duration,
    settle: Duration,
) -> anyhow::Result<Mailed> {
    let offline: Vec<String> = seeded
        .rooms
        .iter()
        .flat_map(|(_, members)| members[members.len().saturating_sub(offline_per_room)..].to_vec())
        .map(|i| format!("load-{}-{i}@load.test", seeded.run))
        .collect();
    let count = || async {
        let mut count: HashMap<String, usize> = HashMap::new();
        for mail in local_gateway::mail_page::fetch(emulator).await? {
            for to in mail.to {
                if offline.contains(&to) {
                    *count.entry(to).or_default() += 1;
                }
            }
        }
        anyhow::Ok(count)
    };
    let started = Instant::now();
    let mut seen = count().await?;
    while seen.len() < offline.len() && started.elapsed() < wait {
        tokio::time::sleep(Duration::from_secs(1)).await;
        seen = count().await?;
    }
    // Look once more a little later for duplicates (a claim whose worker died is sent again
    // only after its lease: `--mail-settle` that long to see it).
    tokio::time::sleep(settle).await;
    let seen = count().await?;
    Ok(Mailed {
        offline: offline.len(),
        once: seen.values().filter(|&&n| n == 1).count(),
        never: offline.len() - seen.len(),
        more_than_once: seen.values().filter(|&&n| n > 1).count(),
    })
}
