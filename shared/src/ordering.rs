//! Announcements of one chat leave this process in seq order. Sends to one chat are stored
//! one after another (the chat's row lock), but their announcements run concurrently, so a
//! later message could overtake an earlier one on its way to a member. Clients order by seq
//! anyway; still, where one process serves many requests (the local gateway) it is cheap to
//! keep the order: an announcement waits, briefly, for the earlier seqs of its chat that this
//! process is announcing. A Lambda instance serves one request at a time, so there the wait
//! is off (`ANNOUNCE_ORDER_WAIT_MS`, 0) and nothing changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use crate::contract::ChatId;

/// Chats remembered at most; past this, those nobody waits on are forgotten.
const MAX_CHATS: usize = 100_000;

#[derive(Debug)]
struct Chat {
    /// The highest seq announced (or given up on) here.
    announced: i64,
    notify: Arc<Notify>,
}

/// The per-chat order of announcements in this process.
#[derive(Debug, Default)]
pub struct Sequencer {
    chats: Mutex<HashMap<ChatId, Chat>>,
    wait: Duration,
}

impl Sequencer {
    /// Waits at most `wait` for an earlier seq (0: never waits).
    pub fn new(wait: Duration) -> Self {
        Self {
            chats: Mutex::default(),
            wait,
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<ChatId, Chat>) -> R) -> R {
        let mut guard = match self.chats.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Returns once message `seq` of `chat` may be announced: when the one before it has
    /// been, or it is not known here, or `wait` has passed.
    pub async fn turn(&self, chat: ChatId, seq: i64) {
        if self.wait.is_zero() {
            return;
        }
        let deadline = tokio::time::Instant::now() + self.wait;
        loop {
            let notify = self.with(|chats| {
                if chats.len() > MAX_CHATS {
                    chats.retain(|_, c| Arc::strong_count(&c.notify) > 1);
                }
                let entry = chats.entry(chat).or_insert_with(|| Chat {
                    // The first seq seen of a chat waits for nothing.
                    announced: seq - 1,
                    notify: Arc::new(Notify::new()),
                });
                (entry.announced < seq - 1).then(|| entry.notify.clone())
            });
            let Some(notify) = notify else { return };
            let notified = notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            // Announced in between: no need to wait.
            if self.with(|chats| chats.get(&chat).is_none_or(|c| c.announced >= seq - 1)) {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }

    /// Message `seq` of `chat` has been announced (or its announcement gave up).
    pub fn done(&self, chat: ChatId, seq: i64) {
        if self.wait.is_zero() {
            return;
        }
        let notify = self.with(|chats| {
            chats.get_mut(&chat).map(|c| {
                c.announced = c.announced.max(seq);
                c.notify.clone()
            })
        });
        if let Some(n) = notify {
            n.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_later_seq_waits_for_the_earlier_one_and_no_longer_than_the_wait() {
        let s = Arc::new(Sequencer::new(Duration::from_secs(5)));
        let chat = ChatId::new();
        s.turn(chat, 10).await; // the first seen: no wait
        let later = {
            let s = s.clone();
            tokio::spawn(async move {
                s.turn(chat, 12).await;
                "12 went"
            })
        };
        tokio::task::yield_now().await;
        s.done(chat, 10);
        s.turn(chat, 11).await;
        assert!(!later.is_finished(), "12 waits for 11");
        s.done(chat, 11);
        assert_eq!(later.await.unwrap(), "12 went");

        // An earlier seq that never comes costs at most the wait.
        let impatient = Sequencer::new(Duration::from_millis(20));
        impatient.turn(chat, 1).await;
        let started = std::time::Instant::now();
        impatient.turn(chat, 5).await;
        assert!(started.elapsed() >= Duration::from_millis(20));
        // Off: never waits.
        let off = Sequencer::new(Duration::ZERO);
        off.turn(chat, 1).await;
        off.turn(chat, 100).await;
    }
}
