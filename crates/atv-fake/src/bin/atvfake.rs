//! `atvfake`: runs a fake Apple TV until SIGINT, SIGTERM or the end of standard input.
//!
//! Once every enabled protocol listens, it prints one JSON line of their ports, e.g.
//! `{"mrp": 49152}`. With `--local-ip` it also announces itself over mDNS on that
//! interface.

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;

use atv_fake::FakeDevice;
use atv_fake::device::{DEFAULT_IDENTIFIER, DEFAULT_NAME};
use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::signal::unix::{Signal, SignalKind, signal};

/// Run a fake Apple TV for tests and demos.
#[derive(Debug, Parser)]
#[command(name = "atvfake", version)]
struct Args {
    /// Serve MRP (Media Remote Protocol).
    #[arg(long)]
    mrp: bool,
    /// Serve Companion (apps, accounts, power, keyboard, touch; pair with PIN 1111).
    #[arg(long)]
    companion: bool,
    /// Serve AirPlay 2 as a tvOS 15 Apple TV (pair with PIN 1111; MRP through its
    /// remote-control tunnel).
    #[arg(long)]
    airplay: bool,
    /// Serve AirPlay 1 as an Apple TV 3 instead (legacy pairing with PIN 1111, video
    /// playback, no tunnel).
    #[arg(long, conflicts_with = "airplay")]
    airplay1: bool,
    /// Start with music playing (and, with --companion, example apps and accounts).
    #[arg(long)]
    demo: bool,
    /// Announce the device over mDNS on the interface with this address (and listen on
    /// it); without it the device listens on 127.0.0.1 and is not announced.
    #[arg(long, value_name = "IP")]
    local_ip: Option<Ipv4Addr>,
    /// Device name.
    #[arg(long, default_value = DEFAULT_NAME)]
    name: String,
    /// Unique identifier announced over mDNS.
    #[arg(long = "id", default_value = DEFAULT_IDENTIFIER)]
    identifier: String,
    /// Log debug messages to standard error.
    #[arg(short, long)]
    debug: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let level = if args.debug { "debug" } else { "warn" };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .init();

    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("atvfake: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), atv_fake::Error> {
    // Watch the signals before telling anyone we are ready, so none is missed.
    let signals = Signals::new();
    let mut builder = FakeDevice::builder()
        .name(&args.name)
        .identifier(&args.identifier);
    if args.mrp {
        builder = builder.mrp();
    }
    if args.companion {
        builder = builder.companion();
    }
    if args.airplay {
        builder = builder.airplay();
    }
    if args.airplay1 {
        builder = builder.airplay1();
    }
    if args.demo {
        builder = builder.demo();
    }
    if let Some(local_ip) = args.local_ip {
        builder = builder
            .bind_address(IpAddr::V4(local_ip))
            .announce(local_ip);
    }
    let fake = builder.start().await?;

    let mut stdout = tokio::io::stdout();
    let line = format!("{}\n", fake.ports().to_json());
    // A closed stdout is no reason to stop serving.
    let _ = stdout.write_all(line.as_bytes()).await;
    let _ = stdout.flush().await;

    tokio::select! {
        () = signals.received() => {}
        () = stdin_closed() => {}
    }
    tracing::info!("stopping");
    fake.shutdown().await;
    Ok(())
}

/// SIGINT and SIGTERM.
struct Signals {
    interrupt: Option<Signal>,
    terminate: Option<Signal>,
}

impl Signals {
    fn new() -> Self {
        let watch = |kind| match signal(kind) {
            Ok(signal) => Some(signal),
            Err(error) => {
                tracing::warn!(%error, "cannot watch a signal");
                None
            }
        };
        Self {
            interrupt: watch(SignalKind::interrupt()),
            terminate: watch(SignalKind::terminate()),
        }
    }

    /// Returns when either signal arrives.
    async fn received(mut self) {
        let interrupt = Self::next(self.interrupt.as_mut());
        let terminate = Self::next(self.terminate.as_mut());
        tokio::select! {
            () = interrupt => {}
            () = terminate => {}
        }
    }

    async fn next(signal: Option<&mut Signal>) {
        match signal {
            Some(signal) => {
                signal.recv().await;
            }
            None => std::future::pending().await,
        }
    }
}

/// Reads standard input until it ends.
async fn stdin_closed() {
    let mut stdin = tokio::io::stdin();
    let mut buffer = [0u8; 256];
    while let Ok(read) = stdin.read(&mut buffer).await {
        if read == 0 {
            break;
        }
    }
}
