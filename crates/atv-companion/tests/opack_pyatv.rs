//! OPACK against pyatv's codec (pyatv 0.18.0 in the test venv): our bytes decoded by
//! pyatv's unpacker, pyatv's packed bytes decoded by us, and byte equality with pyatv's
//! packer where its output is sound.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use atv_companion::opack::{self, IntWidth, SizedInt, Value};
use serde_json::{Value as Json, json};
use support::{Rng, Space};

/// Values sent each way.
const COUNT: usize = 400;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/opack_peer.py")
}

/// A running peer script, killed when dropped (so a failing test leaves nothing behind).
struct Peer(Child);

impl Peer {
    /// Runs the script with `args`, feeding it `input`; returns every output line parsed.
    fn run(python: &Path, args: &[&str], input: String) -> Vec<Json> {
        let child = Command::new(python)
            .arg(script())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the pyatv peer script");
        let mut peer = Self(child);
        let mut stdin = peer.0.stdin.take().expect("piped stdin");
        // Written from another thread: the script answers line by line, and both pipes
        // would fill up if we wrote everything before reading.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let stdout = peer.0.stdout.take().expect("piped stdout");
        let lines: Vec<Json> = BufReader::new(stdout)
            .lines()
            .map(|line| serde_json::from_str(&line.expect("read peer output")).expect("JSON"))
            .collect();
        writer
            .join()
            .expect("writer thread")
            .expect("write to the peer");
        let status = peer.0.wait().expect("wait for the peer");
        assert!(status.success(), "peer script failed: {status}");
        lines
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The smallest width pyatv's packer gives a non-negative integer (`None`: one byte).
fn natural_size(n: u128) -> Option<usize> {
    if n <= 39 {
        return None;
    }
    [1, 2, 4, 8]
        .into_iter()
        .find(|&size| n < 1u128 << (8 * size))
        .or(Some(16))
}

/// `value` as pyatv's unpacker would give it, in the peer script's typed form.
fn typed(value: &Value) -> Json {
    let int = |n: u128, size: Option<IntWidth>| {
        let size = size
            .map(IntWidth::bytes)
            .filter(|&s| Some(s) != natural_size(n));
        json!(["int", n.to_string(), size])
    };
    match value {
        Value::Null => json!(["null"]),
        Value::Bool(b) => json!(["bool", b]),
        Value::Uuid(u) => json!(["uuid", hex(u)]),
        // pyatv reads a date as the integer of its bits.
        Value::Date(d) => int(u128::from(d.to_bits()), None),
        // And the 8-byte form unsigned.
        Value::Int(i) => int(u128::from(*i as u64), None),
        Value::SizedInt(s) => int(s.value(), Some(s.width())),
        Value::Float(f) => json!(["float", hex(&f.to_be_bytes())]),
        Value::String(s) => json!(["str", s]),
        Value::Data(d) => json!(["bytes", hex(d)]),
        Value::Array(items) => json!(["list", items.iter().map(typed).collect::<Vec<_>>()]),
        Value::Dict(entries) => json!([
            "dict",
            entries
                .iter()
                .map(|(k, v)| json!([typed(k), typed(v)]))
                .collect::<Vec<_>>()
        ]),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn pyatv_decodes_what_we_encode() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let mut rng = Rng::new(0x0A7C_0BAC);
    let space = Space {
        pyatv: true,
        max_depth: 4,
    };
    let mut values = tricky_values();
    values.extend((0..COUNT).map(|_| support::value(&mut rng, space, 0)));
    let input: String = values
        .iter()
        .map(|value| hex(&opack::encode(value)) + "\n")
        .collect();
    let answers = Peer::run(&python, &["decode"], input);
    assert_eq!(answers.len(), values.len());
    for (value, answer) in values.iter().zip(&answers) {
        let encoded = opack::encode(value);
        assert_eq!(
            answer.get("error"),
            None,
            "pyatv failed on {}",
            hex(&encoded)
        );
        assert_eq!(answer["rest"], 0, "pyatv left bytes of {}", hex(&encoded));
        assert_eq!(
            answer["typed"],
            typed(value),
            "pyatv read {} differently",
            hex(&encoded)
        );
    }
}

/// Values on which pyatv's packer and unpacker disagree with each other or with Apple.
fn tricky_values() -> Vec<Value> {
    let s = |text: &str| Value::from(text);
    let sized = |n, width| Value::SizedInt(SizedInt::new(n, width).unwrap());
    vec![
        // A nested collection before a repeated string (pyatv's packer numbers the list).
        Value::Dict(vec![
            (s("a"), Value::Array(vec![Value::Int(1)])),
            (s("b"), s("x")),
            (s("c"), s("x")),
        ]),
        // A repeated collection, then a repeated string.
        Value::Array(vec![
            Value::Array(vec![Value::Int(1)]),
            Value::Array(vec![Value::Int(1)]),
            s("z"),
            s("z"),
        ]),
        // pyatv's unpacker numbers the empty string.
        Value::Array(vec![s(""), s("ab"), s("ab")]),
        Value::Array(vec![s("q"), Value::Data(vec![]), s("q"), s("r"), s("r")]),
        // Equal in Python, different bytes.
        Value::Array(vec![
            sized(40, IntWidth::Two),
            Value::Float(40.0),
            s("q"),
            s("q"),
        ]),
        Value::Array(vec![Value::Float(0.0), Value::Float(-0.0), s("q"), s("q")]),
        Value::Array(vec![
            Value::Int(300),
            sized(300, IntWidth::Four),
            s("q"),
            s("q"),
        ]),
        Value::Array(vec![
            Value::Date(f64::from_bits(77)),
            sized(77, IntWidth::One),
            s("q"),
            s("q"),
        ]),
        Value::Array(vec![
            Value::Float(f64::NAN),
            Value::Float(f64::NAN),
            s("q"),
            s("q"),
        ]),
    ]
}

#[test]
fn we_decode_what_pyatv_encodes() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let count = COUNT.to_string();
    let answers = Peer::run(&python, &["generate", "20240", &count], String::new());
    assert_eq!(answers.len(), COUNT);
    let (mut checked, mut identical, mut pyatv_unsound) = (0, 0, 0);
    for answer in &answers {
        let bytes = unhex(answer["hex"].as_str().expect("hex"));
        let decoded = opack::decode(&bytes);
        // pyatv's packer numbers nested collections, which no decoder does, so after one
        // its back-references may be wrong; those values are only checked if pyatv's own
        // unpacker reads them back right.
        let sound = answer["flat"] == true || answer["consistent"] == true;
        if !sound {
            pyatv_unsound += 1;
            continue;
        }
        let (value, used) = decoded.unwrap_or_else(|e| panic!("{e}: {}", hex(&bytes)));
        assert_eq!(used, bytes.len());
        assert_eq!(typed(&value), answer["typed"], "read {}", hex(&bytes));
        checked += 1;
        // Flat values without empty strings, floats or sized integers: the same bytes.
        if answer["simple"] == true {
            assert_eq!(
                hex(&opack::encode(&value)),
                hex(&bytes),
                "re-encoding differs"
            );
            identical += 1;
        }
    }
    eprintln!(
        "checked {checked} pyatv encodings ({identical} byte-identical on re-encoding); \
         skipped {pyatv_unsound} that pyatv itself misreads"
    );
    assert!(checked > COUNT / 2 && identical > COUNT / 4);
}

#[test]
fn golden_system_info_is_byte_identical() {
    let Some(python) = atv_tests::pyatv_python() else {
        return;
    };
    let answer = Peer::run(&python, &["golden"], String::new()).remove(0);
    let bytes = unhex(answer["hex"].as_str().expect("hex"));
    let (value, used) = opack::decode(&bytes).expect("decode pyatv's golden message");
    assert_eq!(used, bytes.len());
    assert_eq!(typed(&value), answer["typed"]);
    assert_eq!(value.get("_i").and_then(Value::as_str), Some("_systemInfo"));
    // Its one back-reference ("_i" again, inside "_c") points before every nested
    // collection, so pyatv's packer numbers it as we do and writes the same bytes.
    assert_eq!(hex(&opack::encode(&value)), hex(&bytes));
}
