//! atv's scan output against pyatv's, byte for byte.
//!
//! The same device data is built here as `DeviceConfig`s and, in pyatv 0.18.0 (the venv
//! that `atv_tests::pyatv_python()` finds), as `conf.AppleTV`s with `ManualService`s and a
//! `DeviceInfo`; pyatv's own printing code then produces the expected text: atvremote's
//! `_print_found_apple_tvs` and atvscript's `_scan_devices` (with its `scan` and clock
//! replaced) fed to `json.dumps`. Time stamps and `json.dumps` of floats and strings are
//! compared the same way. Strings travel to Python as code points and floats as bit
//! patterns, so an escaping or rounding mistake here cannot cancel itself out.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};

use atv::{DeviceConfig, DeviceInfo, DeviceModel, OperatingSystem, PairingRequirement};
use atv::{Properties, Protocol, Service};
use atv_cli::py_json::PyValue;
use atv_cli::remote::scan::format_scan_results;
use atv_cli::script::scan::scan_result;
use atv_cli::timestamp::isoformat;
use chrono::{FixedOffset, TimeZone};

/// Python side: builds pyatv objects from the spec on stdin and prints pyatv's output
/// for them, sections separated by NUL.
const PYTHON: &str = r#"
import asyncio, datetime, json, struct, sys, types, io
from ipaddress import IPv4Address
from pyatv import const
from pyatv.conf import AppleTV, ManualService
from pyatv.interface import DeviceInfo
from pyatv.scripts import atvremote, atvscript

spec = json.load(sys.stdin)

def text(cps):
    return None if cps is None else "".join(chr(c) for c in cps)

def when(t):
    y, mo, d, h, mi, s, us, off = t
    tz = datetime.timezone(datetime.timedelta(seconds=off))
    return datetime.datetime(y, mo, d, h, mi, s, us, tzinfo=tz)

def build(d):
    i = d["info"]
    info = {}
    if i["os"] is not None:
        info[DeviceInfo.OPERATING_SYSTEM] = const.OperatingSystem[i["os"]]
    if i["model"] is not None:
        info[DeviceInfo.MODEL] = const.DeviceModel[i["model"]]
    for key in ("version", "build_number", "raw_model", "mac"):
        if i[key] is not None:
            info[key] = text(i[key])
    conf = AppleTV(IPv4Address(d["address"]), text(d["name"]),
                   deep_sleep=d["deep_sleep"], device_info=DeviceInfo(info))
    for s in d["services"]:
        conf.add_service(ManualService(
            text(s["identifier"]), const.Protocol[s["protocol"]], s["port"], {},
            credentials=text(s["credentials"]), password=text(s["password"]),
            requires_password=s["requires_password"],
            pairing_requirement=const.PairingRequirement[s["pairing"]],
            enabled=s["enabled"]))
    return conf

out = []
fixed = when(spec["now"])

class Clock:
    @staticmethod
    def now(tz=None):
        return types.SimpleNamespace(astimezone=lambda: fixed)

atvscript.datetime = types.SimpleNamespace(datetime=Clock, timezone=datetime.timezone)

for case in spec["cases"]:
    atvs = [build(d) for d in case]
    buf = io.StringIO()
    atvremote._print_found_apple_tvs(atvs, buf)
    out.append(buf.getvalue())

    async def fake_scan(loop, **kwargs):
        return atvs
    atvscript.scan = fake_scan
    out.append(json.dumps(asyncio.run(atvscript._scan_devices(None, None, None))))

out.append("\n".join(when(t).isoformat() for t in spec["times"]))
floats = [struct.unpack("<d", struct.pack("<Q", bits & 0xFFFFFFFFFFFFFFFF))[0] for bits in spec["float_bits"]]
out.append(json.dumps(floats))
out.append(json.dumps([text(s) for s in spec["strings"]]))
sys.stdout.buffer.write("\0".join(out).encode("utf-8"))
"#;

/// A string as its code points (see the module comment).
fn code_points(text: &str) -> PyValue {
    PyValue::List(
        text.chars()
            .map(|c| PyValue::Int(u32::from(c).into()))
            .collect(),
    )
}

fn opt_code_points(text: Option<&str>) -> PyValue {
    text.map_or(PyValue::Null, code_points)
}

/// pyatv's enum member name of a device model / operating system.
fn model_name(model: Option<DeviceModel>) -> PyValue {
    model.map_or(PyValue::Null, |m| PyValue::str(m.name()))
}

fn os_name(os: Option<OperatingSystem>) -> PyValue {
    os.map_or(PyValue::Null, |o| PyValue::str(o.name()))
}

