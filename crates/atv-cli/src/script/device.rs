//! atvscript's device commands: `playing`, `push_updates` and the remote-control
//! buttons, each answered with pyatv's JSON shapes.

use std::sync::{Arc, Weak};

use atv::core::interface::{
    AudioListener, KeyboardListener, PowerListener, PushListener, RemoteControl,
};
use atv::core::{
    App, FeatureName, FeatureState, KeyboardFocusState, OutputDevice, Playing, PowerState, Storage,
};
use atv::reconnect::{ConnectionEvent, ConnectionListener, ReconnectOptions, ReconnectingDevice};
use atv::{AppleTv, ConnectOptions, DeviceConfig};

use super::output::{Exception, output};
use crate::console;
use crate::py_json::PyValue;
use crate::timestamp::now_isoformat;

/// A success object with `values`.
fn success(values: Vec<(&str, PyValue)>) -> PyValue {
    output(
        true,
        &now_isoformat(),
        None,
        None,
        values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    )
}

/// Prints one object as a line, at once.
fn emit(value: &PyValue) {
    console::out(&format!("{}\n", value.dumps()));
}

/// An optional string as pyatv's `field if field else None` converts it.
fn text(value: Option<&str>) -> PyValue {
    value
        .filter(|v| !v.is_empty())
        .map_or(PyValue::Null, PyValue::str)
}

/// An optional number, zero counting as absent (pyatv's truthiness test).
fn number(value: Option<u64>) -> PyValue {
    value
        .filter(|v| *v != 0)
        .and_then(|v| i64::try_from(v).ok())
        .map_or(PyValue::Null, PyValue::Int)
}

/// The object for what plays, keys in pyatv's order; `app` when it is known.
pub fn playing_values(playing: &Playing, app: Option<&App>) -> Vec<(&'static str, PyValue)> {
    let lower = |name: &str| PyValue::str(name.to_lowercase());
    vec![
        ("hash", PyValue::str(playing.hash())),
        ("media_type", lower(playing.media_type.name())),
        ("device_state", lower(playing.device_state.name())),
        ("title", text(playing.title.as_deref())),
        ("artist", text(playing.artist.as_deref())),
        ("album", text(playing.album.as_deref())),
        ("genre", text(playing.genre.as_deref())),
        ("total_time", number(playing.total_time.map(u64::from))),
        ("position", number(playing.position.map(u64::from))),
        (
            "shuffle",
            playing.shuffle.map_or(PyValue::Null, |s| lower(s.name())),
        ),
        (
            "repeat",
            playing.repeat.map_or(PyValue::Null, |s| lower(s.name())),
        ),
        ("series_name", text(playing.series_name.as_deref())),
        (
            "season_number",
            number(playing.season_number.map(u64::from)),
        ),
        (
            "episode_number",
            number(playing.episode_number.map(u64::from)),
        ),
        (
            "content_identifier",
            text(playing.content_identifier.as_deref()),
        ),
        (
            "itunes_store_identifier",
            number(playing.itunes_store_identifier),
        ),
        ("app", text(app.and_then(|a| a.name.as_deref()))),
        (
            "app_id",
            app.map_or(PyValue::Null, |a| PyValue::str(&a.identifier)),
        ),
    ]
}

/// The app when the device says it is available.
fn current_app(atv: &AppleTv, unless_unavailable: bool) -> Option<App> {
    let features = atv.features();
    let usable = if unless_unavailable {
        !features.in_state(&[FeatureState::Unavailable], &[FeatureName::App])
    } else {
        features.in_state(&[FeatureState::Available], &[FeatureName::App])
    };
    if usable {
        atv.metadata().app().ok().flatten()
    } else {
        None
    }
}

/// Connects to `device` and runs `command`; gives the object to print last.
/// `push_updates` stays connected: a lost connection is re-established (the device
/// found again with `rediscover`, or at the same address without it).
pub(crate) async fn run(
    device: &DeviceConfig,
    command: &str,
    storage: Arc<dyn Storage>,
    rediscover: Option<atv::ScanOptions>,
) -> PyValue {
    let options = ConnectOptions::default().storage(storage);
    if command == "push_updates" {
        return push_updates(device, options, rediscover).await;
    }
    let atv = match atv::connect(device, options).await {
        Ok(atv) => atv,
        Err(error) => return failure(&error, Vec::new()),
    };
    let result = run_command(&atv, command).await;
    emit(&result);
    atv.close().await;
    PyValue::Null
}

/// A failure object for `error`.
fn failure(error: &atv::Error, values: Vec<(String, PyValue)>) -> PyValue {
    output(
        false,
        &now_isoformat(),
        None,
        Some(&Exception::from_error(error)),
        values,
    )
}

async fn run_command(atv: &AppleTv, command: &str) -> PyValue {
    if command == "playing" {
        return match atv.metadata().playing().await {
            Ok(playing) => success(playing_values(&playing, current_app(atv, false).as_ref())),
            Err(error) => failure(&error, Vec::new()),
        };
    }
    if crate::remote::remote_control_commands().contains(&command) {
        return match press(&*atv.remote_control(), command).await {
            Ok(()) => success(vec![("command", PyValue::str(command))]),
            Err(error) => failure(&error, Vec::new()),
        };
    }
    output(
        false,
        &now_isoformat(),
        Some("unsupported_command"),
        None,
        Vec::new(),
    )
}

