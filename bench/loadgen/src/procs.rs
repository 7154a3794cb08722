//! The stack's processes as /proc shows them: which they are, their CPU time and the
//! gateway's memory; and pinning processes to CPUs (`taskset`).

use std::collections::BTreeMap;

/// Processes of the stack, by role.
#[derive(Debug, Clone, Default)]
pub struct Stack {
    pub gateway: Vec<u32>,
    pub postgres: Vec<u32>,
    pub emulator: Vec<u32>,
}

fn comm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim().to_owned())
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

impl Stack {
    /// Finds the running stack: the local gateway, every PostgreSQL process, the emulator.
    pub fn find() -> Self {
        let mut s = Stack::default();
        for pid in pids() {
            let Some(name) = comm(pid) else { continue };
            if name == "local-gateway" {
                s.gateway.push(pid);
            } else if name == "postgres" {
                s.postgres.push(pid);
            } else if cmdline(pid).contains("moto_server") {
                s.emulator.push(pid);
            }
        }
        s
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
pub fn cpu_seconds() -> BTreeMap<&'static str, f64> {
    // Re-read the PostgreSQL processes: backends come and go.
    let now = Stack::find();
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
