//! Command-line options (`--name value`; `loadgen --help` lists them).

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Args {
    /// The stack's base URL.
    pub base: String,
    /// PostgreSQL the users and rooms are seeded into (the stack's own database).
    pub database_url: String,
    /// The stack's JWT secret, to sign the seeded users' access tokens.
    pub jwt_secret: String,
    pub users: usize,
    pub room_size: usize,
    /// Members of each room who send (the first ones); the rest only receive.
    pub senders_per_room: usize,
    /// Messages per second per sending user.
    pub rate: f64,
    pub duration: Duration,
    /// `$connect`s in flight at once.
    pub connect_parallelism: usize,
    /// How long to wait after the last send for deliveries still on their way.
    pub grace: Duration,
    /// Pin the stack's processes (gateway, PostgreSQL, emulator) to this CPU.
    pub pin_stack: Option<usize>,
    /// Pin this process to this CPU.
    pub pin_self: Option<usize>,
    /// The AWS emulator's port (its CPU counts as the stack's).
    pub emulator_port: u16,
    /// Sample the gateway's memory this often while sending.
    pub sample_every: Duration,
    /// Keep the seeded users, rooms and messages (default: deleted at the end).
    pub keep: bool,
    /// Print the report as one JSON object too.
    pub json: bool,
    /// The last members of each room who never connect: offline, so they are due an e-mail.
    pub offline_per_room: usize,
    /// A shell command run `fault_at` into the send phase (the fault suite's faults).
    pub fault: Option<String>,
    pub fault_at: Duration,
    /// At the end, check what was acknowledged against the database and every client's history
    /// against the room's stored one.
    pub verify: bool,
    /// History mode: store this many messages in the rooms, then time page reads.
    pub history_messages: u64,
    pub history_requests: usize,
    /// With offline members: wait up to this long for each to be mailed, then count the mails.
    pub mail_wait: Option<Duration>,
    /// Then look again this much later for second copies.
    pub mail_settle: Duration,
}

const HELP: &str = "\
loadgen: users in rooms sending through the real $connect and send_message, against `make dev`

  --base URL                 the stack (http://127.0.0.1:3000)
  --database-url URL         its database (postgres://postgres@127.0.0.1:54329/messenger)
  --jwt-secret-file PATH     its JWT secret (.dev/jwt_secret)
  --users N                  users (1000)
  --room-size R              members per room (10)
  --senders-per-room S       members of each room who send (all)
  --rate X                   messages per second per sender (0.1)
  --duration SECS            how long everyone sends (60)
  --connect-parallelism P    $connects in flight at once (100)
  --grace SECS               wait for late deliveries after the last send (10)
  --pin-stack CPU            pin the gateway, PostgreSQL and the emulator to CPU
  --pin-self CPU             pin this process to CPU
  --emulator-port PORT       the AWS emulator's port, counted as the stack's (4566)
  --sample-every SECS        gateway memory sample interval (10)
  --keep                     keep the seeded users and rooms
  --json                     also print the report as JSON
  --offline-per-room K       the last K members of each room stay offline (0)
  --fault CMD                run the shell command CMD during the send phase
  --fault-at SECS            when to run it (10)
  --verify                   check acknowledged messages against the database and each
                             client's messages against its room's history at the end
  --mail-wait SECS           wait this long for every offline member's e-mail, then count
  --mail-settle SECS         then count again this much later, for second copies (5)
  --history-messages M       history mode: store M messages in the rooms, read pages, no sends
  --history-requests N       pages read one after another in history mode (2000)
";

impl Args {
    pub fn parse() -> anyhow::Result<Self> {
        let mut a = Args {
            base: "http://127.0.0.1:3000".into(),
            database_url: "postgres://postgres@127.0.0.1:54329/messenger".into(),
            jwt_secret: String::new(),
            users: 1000,
            room_size: 10,
            senders_per_room: usize::MAX,
            rate: 0.1,
            duration: Duration::from_secs(60),
            connect_parallelism: 100,
            grace: Duration::from_secs(10),
            pin_stack: None,
            pin_self: None,
            emulator_port: 4566,
            sample_every: Duration::from_secs(10),
            keep: false,
            json: false,
            offline_per_room: 0,
            fault: None,
            fault_at: Duration::from_secs(10),
            verify: false,
            mail_wait: None,
            mail_settle: Duration::from_secs(5),
            history_messages: 0,
            history_requests: 2000,
        };
        let mut secret_file = ".dev/jwt_secret".to_owned();
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--help" | "-h" => {
                    print!("{HELP}");
                    std::process::exit(0);
                }
                "--base" => a.base = value()?,
                "--database-url" => a.database_url = value()?,
                "--jwt-secret-file" => secret_file = value()?,
                "--users" => a.users = value()?.parse()?,
                "--room-size" => a.room_size = value()?.parse()?,
                "--senders-per-room" => a.senders_per_room = value()?.parse()?,
                "--rate" => a.rate = value()?.parse()?,
                "--duration" => a.duration = Duration::from_secs_f64(value()?.parse()?),
                "--connect-parallelism" => a.connect_parallelism = value()?.parse()?,
                "--grace" => a.grace = Duration::from_secs_f64(value()?.parse()?),
                "--pin-stack" => a.pin_stack = Some(value()?.parse()?),
                "--pin-self" => a.pin_self = Some(value()?.parse()?),
                "--emulator-port" => a.emulator_port = value()?.parse()?,
                "--sample-every" => a.sample_every = Duration::from_secs_f64(value()?.parse()?),
                "--keep" => a.keep = true,
                "--json" => a.json = true,
                "--offline-per-room" => a.offline_per_room = value()?.parse()?,
                "--fault" => a.fault = Some(value()?),
                "--fault-at" => a.fault_at = Duration::from_secs_f64(value()?.parse()?),
                "--verify" => a.verify = true,
                "--history-messages" => a.history_messages = value()?.parse()?,
                "--history-requests" => a.history_requests = value()?.parse()?,
                "--mail-wait" => a.mail_wait = Some(Duration::from_secs_f64(value()?.parse()?)),
                "--mail-settle" => a.mail_settle = Duration::from_secs_f64(value()?.parse()?),
                other => anyhow::bail!("unknown option {other} (see --help)"),
            }
        }
        a.jwt_secret = match std::env::var("JWT_SECRET") {
            Ok(s) if !s.is_empty() => s,
            _ => std::fs::read_to_string(&secret_file)
                .map_err(|e| anyhow::anyhow!("reading the JWT secret from {secret_file}: {e}"))?
                .trim()
                .to_owned(),
        };
        if a.room_size < 2 || a.users < a.room_size {
            anyhow::bail!("need at least 2 members per room and one room's worth of users");
        }
        if a.offline_per_room + 2 > a.room_size {
            anyhow::bail!("at least 2 members of each room must be online");
        }
        a.senders_per_room = a.senders_per_room.min(a.room_size - a.offline_per_room);
        Ok(a)
    }
}