/// Calls the remote-control method `command` with its default arguments.
async fn press(rc: &dyn RemoteControl, command: &str) -> atv::Result<()> {
    use atv::core::InputAction::SingleTap;
    match command {
        "up" => rc.up(SingleTap).await,
        "down" => rc.down(SingleTap).await,
        "left" => rc.left(SingleTap).await,
        "right" => rc.right(SingleTap).await,
        "select" => rc.select(SingleTap).await,
        "menu" => rc.menu(SingleTap).await,
        "home" => rc.home(SingleTap).await,
        "home_hold" => rc.home_hold().await,
        "top_menu" => rc.top_menu().await,
        "play" => rc.play().await,
        "pause" => rc.pause().await,
        "play_pause" => rc.play_pause().await,
        "stop" => rc.stop().await,
        "next" => rc.next().await,
        "previous" => rc.previous().await,
        "suspend" => rc.suspend().await,
        "wakeup" => rc.wakeup().await,
        "volume_up" => rc.volume_up().await,
        "volume_down" => rc.volume_down().await,
        "channel_up" => rc.channel_up().await,
        "channel_down" => rc.channel_down().await,
        "screensaver" => rc.screensaver().await,
        "guide" => rc.guide().await,
        "control_center" => rc.control_center().await,
        "skip_forward" => rc.skip_forward(0.0).await,
        "skip_backward" => rc.skip_backward(0.0).await,
        // pyatv calls these without their required argument, which fails.
        other => Err(atv::Error::InvalidConfig(format!(
            "{other} needs an argument, which atvscript cannot pass"
        ))),
    }
}

/// Prints updates until Enter, end of input, Ctrl-C or the end of the connection
/// (reconnecting given up). Connection events are printed as they happen: pyatv's
/// `lost` and `closed` objects, and atv's `reconnecting`, `attempt_failed`,
/// `reconnected` and `gave_up` ones.
async fn push_updates(
    device: &DeviceConfig,
    connect: ConnectOptions,
    rediscover: Option<atv::ScanOptions>,
) -> PyValue {
    let printer = Arc::new(ConnectionPrinter);
    let listener: Arc<dyn ConnectionListener> = printer.clone();
    let mut options = ReconnectOptions::default().connect_options(connect);
    if let Some(scan) = rediscover {
        options = options.rediscover(scan);
    }
    let connection =
        match ReconnectingDevice::connect(device, options, Arc::downgrade(&listener)).await {
            Ok(connection) => Arc::new(connection),
            Err(error) => return failure(&error, Vec::new()),
        };
    let Some(atv) = connection.device() else {
        connection.close().await;
        return failure(
            &atv::Error::InvalidState("the connection was lost at once".into()),
            Vec::new(),
        );
    };
    let power: Arc<dyn PowerListener> = Arc::new(PowerPrinter);
    let audio: Arc<dyn AudioListener> = Arc::new(AudioPrinter);
    let keyboard: Arc<dyn KeyboardListener> = Arc::new(KeyboardPrinter);
    let push: Arc<dyn PushListener> = Arc::new(PushPrinter {
        connection: Arc::downgrade(&connection),
    });
    connection.set_power_listener(Some(Arc::downgrade(&power)));
    connection.set_audio_listener(Some(Arc::downgrade(&audio)));
    connection.set_keyboard_listener(Some(Arc::downgrade(&keyboard)));
    let weak_push: Weak<dyn PushListener> = Arc::downgrade(&push);
    connection.set_push_listener(Some(weak_push));
    let result = if let Err(error) = connection.start_push_updates(0) {
        failure(&error, Vec::new())
    } else {
        let power_state = atv.power().power_state().unwrap_or(PowerState::Unknown);
        emit(&success(vec![(
            "power_state",
            PyValue::str(power_state.name().to_lowercase()),
        )]));
        let devices = atv.audio().output_devices().unwrap_or_default();
        audio.outputdevices_update(&[], &devices);
        drop(atv);
        tokio::select! {
            () = console::wait_for_enter_or_interrupt() => {}
            () = connection.wait_until_ended() => {}
        }
        connection.stop_push_updates();
        success(vec![("push_updates", PyValue::str("finished"))])
    };
    // As in pyatv, the result comes before the connection has finished closing.
    emit(&result);
    connection.close().await;
    PyValue::Null
}

/// Prints what plays, with the app when the current connection knows it.
struct PushPrinter {
    connection: Weak<ReconnectingDevice>,
}

impl PushListener for PushPrinter {
    fn playstatus_update(&self, playing: &Playing) {
        let app = self
            .connection
            .upgrade()
            .and_then(|connection| connection.device())
            .and_then(|atv| current_app(&atv, true));
        emit(&success(playing_values(playing, app.as_ref())));
    }

