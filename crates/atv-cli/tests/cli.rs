//! The atvremote and atvscript binaries as a user runs them: help, version, argument
//! errors, device commands that cannot run, and scans of a loopback host that never
//! answers (a bound UDP socket that stays silent). Where pyatv's venv is available the
//! same scans are run with pyatv's own tools and the outputs compared.

mod support;

use std::net::UdpSocket;
use std::process::{Command, Output};

use support::pyatv_tool;

const ATVREMOTE: &str = env!("CARGO_BIN_EXE_atvremote");
const ATVSCRIPT: &str = env!("CARGO_BIN_EXE_atvscript");

/// Runs a tool with `args` and the given extra environment, with logging settings and
/// the unicast port variable cleared unless given.
fn run(tool: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(tool);
    command
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("PYATV_UDNS_PORT")
        // The default settings storage goes here, not into the user's home.
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("atv-cli-tests"),
        );
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run tool")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// A UDP port on loopback that is bound (so nothing else answers on it) and never
/// replies: a unicast scan of 127.0.0.1 there finds nothing.
fn silent_port() -> (UdpSocket, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind silent port");
    let port = socket.local_addr().expect("local addr").port().to_string();
    (socket, port)
}

#[test]
fn help_lists_pyatv_flags() {
    let out = run(ATVREMOTE, &["--help"], &[]);
    assert!(out.status.success());
    let text = stdout(&out);
    for flag in [
        "--scan-hosts",
        "--id",
        "--name",
        "--scan-timeout",
        "--scan-protocols",
        "--protocol",
        "--address",
        "--port",
        "--manual",
        "--service-properties",
        "--storage",
        "--storage-filename",
        "--dmap-credentials",
        "--mrp-credentials",
        "--airplay-credentials",
        "--companion-credentials",
        "--raop-credentials",
        "--airplay-password",
        "--raop-password",
        "--remote-name",
        "--pin",
        "--pairing-guid",
        "--verbose",
        "--debug",
        "--mdns-debug",
        "--version",
    ] {
        assert!(
            text.contains(flag),
            "atvremote --help lacks {flag}:\n{text}"
        );
    }

    let out = run(ATVSCRIPT, &["--help"], &[]);
    assert!(out.status.success());
    let text = stdout(&out);
    for flag in [
        "--id",
        "--protocol",
        "--scan-hosts",
        "--output",
        "--debug",
        "--storage",
        "--mrp-credentials",
    ] {
        assert!(
            text.contains(flag),
            "atvscript --help lacks {flag}:\n{text}"
        );
    }
}

#[test]
fn version_names_the_tool() {
    let version = env!("CARGO_PKG_VERSION");
    for (tool, name) in [(ATVREMOTE, "atvremote"), (ATVSCRIPT, "atvscript")] {
        let out = run(tool, &["--version"], &[]);
        assert!(out.status.success());
        assert_eq!(stdout(&out), format!("{name} {version}\n"));
    }
}

/// Argument errors: atvremote exits with 1 and atvscript with 2, as pyatv's tools do,
/// with pyatv's wording for the value checks.
#[test]
fn argument_errors() {
    let cases: &[(&str, &[&str], u8, &str)] = &[
        (ATVREMOTE, &[], 1, "COMMAND"),
        (ATVSCRIPT, &[], 2, "COMMAND"),
        (
            ATVREMOTE,
            &["-t", "0", "scan"],
            1,
            "Must be greater >= 1 and < 100",
        ),
        (
            ATVREMOTE,
            &["-t", "100", "scan"],
            1,
            "Must be greater >= 1 and < 100",
        ),
        (ATVREMOTE, &["-t", "x", "scan"], 1, "'x' is not an integer"),
        (
            ATVREMOTE,
            &["--port", "65535", "play"],
            1,
            "Must be greater >= 0 and < 65535",
        ),
        (
            ATVREMOTE,
            &["-p", "9999", "pair"],
            1,
            "Must be greater >= 0 and < 9999",
        ),
        (
            ATVREMOTE,
            &["--protocol", "foo", "scan"],
            1,
            "Valid protocols are: dmap, mrp, airplay, companion, raop",
        ),
        (
            ATVREMOTE,
            &["--scan-protocols", "mrp,foo", "scan"],
            1,
            "Valid protocols are: dmap, mrp, airplay, companion, raop",
        ),
        (
            ATVREMOTE,
            &["-s", "1.2.3", "scan"],
            1,
            "'1.2.3' does not appear to be an IPv4 or IPv6 address",
        ),
        (ATVREMOTE, &["--storage", "cloud", "scan"], 1, "--storage"),
        (ATVREMOTE, &["--bogus", "scan"], 1, "--bogus"),
        (
            ATVREMOTE,
            &["--manual", "-i", "a,b", "play"],
            1,
            "--manual only supports one identifier to --id",
        ),
        (
            ATVREMOTE,
            &["--service-properties", ",a=1", "play"],
            1,
            "--service-properties only allowed with --manual",
        ),
        (
            ATVSCRIPT,
            &["--output", "xml", "scan"],
            2,
            "Valid formats are: json",
        ),
        (
            ATVSCRIPT,
            &["--protocol", "MRP", "scan"],
            2,
            "Valid protocols are: dmap, mrp, airplay, companion, raop",
        ),
        (ATVSCRIPT, &["scan", "extra"], 2, "extra"),
        (ATVSCRIPT, &["-t", "3", "scan"], 2, "-t"),
    ];
    for (tool, args, code, message) in cases {
        let out = run(tool, args, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(i32::from(*code)), "{args:?}: {err}");
        assert!(
            err.contains(message),
            "{args:?}: expected {message:?} in {err}"
        );
        assert!(stdout(&out).is_empty(), "{args:?} printed to stdout");
    }
}

