//! One simulated user: a real ticket and `$connect`, then `send_message` at its rate while
//! reading every event; it checks that each message of its room arrives once and in seq order.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::{SinkExt as _, StreamExt as _};
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::stats::Samples;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Counters every client adds to while the run goes on.
#[derive(Default)]
pub struct Totals {
    /// Deliveries due: every acknowledged message, once for each other connected member of its
    /// room.
    pub expected: AtomicU64,
    /// Deliveries that arrived (first copies only).
    pub delivered: AtomicU64,
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    /// Stop sending (the send window is over).
    pub stop_sending: AtomicBool,
    /// Stop reading (the run is over).
    pub stop: AtomicBool,
    /// Woken at every ACK and delivery, for whoever waits for the counters to meet.
    pub progress: tokio::sync::Notify,
}

/// What one client saw.
#[derive(Default)]
pub struct Report {
    pub ack: Samples,
    pub delivery: Samples,
    pub duplicates: u64,
    pub out_of_order: u64,
    pub errors: u64,
    pub unacked: u64,
    /// Sends repeated for want of an ACK within `Peer::resend_after`.
    pub resent: u64,
    /// Times the socket broke and was reconnected.
    pub reconnects: u64,
    /// Messages that reached this client through history (a gap, a reconnect) before or
    /// instead of their push.
    pub healed: u64,
    /// Messages of others whose push arrived (first copies; with or without history first).
    pub live: u64,
    /// Client message ids of the acknowledged sends.
    pub acked_ids: Vec<uuid::Uuid>,
    /// With `Peer::verify`: messages of the room's stored history by others that this client
    /// did not get (live or healed), plus any it got that the history lacks.
    pub diverged: u64,
    /// With `Peer::verify`: the final history could not be read.
    pub unverified: u64,
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// A ticket for `token`, then the WebSocket with it.
pub async fn connect(http: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<Socket> {
    #[derive(Deserialize)]
    struct Ticket {
        ticket: String,
    }
    let resp = http
        .post(format!("{base}/api/ws/ticket"))
        .bearer_auth(token)
        .send()
        .await?;
    anyhow::ensure!(resp.status().as_u16() == 201, "ticket: {}", resp.status());
    let ticket: Ticket = resp.json().await?;
    let url = format!(
        "{}/ws?ticket={}",
        base.replacen("http", "ws", 1),
        ticket.ticket
    );
    // Small buffers, as the gateway uses: thousands of sockets live in this process.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_write_buffer_size(64 * 1024);
    let (socket, _) =
        tokio_tungstenite::connect_async_with_config(url, Some(config), false).await?;
    Ok(socket)
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    client_message_id: Option<uuid::Uuid>,
    #[serde(default)]
    message: Option<EventMessage>,
}

#[derive(Deserialize, Clone)]
pub struct EventMessage {
    pub id: uuid::Uuid,
    pub seq: i64,
    pub body: String,
    pub sender_id: uuid::Uuid,
    pub client_message_id: uuid::Uuid,
}

/// Who a client is and how it reaches the stack again after its socket broke.
#[derive(Clone)]
pub struct Peer {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub user: uuid::Uuid,
    pub chat: uuid::Uuid,
    /// Members of the room connected at the start (deliveries due per message: this - 1).
    pub connected_in_room: u64,
    /// At the end, read the room's whole history and compare it with what this client got.
    pub verify: bool,
    /// Send an unacknowledged message again after this long (None: never).
    pub resend_after: Option<Duration>,
}

/// One page of history after `after_seq`, oldest first.
async fn history(peer: &Peer, after_seq: i64) -> anyhow::Result<(Vec<EventMessage>, bool)> {
    #[derive(Deserialize)]
    struct Page {
        messages: Vec<EventMessage>,
        has_more: bool,
    }
    let resp = peer
        .http
        .get(format!(
            "{}/api/chats/{}/messages?after_seq={after_seq}&limit=100",
            peer.base, peer.chat
        ))
        .bearer_auth(&peer.token)
        .send()
        .await?;
    anyhow::ensure!(resp.status().is_success(), "history: {}", resp.status());
    let page: Page = resp.json().await?;
    Ok((page.messages, page.has_more))
}

/// The room's whole history, as the server has it.
pub async fn full_history(peer: &Peer) -> anyhow::Result<Vec<EventMessage>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let (page, more) = history(peer, after).await?;
        after = page.last().map_or(after, |m| m.seq);
        all.extend(page);
        if !more {
            return Ok(all);
        }
    }
}

