//! The stack's processes as /proc shows them: which they are, their CPU time and the
//! gateway's memory; and pinning processes to CPUs (`taskset`).

use std::collections::BTreeMap;

/// Processes of the stack, by role: those listening on the stack's ports (other stacks on
/// the same machine, such as test runs, are not counted), with PostgreSQL's backends.
#[derive(Debug, Clone, Default)]
pub struct Stack {
    pub gateway: Vec<u32>,
    pub postgres: Vec<u32>,
    pub emulator: Vec<u32>,
    ports: [u16; 3],
}

fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The process listening on `port` (from `ss`).
fn listener(port: u16) -> Option<u32> {
    let out = std::process::Command::new("ss")
        .args(["-ltnpH", &format!("sport = :{port}")])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("pid=")? + 4;
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

fn parent(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    rest.split_whitespace().nth(1)?.parse().ok()
}

impl Stack {
    /// The stack listening on these ports: the gateway, PostgreSQL (the postmaster and its
    /// children), the AWS emulator.
    pub fn find(gateway_port: u16, database_port: u16, emulator_port: u16) -> Self {
        let mut s = Stack {
            ports: [gateway_port, database_port, emulator_port],
            ..Default::default()
        };
        s.gateway.extend(listener(gateway_port));
        s.emulator.extend(listener(emulator_port));
        if let Some(postmaster) = listener(database_port) {
            s.postgres.push(postmaster);
            s.postgres.extend(
                pids()
                    .into_iter()
                    .filter(|p| parent(*p) == Some(postmaster)),
            );
        }
        s
    }

    /// The same stack now (PostgreSQL's backends come and go).
    pub fn again(&self) -> Self {
        Self::find(self.ports[0], self.ports[1], self.ports[2])
    }

    pub fn all(&self) -> impl Iterator<Item = u32> + '_ {
        self.gateway
            .iter()
            .chain(&self.postgres)
            .chain(&self.emulator)
            .copied()
    }
}

/// CPU seconds used so far by each role (PostgreSQL's exited backends included, through the
/// postmaster's reaped-children time).
pub fn cpu_seconds(stack: &Stack) -> BTreeMap<&'static str, f64> {
    let now = stack.again();
    let mut out = BTreeMap::new();
    out.insert(
        "gateway",
        now.gateway.iter().map(|p| ticks(*p, false)).sum(),
    );
    out.insert(
        "postgres",
        now.postgres.iter().map(|p| ticks(*p, true)).sum(),
    );
    out.insert(
        "emulator",
        now.emulator.iter().map(|p| ticks(*p, false)).sum(),
    );
    out.into_iter()
        .map(|(k, t): (_, u64)| (k, t as f64 / 100.0))
        .collect()
}

/// utime + stime (+ the reaped children's) in clock ticks (100 per second on Linux).
fn ticks(pid: u32, with_children: bool) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // Fields after the parenthesised command name; utime is field 14 overall.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0;
    };
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // rest[0] is the state (field 3), so field n is f[n - 3].
    let get = |n: usize| f.get(n - 3).copied().unwrap_or(0);
    let own = get(14) + get(15);
    if with_children {
        own + get(16) + get(17)
    } else {
        own
    }
}

/// Resident and peak resident memory of a process, in MB.
pub fn memory_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Pins every thread of `pid` to `cpu`.
pub fn pin(pid: u32, cpu: usize) -> anyhow::Result<()> {
    let status = std::process::Command::new("taskset")
        .args(["-a", "-p", "-c", &cpu.to_string(), &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "taskset failed for pid {pid}");
    Ok(())
}

/// What one core's time went to so far, in clock ticks: `[busy (user, nice, system), softirq
/// and irq, steal (taken by the hypervisor), idle and iowait]`. On a virtual machine the stack's
/// core can lose a share of its time to steal, which no process's own CPU time shows.
pub fn core_ticks(cpu: usize) -> Option<[u64; 4]> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let name = format!("cpu{cpu}");
    let line = stat
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name.as_str()))?;
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let get = |i: usize| f.get(i).copied().unwrap_or(0);
    // user nice system idle iowait irq softirq steal
    Some([
        get(0) + get(1) + get(2),
        get(5) + get(6),
        get(7),
        get(3) + get(4),
    ])
}