/// The spec of one device for the Python side.
fn device_spec(device: &DeviceConfig) -> PyValue {
    let info = &device.device_info;
    let services = device
        .services()
        .iter()
        .map(|s| {
            PyValue::dict([
                ("identifier", opt_code_points(s.identifier.as_deref())),
                ("protocol", PyValue::str(s.protocol.name())),
                ("port", PyValue::Int(s.port.into())),
                ("credentials", opt_code_points(s.credentials.as_deref())),
                ("password", opt_code_points(s.password.as_deref())),
                ("requires_password", PyValue::Bool(s.requires_password)),
                ("pairing", PyValue::str(s.pairing.name())),
                ("enabled", PyValue::Bool(s.enabled)),
            ])
        })
        .collect();
    PyValue::dict([
        ("name", code_points(&device.name)),
        ("address", PyValue::str(device.address.to_string())),
        ("deep_sleep", PyValue::Bool(device.deep_sleep)),
        (
            "info",
            PyValue::dict([
                ("os", os_name(info.operating_system)),
                ("model", model_name(info.model)),
                ("version", opt_code_points(info.version.as_deref())),
                (
                    "build_number",
                    opt_code_points(info.build_number.as_deref()),
                ),
                ("raw_model", opt_code_points(info.raw_model.as_deref())),
                ("mac", opt_code_points(info.mac.as_deref())),
            ]),
        ),
        ("services", PyValue::List(services)),
    ])
}

struct ServiceSpec<'a> {
    protocol: Protocol,
    identifier: Option<&'a str>,
    port: u16,
    credentials: Option<&'a str>,
    password: Option<&'a str>,
    requires_password: bool,
    pairing: PairingRequirement,
    enabled: bool,
}

fn service(spec: ServiceSpec<'_>) -> Service {
    let mut s = Service::new(
        spec.identifier.map(str::to_owned),
        spec.protocol,
        spec.port,
        Properties::new(),
    );
    s.credentials = spec.credentials.map(str::to_owned);
    s.password = spec.password.map(str::to_owned);
    s.requires_password = spec.requires_password;
    s.pairing = spec.pairing;
    s.enabled = spec.enabled;
    s
}

fn plain(protocol: Protocol, identifier: Option<&str>, port: u16) -> Service {
    service(ServiceSpec {
        protocol,
        identifier,
        port,
        credentials: None,
        password: None,
        requires_password: false,
        pairing: PairingRequirement::Unsupported,
        enabled: true,
    })
}

fn device(address: [u8; 4], name: &str, info: DeviceInfo, services: Vec<Service>) -> DeviceConfig {
    let mut d = DeviceConfig::new(IpAddr::V4(Ipv4Addr::from(address)), name);
    d.device_info = info;
    for s in services {
        d.add_service(s);
    }
    d
}

/// Devices covering the layout's branches: every field set, nothing set, model/OS
/// inference, version from build number, MAC missing, no identifiers, no services,
/// disabled services, secrets, deep sleep and names needing JSON escapes.
fn sample_devices() -> Vec<DeviceConfig> {
    let full = device(
        [10, 0, 0, 2],
        "Living Room",
        DeviceInfo {
            operating_system: Some(OperatingSystem::TvOS),
            version: Some("15.0".into()),
            build_number: Some("19J346".into()),
            model: Some(DeviceModel::Gen4K),
            raw_model: Some("AppleTV6,2".into()),
            mac: Some("AA:BB:CC:DD:EE:FF".into()),
            output_device_id: None,
        },
        vec![
            service(ServiceSpec {
                protocol: Protocol::Mrp,
                identifier: Some("6D797FD3-3538-427E-A47B-A32FC6CF3A69"),
                port: 49152,
                credentials: Some("aa:bb:cc:dd"),
                password: None,
                requires_password: false,
                pairing: PairingRequirement::Mandatory,
                enabled: true,
            }),
            plain(Protocol::Companion, None, 49153),
            service(ServiceSpec {
                protocol: Protocol::AirPlay,
                identifier: Some("AA:BB:CC:DD:EE:FF"),
                port: 7000,
                credentials: None,
                password: Some("secret"),
                requires_password: true,
                pairing: PairingRequirement::Optional,
                enabled: false,
            }),
            plain(Protocol::Raop, Some("AABBCCDDEEFF"), 7000),
            plain(Protocol::Dmap, Some("0x0102030405060708"), 3689),
        ],
    );
    let mut asleep = device(
        [192, 168, 1, 3],
        "Kök ☃ 😀 \"q\" \\ \t\u{7f}",
        DeviceInfo::default(),
        vec![plain(Protocol::Raop, None, 0)],
    );
    asleep.deep_sleep = true;
    let homepod = device(
        [172, 16, 0, 9],
        "HomePod",
        DeviceInfo {
            model: Some(DeviceModel::HomePodMini),
            build_number: Some("19J346".into()),
            ..DeviceInfo::default()
        },
        vec![plain(Protocol::AirPlay, Some("11:22:33:44:55:66"), 7000)],
    );
    let mac = device(
        [10, 0, 0, 4],
        "Studio",
        DeviceInfo {
            operating_system: Some(OperatingSystem::MacOS),
            build_number: Some("21A559".into()),
            raw_model: Some("Mac14,2".into()),
            version: Some(String::new()),
            ..DeviceInfo::default()
        },
        vec![plain(Protocol::Raop, Some("F0F0F0F0F0F0"), 7000)],
    );
    let airport = device(
        [10, 0, 0, 5],
        "Express",
        DeviceInfo {
            model: Some(DeviceModel::AirPortExpressGen2),
            raw_model: Some(String::new()),
            version: Some("7.8.1".into()),
            ..DeviceInfo::default()
        },
        vec![],
    );
    let legacy = device(
        [10, 0, 0, 6],
        "Old",
        DeviceInfo {
            operating_system: Some(OperatingSystem::Legacy),
            model: Some(DeviceModel::Gen3),
            build_number: Some("12H864".into()),
            mac: Some("00:11:22:33:44:55".into()),
            ..DeviceInfo::default()
        },
        vec![plain(Protocol::Dmap, Some("ABCDEF"), 3689)],
    );
    vec![full, asleep, homepod, mac, airport, legacy]
}