/// What one client knows while it runs.
struct State {
    report: Report,
    /// Sent and not acknowledged: client message id -> (first sent at, (the frame, last sent at)).
    pending: std::collections::HashMap<uuid::Uuid, (u64, (String, u64))>,
    seen: HashSet<uuid::Uuid>,
    /// Messages of others that arrived live (perhaps after history brought them first).
    live_ids: HashSet<uuid::Uuid>,
    /// Every seq up to this one is here (ours or others'); history after it fills gaps.
    upto: i64,
    /// Seqs held above `upto` (after a gap).
    above: std::collections::BTreeSet<i64>,
    /// The highest seq that arrived live.
    max_live: i64,
}

impl State {
    fn hold(&mut self, seq: i64) {
        if seq > self.upto {
            self.above.insert(seq);
        }
        while self.above.remove(&(self.upto + 1)) {
            self.upto += 1;
        }
    }

    /// A gap: something above `upto` is here, so something below it is missing.
    fn has_gap(&self) -> bool {
        !self.above.is_empty()
    }

    /// A message of the room, from a push or from history.
    fn take(&mut self, peer: &Peer, m: &EventMessage, now: u64, live: bool, totals: &Totals) {
        self.hold(m.seq);
        if m.sender_id == peer.user {
            // Our own, found in history after a reconnect: stored, so acknowledged.
            if let Some((sent_at, _)) = self.pending.remove(&m.client_message_id) {
                self.acked(peer, now, sent_at, m.client_message_id, totals);
            }
            return;
        }
        if live {
            if !self.live_ids.insert(m.id) {
                // Pushed twice (announcements are at least once): de-duplicated, as the SPA
                // does.
                self.report.duplicates += 1;
                return;
            }
            self.report.live += 1;
            if m.seq < self.max_live {
                self.report.out_of_order += 1;
            }
            self.max_live = self.max_live.max(m.seq);
            if let Some(sent_at) = m
                .body
                .strip_prefix("lg ")
                .and_then(|t| t.parse::<u64>().ok())
            {
                self.report.delivery.push(now.saturating_sub(sent_at));
            }
        }
        if !self.seen.insert(m.id) {
            // Already here: history brought it before its push, or the other way round.
            return;
        }
        if !live {
            self.report.healed += 1;
        }
        totals.delivered.fetch_add(1, Ordering::Relaxed);
        totals.progress.notify_one();
    }

    /// Fetches what history has after `upto`, as the web app does on a gap and after a
    /// reconnect.
    async fn fill(&mut self, peer: &Peer, totals: &Totals) -> anyhow::Result<()> {
        loop {
            let (page, more) = history(peer, self.upto).await?;
            let before = self.upto;
            for m in &page {
                self.take(peer, m, now_us(), false, totals);
            }
            // A seq missing from history too (never the case: seqs are gap-free) must not
            // make this loop forever.
            if !more || self.upto == before {
                return Ok(());
            }
        }
    }

    fn acked(&mut self, peer: &Peer, now: u64, sent_at: u64, id: uuid::Uuid, totals: &Totals) {
        self.report.ack.push(now.saturating_sub(sent_at));
        self.report.acked_ids.push(id);
        totals.acked.fetch_add(1, Ordering::Relaxed);
        totals
            .expected
            .fetch_add(peer.connected_in_room - 1, Ordering::Relaxed);
        totals.progress.notify_one();
    }

    /// After a reconnect: what was missed comes from history, then unacknowledged sends go
    /// out again with their own client message ids (the server stores each once).
    async fn heal(
        &mut self,
        peer: &Peer,
        socket: &mut Socket,
        totals: &Totals,
    ) -> anyhow::Result<()> {
        self.fill(peer, totals).await?;
        let now = now_us();
        for (_, (frame, last)) in self.pending.values_mut() {
            *last = now;
            socket.send(Message::Text(frame.clone().into())).await?;
        }
        Ok(())
    }
}

/// Reconnects until it works or the run is over (None).
async fn reconnect(peer: &Peer, totals: &Totals) -> Option<Socket> {
    let mut wait = Duration::from_millis(100);
    while !totals.stop.load(Ordering::Relaxed) {
        if let Ok(socket) = connect(&peer.http, &peer.base, &peer.token).await {
            return Some(socket);
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(2));
    }
    None
}

