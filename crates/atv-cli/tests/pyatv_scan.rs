//! End to end: atv's and pyatv's atvremote/atvscript scan the same device and must print
//! the same thing.
//!
//! The device is pyatv's own fake unicast DNS server (`tests/fake_udns.py` from the
//! pyatv 0.18.0 sdist) on a loopback port; both tools reach it with `-s 127.0.0.1` and
//! `PYATV_UDNS_PORT`. The sdist is found by `atv_tests::pyatv_source()`; without it (or
//! without the venv) the test is skipped, except under CI where it fails.

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use support::text;

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const ATVSCRIPT: &str = env!("CARGO_BIN_EXE_atvscript");

/// Serves one Apple TV (MRP, AirPlay, Companion, RAOP and a device-info model) until
/// stdin closes; prints its port first. The only change to pyatv's fake is the QR bit.
const RESPONDER: &str = r#"
import asyncio, sys
sys.path.insert(0, sys.argv[1])
from tests import fake_udns as f

# pyatv's fake answers with flags 0x0840, which lacks the QR (response) bit; pyatv's
# scanner does not look, atv's ignores such packets. Answer as a real responder does.
_create = f.create_response
def _as_response(*args, **kwargs):
    resp = _create(*args, **kwargs)
    resp.flags = 0x8400
    return resp
f.create_response = _as_response

async def main():
    loop = asyncio.get_running_loop()
    udns = f.FakeUdns(loop)
    await udns.start()
    udns.add_service(f.mrp_service("Living Room", "Living Room", "mrp-id-1",
                                   model="AppleTV6,2", version="19J346"))
    udns.add_service(f.airplay_service("Living Room", "AA:BB:CC:DD:EE:FF",
                                       model="AppleTV6,2"))
    udns.add_service(f.companion_service("Living Room", port=49153))
    udns.add_service(f.raop_service("Living Room", "AABBCCDDEEFF", port=7000))
    print(udns.port, flush=True)
    await loop.run_in_executor(None, sys.stdin.read)

asyncio.run(main())
"#;

/// The responder process; killed and reaped when dropped, even if the test fails.
struct Responder {
    child: Child,
    port: String,
}

impl Responder {
    fn start(python: &PathBuf, sdist: &PathBuf) -> Self {
        let mut child = Command::new(python)
            .arg("-c")
            .arg(RESPONDER)
            .arg(sdist)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start fake UDNS server");
        let stdout = child.stdout.take().expect("responder stdout");
        let mut port = String::new();
        let read = BufReader::new(stdout).read_line(&mut port);
        let mut responder = Self {
            child,
            port: port.trim().to_owned(),
        };
        if read.is_err() || responder.port.parse::<u16>().is_err() {
            let _ = responder.child.kill();
            panic!("fake UDNS server did not start");
        }
        responder
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sdist() -> Option<PathBuf> {
    atv_tests::pyatv_source()
}

fn run(tool: &PathBuf, args: &[&str], port: &str) -> Output {
    Command::new(tool)
        .args(args)
        .env("PYATV_UDNS_PORT", port)
        .env_remove("RUST_LOG")
        // atv's default settings storage goes here, not into the user's home.
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("atv-cli-tests"),
        )
        .output()
        .expect("run tool")
}

/// An atvscript line without the value of its `datetime` field.
fn without_datetime(line: &str) -> String {
    match line.find("\"datetime\": \"") {
        Some(start) => {
            let rest = &line[start + 13..];
            let end = rest.find('"').map_or(rest.len(), |e| e + 1);
            format!("{}{}", &line[..start], &rest[end..])
        }
        None => line.to_owned(),
    }
}

#[test]
fn scan_output_matches_pyatv_tools() {
    let (Some(python), Some(sdist)) = (atv_tests::pyatv_python(), sdist()) else {
        return;
    };
    let bin = python.parent().expect("venv bin").to_path_buf();
    let responder = Responder::start(&python, &sdist);
    let port = responder.port.as_str();

    let remote_cases: &[&[&str]] = &[
        &["scan"],
        &["-i", "mrp-id-1", "scan"],
        &["-i", "nothing,AABBCCDDEEFF", "scan"],
        &["-i", "nothing", "scan"],
        &["--scan-protocols", "airplay,raop", "scan"],
    ];
    for case in remote_cases {
        let ours: Vec<&str> = ["-s", "127.0.0.1"]
            .iter()
            .chain(case.iter())
            .copied()
            .collect();
        let theirs: Vec<&str> = ["--storage", "none"]
            .iter()
            .chain(ours.iter())
            .copied()
            .collect();
        let ours = run(&PathBuf::from(ATVREMOTE), &ours, port);
        let theirs = run(&bin.join("atvremote"), &theirs, port);
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "atvremote {case:?}; our stderr: {}",
            text(&ours.stderr)
        );
        assert_eq!(
            ours.status.code(),
            theirs.status.code(),
            "atvremote {case:?}"
        );
    }

    // A device command for a device that is not there: pyatv logs the error to stdout,
    // atv to stderr; the message and exit code are the same.
    let args = ["-s", "127.0.0.1", "-i", "nothing", "play"];
    let ours = run(&PathBuf::from(ATVREMOTE), &args, port);
    let theirs = run(
        &bin.join("atvremote"),
        &[&["--storage", "none"], &args[..]].concat(),
        port,
    );
    let message = |log: &str| log.trim_end().rsplit_once("]: ").map(|(_, m)| m.to_owned());
    assert_eq!(message(&text(&ours.stderr)), message(&text(&theirs.stdout)));
    assert_eq!(ours.status.code(), theirs.status.code());

    let script_cases: &[&[&str]] = &[&["scan"], &["-i", "nothing", "play"]];
    for case in script_cases {
        let ours: Vec<&str> = ["-s", "127.0.0.1"]
            .iter()
            .chain(case.iter())
            .copied()
            .collect();
        let theirs: Vec<&str> = ["--storage", "none"]
            .iter()
            .chain(ours.iter())
            .copied()
            .collect();
        let ours = run(&PathBuf::from(ATVSCRIPT), &ours, port);
        let theirs = run(&bin.join("atvscript"), &theirs, port);
        assert_eq!(
            without_datetime(&text(&ours.stdout)),
            without_datetime(&text(&theirs.stdout)),
            "atvscript {case:?}; our stderr: {}",
            text(&ours.stderr)
        );
    }
}