    fn playstatus_error(&self, error: &atv::Error) {
        emit(&failure(error, Vec::new()));
    }
}

struct PowerPrinter;

impl PowerListener for PowerPrinter {
    fn powerstate_update(&self, _old: PowerState, new: PowerState) {
        emit(&success(vec![(
            "power_state",
            PyValue::str(new.name().to_lowercase()),
        )]));
    }
}

struct AudioPrinter;

impl AudioListener for AudioPrinter {
    fn volume_update(&self, _old_level: f64, new_level: f64) {
        emit(&success(vec![("volume", PyValue::Float(new_level))]));
    }

    fn volume_device_update(&self, device: &OutputDevice, old_level: f64, new_level: f64) {
        emit(&success(vec![
            ("output_device_id", PyValue::str(&device.identifier)),
            ("old_level", PyValue::Float(old_level)),
            ("new_level", PyValue::Float(new_level)),
        ]));
    }

    fn outputdevices_update(&self, _old: &[OutputDevice], new: &[OutputDevice]) {
        let devices = new
            .iter()
            .map(|d| {
                PyValue::dict([
                    ("name", PyValue::opt_str(d.name.as_deref())),
                    ("identifier", PyValue::str(&d.identifier)),
                ])
            })
            .collect();
        emit(&success(vec![("output_devices", PyValue::List(devices))]));
    }
}

struct KeyboardPrinter;

impl KeyboardListener for KeyboardPrinter {
    fn focusstate_update(&self, _old: KeyboardFocusState, new: KeyboardFocusState) {
        emit(&success(vec![(
            "focus_state",
            PyValue::str(new.name().to_lowercase()),
        )]));
    }
}

/// Prints connection events as JSON lines: pyatv's `lost` (failure with the error) and
/// `closed` objects, and atv's additions with `"connection"` set to `reconnecting`
/// (with `attempt` and `delay` in seconds), `attempt_failed` (failure with the error
/// and `attempt`), `reconnected` (`attempt`) and `gave_up` (failure, `attempts`).
#[derive(Default)]
struct ConnectionPrinter;

impl ConnectionListener for ConnectionPrinter {
    fn connection_event(&self, event: &ConnectionEvent) {
        if let Some(value) = connection_event_value(event) {
            emit(&value);
        }
    }
}

/// The object printed for a connection event (none for the first connection).
pub fn connection_event_value(event: &ConnectionEvent) -> Option<PyValue> {
    let connection = |state: &str| ("connection".to_owned(), PyValue::str(state));
    let number = |key: &str, n: u32| (key.to_owned(), PyValue::Int(i64::from(n)));
    Some(match event {
        ConnectionEvent::Lost { error: Some(error) } => failure(error, vec![connection("lost")]),
        ConnectionEvent::Lost { error: None } | ConnectionEvent::Closed => {
            success(vec![("connection", PyValue::str("closed"))])
        }
        ConnectionEvent::Reconnecting { attempt, delay } => output(
            true,
            &now_isoformat(),
            None,
            None,
            vec![
                connection("reconnecting"),
                number("attempt", *attempt),
                ("delay".to_owned(), PyValue::Float(delay.as_secs_f64())),
            ],
        ),
        ConnectionEvent::AttemptFailed { attempt, error } => failure(
            error,
            vec![connection("attempt_failed"), number("attempt", *attempt)],
        ),
        ConnectionEvent::Reconnected { attempt } => output(
            true,
            &now_isoformat(),
            None,
            None,
            vec![connection("reconnected"), number("attempt", *attempt)],
        ),
        ConnectionEvent::GaveUp { attempts } => output(
            false,
            &now_isoformat(),
            Some("connection_gave_up"),
            None,
            vec![connection("gave_up"), number("attempts", *attempts)],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use atv::core::{DeviceState, MediaType, RepeatState};

    use super::*;

    #[test]
    fn playing_values_convert_as_pyatv_does() {
        let playing = Playing {
            media_type: MediaType::Video,
            device_state: DeviceState::Paused,
            title: Some("Title".into()),
            artist: Some(String::new()),
            position: Some(0),
            total_time: Some(120),
            repeat: Some(RepeatState::All),
            hash: Some("h".into()),
            ..Playing::default()
        };
        let app = App {
            name: Some("Music".into()),
            identifier: "com.apple.TVMusic".into(),
        };
        let values = PyValue::dict(playing_values(&playing, Some(&app)));
        assert_eq!(
            values.dumps(),
            r#"{"hash": "h", "media_type": "video", "device_state": "paused", "title": "Title", "artist": null, "album": null, "genre": null, "total_time": 120, "position": null, "shuffle": null, "repeat": "all", "series_name": null, "season_number": null, "episode_number": null, "content_identifier": null, "itunes_store_identifier": null, "app": "Music", "app_id": "com.apple.TVMusic"}"#
        );
        let values = PyValue::dict(playing_values(&playing, None));
        assert!(values.dumps().ends_with(r#""app": null, "app_id": null}"#));
    }
}
