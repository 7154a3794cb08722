//! The two phases of a run: everyone connects (`connect_all`), then the senders send while
//! everyone reads (`start`, `Running::finish`), each client checking that every message of its
//! room arrives exactly once and in seq order.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt as _};

use crate::client::{self, Report, Socket, Totals};
use crate::seed::Seeded;
use crate::stats::Samples;

/// A connected client: its socket, who it is, its room and whether it sends.
pub struct Member {
    pub socket: Socket,
    pub user: usize,
    pub chat: uuid::Uuid,
    pub sends: bool,
}

pub struct Connected {
    pub members: Vec<Member>,
    pub attempted: usize,
    pub failed: usize,
    pub secs: f64,
    /// Ticket plus `$connect`, per client.
    pub times: Samples,
}

/// Connects the seeded members, `parallelism` at a time, but the last `offline_per_room` of
/// each room; the first `senders_per_room` of each room send.
pub async fn connect_all(
    base: &str,
    seeded: &Seeded,
    senders_per_room: usize,
    offline_per_room: usize,
    parallelism: usize,
) -> anyhow::Result<Connected> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(parallelism)
        .build()?;
    let wanted: Vec<(usize, uuid::Uuid, bool)> = seeded
        .rooms
        .iter()
        .flat_map(|(chat, members)| {
            let online = members.len().saturating_sub(offline_per_room);
            members[..online]
                .iter()
                .enumerate()
                .map(move |(k, &u)| (u, chat.0, k < senders_per_room))
        })
        .collect();
    let started = Instant::now();
    let mut connected = Connected {
        members: Vec::new(),
        attempted: wanted.len(),
        failed: 0,
        secs: 0.0,
        times: Samples::default(),
    };
    let mut attempts = stream::iter(wanted)
        .map(|(u, chat, sends)| {
            let http = http.clone();
            let token = seeded.users[u].token.clone();
            async move {
                let t = Instant::now();
                let socket = client::connect(&http, base, &token).await;
                (socket, t.elapsed(), u, chat, sends)
            }
        })
        .buffer_unordered(parallelism.max(1));
    while let Some((socket, took, user, chat, sends)) = attempts.next().await {
        match socket {
            Ok(socket) => {
                connected.times.push(took.as_micros() as u64);
                connected.members.push(Member {
                    socket,
                    user,
                    chat,
                    sends,
                });
            }
            Err(e) => {
                if connected.failed < 5 {
                    eprintln!("connect failed: {e:#}");
                }
                connected.failed += 1;
            }
        }
    }
    connected.secs = started.elapsed().as_secs_f64();
    Ok(connected)
}

/// The send phase under way.
pub struct Running {
    totals: Arc<Totals>,
    tasks: Vec<tokio::task::JoinHandle<Report>>,
    started: Instant,
}

/// What a run saw, all clients together.
pub struct Outcome {
    pub sent: u64,
    pub acked: u64,
    /// Deliveries due: each acknowledged message once per other connected member of its room.
    pub due: u64,
    pub delivered: u64,
    pub send_secs: f64,
    pub report: Report,
}

/// How clients behave besides sending at their rate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Behaviour {
    /// Read the room's history at the end and compare (`Report::diverged`).
    pub verify: bool,
    /// Repeat an unacknowledged send after this long, as the web app does (fault runs).
    pub resend_after: Option<Duration>,
}

impl Outcome {
    /// The counts, on one line.
    pub fn summary(&self) -> String {
        let r = &self.report;
        format!(
            "sent {} acked {} due {} delivered {} unacked {} copies {} out of order {} errors {} \
             reconnects {} resent {} healed {} live {} diverged {} unverified {}",
            self.sent,
            self.acked,
            self.due,
            self.delivered,
            r.unacked,
            r.duplicates,
            r.out_of_order,
            r.errors,
            r.reconnects,
            r.resent,
            r.healed,
            r.live,
            r.diverged,
            r.unverified
        )
    }
}

/// Every member starts reading, and the senders send `rate` messages per second each.
pub fn start(
    base: &str,
    seeded: &Seeded,
    members: Vec<Member>,
    rate: f64,
    behaviour: Behaviour,
) -> Running {
    let http = reqwest::Client::new();
    let mut connected_in: HashMap<uuid::Uuid, u64> = HashMap::new();
    for m in &members {
        *connected_in.entry(m.chat).or_default() += 1;
    }
    let totals = Arc::new(Totals::default());
    let interval = (rate > 0.0).then(|| Duration::from_secs_f64(1.0 / rate));
    let tasks = members
        .into_iter()
        .map(|m| {
            let peer = client::Peer {
                http: http.clone(),
                base: base.to_owned(),
                token: seeded.users[m.user].token.clone(),
                user: seeded.users[m.user].id,
                chat: m.chat,
                connected_in_room: connected_in.get(&m.chat).copied().unwrap_or(1),
                verify: behaviour.verify,
                resend_after: behaviour.resend_after,
            };
            tokio::spawn(client::run(
                m.socket,
                peer,
                if m.sends { interval } else { None },
                totals.clone(),
            ))
        })
        .collect();
    Running {
        totals,
        tasks,
        started: Instant::now(),
    }
}

impl Running {
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Stops the senders; returns how long they sent.
    pub fn stop_sending(&self) -> f64 {
        self.totals.stop_sending.store(true, Ordering::Relaxed);
        self.started.elapsed().as_secs_f64()
    }

    /// Stops the senders now and finishes (`finish`).
    pub async fn end(self, grace: Duration) -> anyhow::Result<Outcome> {
        let send_secs = self.stop_sending();
        self.finish(send_secs, grace).await
    }

    /// Waits up to `grace` for what is still on its way (ACKs, deliveries), then stops every
    /// client and adds up what they saw.
    pub async fn finish(self, send_secs: f64, grace: Duration) -> anyhow::Result<Outcome> {
        let totals = &self.totals;
        let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
        let settled = async {
            while load(&totals.sent) != load(&totals.acked)
                || load(&totals.expected) != load(&totals.delivered)
            {
                totals.progress.notified().await;
            }
        };
        let _ = tokio::time::timeout(grace, settled).await;
        totals.stop.store(true, Ordering::Relaxed);
        let mut report = Report::default();
        for t in self.tasks {
            let r = t.await?;
            report.ack.extend(r.ack);
            report.delivery.extend(r.delivery);
            report.duplicates += r.duplicates;
            report.out_of_order += r.out_of_order;
            report.errors += r.errors;
            report.unacked += r.unacked;
            report.reconnects += r.reconnects;
            report.resent += r.resent;
            report.healed += r.healed;
            report.live += r.live;
            report.diverged += r.diverged;
            report.acked_ids.extend(r.acked_ids);
            report.unverified += r.unverified;
        }
        Ok(Outcome {
            sent: load(&totals.sent),
            acked: load(&totals.acked),
            due: load(&totals.expected),
            delivered: load(&totals.delivered),
            send_secs,
            report,
        })
    }
}