/// The client's life after connecting: send every `interval` (after a random first delay)
/// until told to stop sending, read until told to stop. A broken socket is reconnected, the
/// gap filled from history and unacknowledged sends repeated, as the web app does.
pub async fn run(
    mut socket: Socket,
    peer: Peer,
    interval: Option<Duration>,
    totals: Arc<Totals>,
) -> Report {
    let mut st = State {
        report: Report::default(),
        pending: Default::default(),
        seen: HashSet::new(),
        live_ids: HashSet::new(),
        upto: 0,
        above: Default::default(),
        max_live: 0,
    };
    let sending = interval.is_some();
    let every = interval.unwrap_or(Duration::from_secs(3600));
    let first = every.mul_f64(rand::random::<f64>());
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + first, every);
    let mut check = tokio::time::interval(Duration::from_millis(100));
    'run: loop {
        let broken = loop {
            tokio::select! {
                _ = ticker.tick(), if sending => {
                    if totals.stop_sending.load(Ordering::Relaxed) {
                        continue;
                    }
                    let id = uuid::Uuid::new_v4();
                    let sent_at = now_us();
                    let frame = serde_json::json!({
                        "action": "send_message",
                        "chat_id": peer.chat,
                        "client_message_id": id,
                        "body": format!("lg {sent_at}"),
                    })
                    .to_string();
                    st.pending.insert(id, (sent_at, (frame.clone(), sent_at)));
                    totals.sent.fetch_add(1, Ordering::Relaxed);
                    if socket.send(Message::Text(frame.into())).await.is_err() {
                        break true;
                    }
                }
                _ = check.tick() => {
                    if totals.stop.load(Ordering::Relaxed) {
                        break false;
                    }
                    // No ACK within the deadline (the send failed with an error event, or its
                    // answer was lost): send it again with the same client message id, as the
                    // web app's outbox does. The server stores it once either way.
                    let now = now_us();
                    let mut again = Vec::new();
                    // Each repeat waits twice as long as the one before (5 s, 10 s, 20 s, ...),
                    // so a slow stack is not buried under repeats.
                    let after = peer.resend_after.map_or(u64::MAX, |d| d.as_micros() as u64);
                    for (first, frame) in st.pending.values_mut() {
                        let waited = frame.1.saturating_sub(*first).max(after);
                        if now.saturating_sub(frame.1) > waited {
                            frame.1 = now;
                            again.push(frame.0.clone());
                        }
                    }
                    let mut failed = false;
                    for frame in again {
                        st.report.resent += 1;
                        if socket.send(Message::Text(frame.into())).await.is_err() {
                            failed = true;
                            break;
                        }
                    }
                    if failed {
                        break true;
                    }
                }
                frame = socket.next() => {
                    let text = match frame {
                        Some(Ok(Message::Text(t))) => t,
                        Some(Ok(_)) => continue,
                        _ => break true,
                    };
                    let Ok(event) = serde_json::from_str::<Event>(&text) else { continue };
                    let now = now_us();
                    let message = event.message;
                    match (event.kind.as_str(), message.clone()) {
                        ("message_sent", Some(_)) => {
                            if let Some(m) = &message {
                                st.hold(m.seq);
                            }
                            if let Some(id) = event.client_message_id
                                && let Some((sent_at, _)) = st.pending.remove(&id)
                            {
                                st.acked(&peer, now, sent_at, id, &totals);
                            }
                        }
                        ("new_message", Some(m)) => {
                            st.take(&peer, &m, now, true, &totals);
                            // A seq skipped ahead: fetch the gap (a push raced a reconnect).
                            if st.has_gap() && st.fill(&peer, &totals).await.is_err() {
                                st.report.errors += 1;
                            }
                        }
                        ("error", _) => st.report.errors += 1,
                        _ => {}
                    }
                }
            }
        };
        if !broken {
            break 'run;
        }
        st.report.reconnects += 1;
        let Some(fresh) = reconnect(&peer, &totals).await else {
            break 'run;
        };
        socket = fresh;
        while st.heal(&peer, &mut socket, &totals).await.is_err() {
            if totals.stop.load(Ordering::Relaxed) {
                break 'run;
            }
            match reconnect(&peer, &totals).await {
                Some(s) => socket = s,
                None => break 'run,
            }
        }
    }
    st.report.unacked = st.pending.len() as u64;
    let _ = socket.close(None).await;
    if peer.verify {
        // As after a reconnect: what is still missing comes from history first.
        if st.fill(&peer, &totals).await.is_err() {
            st.report.unverified = 1;
        }
        match full_history(&peer).await {
            Ok(stored) => {
                let others: HashSet<uuid::Uuid> = stored
                    .iter()
                    .filter(|m| m.sender_id != peer.user)
                    .map(|m| m.id)
                    .collect();
                st.report.diverged = others.symmetric_difference(&st.seen).count() as u64;
            }
            Err(_) => st.report.unverified = 1,
        }
    }
    st.report
}
