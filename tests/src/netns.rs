//! Network namespaces for multicast tests: two namespaces joined by a veth pair, so that
//! tests can send real multicast between "two machines" without any packet leaving this
//! one.
//!
//! [`NetnsPair::create`] makes namespaces `atv-<pid>-<n>-a` and `-b` (unique per process
//! and call), a veth pair created directly inside them (so no interface ever appears in the
//! host namespace), 10.77.0.1/24 in A and 10.77.0.2/24 in B, multicast on, loopback up.
//! Dropping the pair deletes both namespaces (and the veth pair with them).
//!
//! Code runs inside a namespace on a thread of its own that joined it with `setns`
//! ([`Netns::spawn`], [`Netns::run`]): sockets made on that thread, and threads it starts,
//! live in the namespace. A child process runs inside with [`Netns::command`]
//! (`ip netns exec`); wrap it in a [`ChildGuard`] so it is killed when the test ends.
//!
//! Needs root. Without it a test is skipped with a message, except under CI where it must
//! fail.

use std::ffi::OsStr;
use std::fs::File;
use std::future::Future;
use std::io;
use std::net::Ipv4Addr;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use nix::sched::{CloneFlags, setns};

use crate::in_ci;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Name of the veth end inside namespace A.
pub const VETH_A: &str = "veth-a";
/// Name of the veth end inside namespace B.
pub const VETH_B: &str = "veth-b";
/// Address of namespace A on the veth link.
pub const ADDRESS_A: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);
/// Address of namespace B on the veth link.
pub const ADDRESS_B: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 2);
/// Prefix length of the veth link's subnet.
pub const PREFIX: u8 = 24;

/// One network namespace, deleted on drop.
#[derive(Debug)]
pub struct Netns {
    name: String,
    device: &'static str,
}

/// Two namespaces joined by a veth pair.
#[derive(Debug)]
pub struct NetnsPair {
    /// Namespace A (veth end [`VETH_A`], address [`ADDRESS_A`]).
    pub a: Netns,
    /// Namespace B (veth end [`VETH_B`], address [`ADDRESS_B`]).
    pub b: Netns,
}

fn run_ip(args: &[&str]) -> io::Result<()> {
    let output = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    if output.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|uids| uids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

impl NetnsPair {
    /// Creates the pair, or returns `None` (after printing why) when this is not possible
    /// and not required: outside CI without root. Under CI any failure panics.
    pub fn create() -> Option<Self> {
        if !is_root() {
            assert!(
                !in_ci(),
                "network namespace tests must run under CI, but this is not root"
            );
            eprintln!("skipped: network namespace tests need root");
            return None;
        }
        match Self::try_create() {
            Ok(pair) => Some(pair),
            Err(e) => {
                assert!(!in_ci(), "cannot create network namespaces under CI: {e}");
                eprintln!("skipped: cannot create network namespaces: {e}");
                None
            }
        }
    }

    /// Creates the pair, reporting any failure.
    pub fn try_create() -> io::Result<Self> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let base = format!("atv-{}-{n}", std::process::id());
        let a_name = format!("{base}-a");
        let b_name = format!("{base}-b");
        run_ip(&["netns", "add", &a_name])?;
        let a = Netns {
            name: a_name,
            device: VETH_A,
        };
        run_ip(&["netns", "add", &b_name])?;
        let b = Netns {
            name: b_name,
            device: VETH_B,
        };
        run_ip(&[
            "link", "add", VETH_A, "netns", &a.name, "type", "veth", "peer", "name", VETH_B,
            "netns", &b.name,
        ])?;
        for (ns, address) in [(&a, ADDRESS_A), (&b, ADDRESS_B)] {
            ns.add_address(address, PREFIX)?;
            ns.ip(&["link", "set", ns.device, "multicast", "on"])?;
            ns.ip(&["link", "set", ns.device, "up"])?;
            ns.ip(&["link", "set", "lo", "up"])?;
        }
        Ok(Self { a, b })
    }
}

impl Netns {
    /// The namespace's name (as `ip netns` knows it).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The veth end inside this namespace.
    pub fn device(&self) -> &str {
        self.device
    }

    /// Runs `ip -n NAME ARGS...`.
    pub fn ip(&self, args: &[&str]) -> io::Result<()> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        run_ip(&all)
    }

    /// Adds an address to the veth end (for more "devices" in this namespace).
    pub fn add_address(&self, address: Ipv4Addr, prefix: u8) -> io::Result<()> {
        self.ip(&[
            "addr",
            "add",
            &format!("{address}/{prefix}"),
            "dev",
            self.device,
        ])
    }

    /// Runs `make()` and drives the future it returns on a new thread inside this
    /// namespace, on a current-thread tokio runtime.
    pub fn spawn<F, Fut, T>(&self, make: F) -> JoinHandle<T>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = T>,
        T: Send + 'static,
    {
        let path = format!("/run/netns/{}", self.name);
        std::thread::spawn(move || {
            let file = File::open(&path).unwrap_or_else(|e| panic!("open {path}: {e}"));
            setns(&file, CloneFlags::CLONE_NEWNET).unwrap_or_else(|e| panic!("setns: {e}"));
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(make())
        })
    }

    /// Like [`spawn`](Self::spawn), waiting for the result (a panic inside is re-raised).
    pub fn run<F, Fut, T>(&self, make: F) -> T
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = T>,
        T: Send + 'static,
    {
        match self.spawn(make).join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// A command that runs `program` inside this namespace (`ip netns exec`).
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("ip");
        command
            .arg("netns")
            .arg("exec")
            .arg(&self.name)
            .arg(program);
        command
    }

    /// Runs `program ARGS...` inside the namespace to completion.
    pub fn output(&self, program: &str, args: &[&str]) -> io::Result<Output> {
        self.command(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Err(e) = run_ip(&["netns", "del", &self.name]) {
            eprintln!("cleanup: {e}");
        }
    }
}

/// A child process killed (and reaped) when dropped.
#[derive(Debug)]
pub struct ChildGuard(pub Child);

impl ChildGuard {
    /// Starts `command` and guards the child.
    pub fn spawn(command: &mut Command) -> io::Result<Self> {
        command.spawn().map(Self)
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
