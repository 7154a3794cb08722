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

#[derive(Deserialize)]
struct EventMessage {
    id: uuid::Uuid,
    seq: i64,
    body: String,
}

/// The client's life after connecting: send every `interval` (after a random first delay)
/// until told to stop sending, read until told to stop.
pub async fn run(
    mut socket: Socket,
    chat: uuid::Uuid,
    connected_in_room: u64,
    interval: Option<Duration>,
    totals: Arc<Totals>,
) -> Report {
    let mut report = Report::default();
    let mut pending: std::collections::HashMap<uuid::Uuid, u64> = Default::default();
    let mut seen: HashSet<uuid::Uuid> = HashSet::new();
    let mut last_seq = 0i64;
    let sending = interval.is_some();
    let every = interval.unwrap_or(Duration::from_secs(3600));
    let first = every.mul_f64(rand::random::<f64>());
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + first, every);
    let mut check = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = ticker.tick(), if sending => {
                if totals.stop_sending.load(Ordering::Relaxed) {
                    continue;
                }
                let id = uuid::Uuid::new_v4();
                let sent_at = now_us();
                let frame = serde_json::json!({
                    "action": "send_message",
                    "chat_id": chat,
                    "client_message_id": id,
                    "body": format!("lg {sent_at}"),
                });
                if socket.send(Message::Text(frame.to_string().into())).await.is_err() {
                    report.errors += 1;
                    break;
                }
                pending.insert(id, sent_at);
                totals.sent.fetch_add(1, Ordering::Relaxed);
            }
            _ = check.tick() => {
                if totals.stop.load(Ordering::Relaxed) {
                    break;
                }
            }
            frame = socket.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(_)) => continue,
                    _ => { report.errors += 1; break; }
                };
                let Ok(event) = serde_json::from_str::<Event>(&text) else { continue };
                let now = now_us();
                match (event.kind.as_str(), event.message) {
                    ("message_sent", Some(_)) => {
                        if let Some(sent_at) = event.client_message_id.and_then(|id| pending.remove(&id)) {
                            report.ack.push(now.saturating_sub(sent_at));
                            totals.acked.fetch_add(1, Ordering::Relaxed);
                            totals.expected.fetch_add(connected_in_room - 1, Ordering::Relaxed);
                            totals.progress.notify_one();
                        }
                    }
                    ("new_message", Some(m)) => {
                        if !seen.insert(m.id) {
                            report.duplicates += 1;
                            continue;
                        }
                        if m.seq <= last_seq {
                            report.out_of_order += 1;
                        }
                        last_seq = last_seq.max(m.seq);
                        if let Some(sent_at) = m.body.strip_prefix("lg ").and_then(|t| t.parse::<u64>().ok()) {
                            report.delivery.push(now.saturating_sub(sent_at));
                        }
                        totals.delivered.fetch_add(1, Ordering::Relaxed);
                        totals.progress.notify_one();
                    }
                    ("error", _) => report.errors += 1,
                    _ => {}
                }
            }
        }
    }
    report.unacked = pending.len() as u64;
    let _ = socket.close(None).await;
    report
}