/// Device commands with a manually described device: no scan happens, and the command
/// fails with one line on stderr (unknown commands with pyatv's message).
#[test]
fn device_commands_fail_cleanly() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port().to_string();
    drop(listener);
    let manual = [
        "--storage",
        "none",
        "--manual",
        "--address",
        "127.0.0.1",
        "--port",
        port.as_str(),
        "--protocol",
        "mrp",
    ];
    let cases: &[(&[&str], &str)] = &[
        (&["foo"], "ERROR [atvremote]: Unknown command: foo"),
        (&["foo=1,2"], "ERROR [atvremote]: Unknown command: foo"),
        (&["play", "foo"], "ERROR [atvremote]: Unknown command: foo"),
        (&["play", "pause"], "ERROR [atvremote]: Failed to connect: "),
        (&["set_volume=20"], "ERROR [atvremote]: Failed to connect: "),
    ];
    for (commands, message) in cases {
        let args: Vec<&str> = manual.iter().chain(commands.iter()).copied().collect();
        let out = run(ATVREMOTE, &args, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{commands:?}: {err}");
        assert!(err.contains(message), "{commands:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{commands:?}: {err}");
        assert!(stdout(&out).is_empty());
    }

    let out = run(
        ATVREMOTE,
        &["--manual", "--address", "127.0.0.1", "play"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("You must specify address, port and protocol in manual mode"));

    let out = run(ATVREMOTE, &["--storage", "none", "pair"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("No protocol specified"));

    // --debug turns on debug logging, in pyatv's layout.
    let args: Vec<&str> = ["--debug"]
        .iter()
        .chain(manual.iter())
        .chain(["play"].iter())
        .copied()
        .collect();
    let out = run(ATVREMOTE, &args, &[]);
    assert!(stderr(&out).contains(" DEBUG [atvremote]: Running with atv "));
}

#[test]
fn invalid_unicast_port_variable_is_reported() {
    let out = run(
        ATVREMOTE,
        &["-s", "127.0.0.1", "-t", "1", "scan"],
        &[("PYATV_UDNS_PORT", "mdns")],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("PYATV_UDNS_PORT"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// The fields of one `"key": value` JSON object printed on one line, for comparing
/// atvscript outputs whose time stamps differ.
fn without_datetime(line: &str) -> String {
    let start = line.find("\"datetime\": \"").expect("datetime field");
    let rest = &line[start + 13..];
    let end = rest.find('"').expect("end of datetime");
    format!("{}{}", &line[..start], &rest[end + 1..])
}

#[test]
fn scanning_a_silent_host_finds_nothing() {
    let (_socket, port) = silent_port();
    let env = [("PYATV_UDNS_PORT", port.as_str())];

    let ours = run(ATVREMOTE, &["-s", "127.0.0.1", "-t", "1", "scan"], &env);
    assert_eq!(ours.status.code(), Some(0), "{}", stderr(&ours));
    assert_eq!(stdout(&ours), format!("Scan Results\n{}\n", "=".repeat(40)));

    let ours_cmd = run(ATVREMOTE, &["-s", "127.0.0.1", "-t", "1", "play"], &env);
    assert_eq!(ours_cmd.status.code(), Some(1));
    let err = stderr(&ours_cmd);
    assert!(
        err.contains("ERROR [atvremote]: Could not find any Apple TV on current network"),
        "{err}"
    );

    let script = run(ATVSCRIPT, &["-s", "127.0.0.1", "scan"], &env);
    assert_eq!(script.status.code(), Some(0), "{}", stderr(&script));
    let script_line = stdout(&script);
    assert!(script_line.ends_with('\n') && script_line.lines().count() == 1);
    assert_eq!(
        without_datetime(script_line.trim_end()),
        r#"{"result": "success", , "devices": []}"#
    );

    let script_cmd = run(ATVSCRIPT, &["-s", "127.0.0.1", "-i", "x", "play"], &env);
    assert_eq!(script_cmd.status.code(), Some(0));
    assert_eq!(
        without_datetime(stdout(&script_cmd).trim_end()),
        r#"{"result": "failure", , "error": "device_not_found"}"#
    );

    // pyatv's own tools under the same conditions print the same.
    let (Some(py_remote), Some(py_script)) = (pyatv_tool("atvremote"), pyatv_tool("atvscript"))
    else {
        return;
    };
    let theirs = run(
        py_remote.to_str().expect("path"),
        &["--storage", "none", "-s", "127.0.0.1", "-t", "1", "scan"],
        &env,
    );
    assert_eq!(stdout(&theirs), stdout(&ours), "{}", stderr(&theirs));
    assert_eq!(theirs.status.code(), ours.status.code());

    let theirs = run(
        py_script.to_str().expect("path"),
        &["--storage", "none", "-s", "127.0.0.1", "scan"],
        &env,
    );
    assert_eq!(
        without_datetime(stdout(&theirs).trim_end()),
        without_datetime(script_line.trim_end()),
        "{}",
        stderr(&theirs)
    );
    let theirs = run(
        py_script.to_str().expect("path"),
        &["--storage", "none", "-s", "127.0.0.1", "-i", "x", "play"],
        &env,
    );
    assert_eq!(
        without_datetime(stdout(&theirs).trim_end()),
        without_datetime(stdout(&script_cmd).trim_end())
    );
}

/// Group headings and command names of a `commands` listing, in order.
fn listing_outline(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            if line.ends_with(" commands:") {
                return Some(line.to_owned());
            }
            let item = line.strip_prefix(" - ")?;
            Some(item.split(" - ").next().unwrap_or(item).to_owned())
        })
        .collect()
}

/// The lines of `help COMMAND` with the signature and description replaced by their
/// first word, so that only the layout is compared.
fn help_layout(text: &str) -> Vec<String> {
    text.lines()
        .take(5)
        .map(|line| match line.strip_prefix(">> ") {
            Some(signature) => format!(">> {}", signature.split('(').next().unwrap_or("")),
            None if ["COMMAND:", "HELP:", ""].contains(&line) => line.to_owned(),
            None => "<description>".to_owned(),
        })
        .collect()
}

/// `commands` lists every command with a description under pyatv's group headings, and
/// `help COMMAND` prints the signature and description the way pyatv lays them out.
#[test]
fn commands_and_help_describe_each_command() {
    let ours = run(ATVREMOTE, &["commands"], &[]);
    assert_eq!(ours.status.code(), Some(0), "{}", stderr(&ours));
    let listing = stdout(&ours);
    for line in listing.lines().filter(|line| line.starts_with(" - ")) {
        let (name, description) = line[3..].split_once(" - ").expect("name - description");
        assert!(!name.is_empty() && !description.trim().is_empty(), "{line}");
    }
    assert!(
        listing.contains("\nGlobal commands:\n - commands - "),
        "{listing}"
    );

    let help = run(ATVREMOTE, &["help", "set_volume"], &[]);
    assert_eq!(help.status.code(), Some(0), "{}", stderr(&help));
    let help_text = stdout(&help);
    assert!(
        help_text.starts_with("COMMAND:\n>> set_volume(level: 0..100)\n\nHELP:\n"),
        "{help_text}"
    );
    // pyatv prints nothing for its settings commands; ours are described too.
    let settings = run(ATVREMOTE, &["help", "change_setting"], &[]);
    assert!(stdout(&settings).starts_with("COMMAND:\n>> change_setting("));
    let unknown = run(ATVREMOTE, &["help", "bogus"], &[]);
    assert_eq!(unknown.status.code(), Some(0));
    assert_eq!(stdout(&unknown), "");

    let Some(py_remote) = pyatv_tool("atvremote") else {
        eprintln!("pyatv venv not found; comparison with pyatv skipped");
        return;
    };
    let py_remote = py_remote.to_str().expect("path");
    let home = std::env::temp_dir().join("atv-cli-tests-home");
    std::fs::create_dir_all(&home).expect("home for pyatv");
    let home_env = [("HOME", home.to_str().expect("home path"))];
    let theirs = run(py_remote, &["commands"], &home_env);
    assert_eq!(theirs.status.code(), Some(0), "{}", stderr(&theirs));
    assert_eq!(listing_outline(&stdout(&theirs)), listing_outline(&listing));
    for command in ["up", "set_volume", "scan", "artwork_save"] {
        let ours = run(ATVREMOTE, &["help", command], &[]);
        let theirs = run(py_remote, &["help", command], &home_env);
        assert_eq!(
            help_layout(&stdout(&theirs))[..4],
            help_layout(&stdout(&ours))[..4],
            "help {command}"
        );
    }
}