/// (year, month, day, hour, minute, second, microsecond, UTC offset in seconds)
type Moment = (i32, u32, u32, u32, u32, u32, u32, i32);

const MOMENTS: [Moment; 5] = [
    (2024, 3, 9, 7, 5, 1, 123_456, 3600),
    (2024, 12, 31, 23, 59, 59, 0, 0),
    (1999, 1, 2, 3, 4, 5, 7, -(9 * 3600 + 30 * 60)),
    (2030, 6, 15, 12, 0, 0, 999_999, 14 * 3600),
    (2001, 2, 3, 4, 5, 6, 500_000, 3600 + 61),
];

fn moment_spec(m: Moment) -> PyValue {
    let (y, mo, d, h, mi, s, us, off) = m;
    PyValue::List(
        [
            i64::from(y),
            mo.into(),
            d.into(),
            h.into(),
            mi.into(),
            s.into(),
            us.into(),
            off.into(),
        ]
        .map(PyValue::Int)
        .to_vec(),
    )
}

fn moment_text(m: Moment) -> String {
    let (y, mo, d, h, mi, s, us, off) = m;
    let time = FixedOffset::east_opt(off)
        .unwrap()
        .with_ymd_and_hms(y, mo, d, h, mi, s)
        .unwrap()
        + chrono::Duration::microseconds(us.into());
    isoformat(&time)
}

const FLOATS: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -2.5,
    50.0,
    33.333333333333336,
    0.1,
    1e-4,
    1e-5,
    1.5e-7,
    1e15,
    1e16,
    123_456_789_012_345_680.0,
    f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
];

const STRINGS: [&str; 4] = [
    "plain",
    "\u{0}\u{1}\u{1f} \"\\/\u{8}\u{c}\n\r\t",
    "åäö ü ß € \u{7f}\u{80}\u{ffff}",
    "😀 𝄞 \u{10ffff}",
];

fn run_pyatv(spec: &PyValue) -> Option<Vec<String>> {
    let python = atv_tests::pyatv_python()?;
    let mut child = Command::new(python)
        .arg("-c")
        .arg(PYTHON)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(spec.dumps().as_bytes())
        .expect("write spec");
    let output = child.wait_with_output().expect("run python");
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8 from python");
    Some(text.split('\0').map(str::to_owned).collect())
}

#[test]
fn scan_output_matches_pyatv() {
    let devices = sample_devices();
    let cases: Vec<Vec<DeviceConfig>> = vec![devices.clone(), Vec::new(), vec![devices[1].clone()]];
    let now = MOMENTS[0];
    let spec = PyValue::dict([
        (
            "cases",
            PyValue::List(
                cases
                    .iter()
                    .map(|c| PyValue::List(c.iter().map(device_spec).collect()))
                    .collect(),
            ),
        ),
        ("now", moment_spec(now)),
        ("times", PyValue::List(MOMENTS.map(moment_spec).to_vec())),
        (
            "float_bits",
            PyValue::List(
                FLOATS
                    .map(|f| PyValue::Int(i64::from_ne_bytes(f.to_bits().to_ne_bytes())))
                    .to_vec(),
            ),
        ),
        ("strings", PyValue::List(STRINGS.map(code_points).to_vec())),
    ]);
    let Some(expected) = run_pyatv(&spec) else {
        return;
    };
    assert_eq!(expected.len(), cases.len() * 2 + 3);

    let now_text = moment_text(now);
    for (i, case) in cases.iter().enumerate() {
        assert_eq!(
            format_scan_results(case),
            expected[2 * i],
            "atvremote scan text, case {i}"
        );
        assert_eq!(
            scan_result(case, &now_text).dumps(),
            expected[2 * i + 1],
            "atvscript scan JSON, case {i}"
        );
    }
    let times: Vec<String> = MOMENTS.iter().map(|m| moment_text(*m)).collect();
    assert_eq!(times.join("\n"), expected[cases.len() * 2], "isoformat");
    let floats = PyValue::List(FLOATS.map(PyValue::Float).to_vec());
    assert_eq!(floats.dumps(), expected[cases.len() * 2 + 1], "floats");
    let strings = PyValue::List(STRINGS.map(PyValue::str).to_vec());
    assert_eq!(strings.dumps(), expected[cases.len() * 2 + 2], "strings");
}
