//! Running one device command (`name` or `name=arg1,arg2`) on a connected device and
//! printing its result as pyatv's atvremote does.

use std::fmt::Display;
use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use atv::AppleTv;
use atv::core::interface::{PushListener, RemoteControl};
use atv::core::{
    FeatureName, FeatureState, InputAction, Playing, RepeatState, ShuffleState, Storage,
};
use atv::reconnect::ReconnectingDevice;

use super::catalogue::{self, CommandGroup};
use super::cli::RemoteCli;
use super::listeners::PushPrinter;
use super::{interaction_commands, settings_commands};
use crate::console;
use crate::error::CliError;
use crate::py_json::python_float_repr;

/// What a command needs besides the device.
pub(crate) struct Context<'a> {
    /// The command line.
    pub(crate) cli: &'a RemoteCli,
    /// The connection, kept up across losses.
    pub(crate) connection: &'a ReconnectingDevice,
    /// The settings storage (for the settings commands).
    pub(crate) storage: &'a Arc<dyn Storage>,
}

/// Runs `text` (`name` or `name=args`) and prints its result.
pub(crate) async fn run(ctx: &Context<'_>, text: &str) -> Result<(), CliError> {
    let (name, args) = catalogue::split_command(text);
    let Some(group) = catalogue::device_command_group(name) else {
        return Err(CliError::UnknownCommand(name.to_owned()));
    };
    let atv = ctx.connection.device().ok_or(CliError::NotConnected)?;
    let atv = &atv;
    let result = match group {
        CommandGroup::Device => device_command(ctx, atv, name, &args).await,
        CommandGroup::Settings => settings_commands::run(ctx, atv, name, &args).await,
        CommandGroup::Audio => audio_command(atv, name, &args).await,
        CommandGroup::RemoteControl => remote_command(atv, name, &args).await,
        CommandGroup::Metadata => metadata_command(atv, name).await,
        CommandGroup::Power => power_command(atv, name).await,
        CommandGroup::Playing => playing_field(atv, name).await,
        CommandGroup::DeviceInfo => device_info_field(atv, name),
        CommandGroup::Apps => interaction_commands::apps(atv, name, &args).await,
        CommandGroup::UserAccounts => interaction_commands::user_accounts(atv, name, &args).await,
        CommandGroup::Keyboard => interaction_commands::keyboard(atv, name, &args).await,
        CommandGroup::Touch => interaction_commands::touch(atv, name, &args).await,
        CommandGroup::Stream => interaction_commands::stream(atv, name, &args).await,
    };
    result.map_err(|error| match error {
        Failure::Cli(error) => error,
        Failure::Atv(atv::Error::NotSupported(_)) => CliError::CommandNotSupported(name.to_owned()),
        Failure::Atv(source) => CliError::Command {
            command: name.to_owned(),
            source,
        },
    })
}

/// How a command failed: before reaching the device, or on it.
pub(crate) enum Failure {
    Cli(CliError),
    Atv(atv::Error),
}

impl From<CliError> for Failure {
    fn from(error: CliError) -> Self {
        Self::Cli(error)
    }
}

impl From<atv::Error> for Failure {
    fn from(error: atv::Error) -> Self {
        Self::Atv(error)
    }
}

pub(crate) type Outcome = Result<(), Failure>;

/// Prints a value followed by a newline (pyatv's `print(value)`).
pub(crate) fn print(value: impl Display) {
    console::out(&format!("{value}\n"));
}

/// Prints an optional value; nothing for `None`, as pyatv prints nothing for it.
pub(crate) fn print_opt(value: Option<impl Display>) {
    if let Some(value) = value {
        print(value);
    }
}

/// Prints a list as pyatv prints one: the items joined by ", ".
pub(crate) fn print_list<T: Display>(items: &[T]) {
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    print(items.join(", "));
}

/// The text argument at `index` (quotes removed); an error when it is absent.
pub(crate) fn arg_text<'a>(
    command: &str,
    args: &[&'a str],
    index: usize,
    expected: &'static str,
) -> Result<&'a str, CliError> {
    args.get(index)
        .map(|value| unquote(value))
        .ok_or_else(|| CliError::InvalidCommandArgument {
            command: command.to_owned(),
            value: String::new(),
            expected,
        })
}

/// The argument at `index`, parsed; `default` when it is absent.
pub(crate) fn arg<T: FromStr>(
    command: &str,
    args: &[&str],
    index: usize,
    expected: &'static str,
    default: Option<T>,
) -> Result<T, CliError> {
    let invalid = |value: &str| CliError::InvalidCommandArgument {
        command: command.to_owned(),
        value: value.to_owned(),
        expected,
    };
    match args.get(index) {
        Some(value) => unquote(value).parse().map_err(|_| invalid(value)),
        None => default.ok_or_else(|| invalid("")),
    }
}

/// pyatv reads `"text"` as the string `text`.
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// An enum argument given by number (as pyatv takes it) or by name.
fn enum_arg<T: FromStr>(
    command: &str,
    args: &[&str],
    expected: &'static str,
    default: Option<T>,
) -> Result<T, CliError> {
    arg(command, args, 0, expected, default)
}

async fn device_command(ctx: &Context<'_>, atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    match name {
        "delay" => {
            let ms: u64 = arg(name, args, 0, "milliseconds", None)?;
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        "device_info" => {
            let info = atv.device_info();
            print(format_args!("Model/SW: {info}"));
            print(format_args!(
                "     MAC: {}",
                info.mac.as_deref().unwrap_or("None")
            ));
        }
        "features" => {
            let all = ctx.cli.command.len() == 2 && ctx.cli.command[1] == "all";
            print(format_features(&atv.features().all_features(all)));
        }
        "artwork_save" => {
            // An empty (or absent) size lets the device choose.
            let given = |index: usize| args.get(index).is_some_and(|a| !a.is_empty());
            let width = given(0).then(|| arg(name, args, 0, "a width in pixels", None));
            let height = given(1).then(|| arg(name, args, 1, "a height in pixels", None));
            let file = args.get(2).map_or("artwork", |f| unquote(f));
            let artwork = atv
                .metadata()
                .artwork(width.transpose()?, height.transpose()?)
                .await?;
            let Some(artwork) = artwork else {
                print("No artwork is currently available.");
                return Err(CliError::AlreadyReported.into());
            };
            let path = format!("{file}.png");
            std::fs::write(&path, &artwork.bytes)
                .map_err(|source| CliError::WriteFile { path, source })?;
        }
        "push_updates" => push_updates(ctx.connection, atv).await?,
        "cli" => interactive(ctx).await,
        _ => return Err(CliError::NotSupportedYet(name.to_owned()).into()),
    }
    Ok(())
}

/// `cli`: reads commands from stdin and runs them until `exit` or end of input; a
/// failing command is reported and the next one read.
async fn interactive(ctx: &Context<'_>) {
    print("Enter commands and press enter");
    print("Type help for help and exit to quit");
    loop {
        console::out("pyatv> ");
        let Some(line) = console::read_line().await else {
            break;
        };
        let command = line.trim();
        if command.eq_ignore_ascii_case("exit") {
            break;
        }
        if command == "cli" {
            print("Command not available here");
            continue;
        }
        if command.is_empty() {
            continue;
        }
        if let Err(error) = Box::pin(run(ctx, command)).await
            && !matches!(error, CliError::AlreadyReported)
        {
            tracing::error!(target: super::LOG_TARGET, "{error}");
        }
    }
}

/// `features`: every feature with its state (and options), then the legend.
pub(crate) fn format_features(features: &[(FeatureName, atv::core::FeatureInfo)]) -> String {
    let mut out = String::from("Feature list:\n-------------\n");
    for (name, info) in features {
        out.push_str(&format!("{}: {}", name.name(), info.state.name()));
        if !info.options.is_empty() {
            let options: Vec<String> = info
                .options
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            out.push_str(&format!(", Options={}", options.join(", ")));
        }
        out.push('\n');
    }
    out.push_str(
        "\nLegend:\n-------\n\
         Available: Supported by device and usable now\n\
         Unavailable: Supported by device but not usable now\n\
         Unknown: Supported by the device but availability not known\n\
         Unsupported: Not supported by this device (or by pyatv)",
    );
    out
}

/// `push_updates`: prints updates until Enter, end of input, Ctrl-C or the end of the
/// connection (reconnection given up); they continue over reconnections.
async fn push_updates(connection: &ReconnectingDevice, atv: &AppleTv) -> Outcome {
    if !atv
        .features()
        .in_state(&[FeatureState::Available], &[FeatureName::PushUpdates])
    {
        print("Push updates are not supported (no protocol supports it)");
        return Err(CliError::AlreadyReported.into());
    }
    print("Press ENTER to stop");
    connection.start_push_updates(0)?;
    tokio::select! {
        () = console::wait_for_enter_or_interrupt() => {}
        () = connection.wait_until_ended() => {}
    }
    connection.stop_push_updates();
    Ok(())
}

/// Installs the push listener when push updates are available (pyatv prints a note
/// otherwise). The returned value must live as long as updates are wanted.
pub(crate) fn install_push_listener(
    connection: &ReconnectingDevice,
    atv: &AppleTv,
) -> Option<Arc<dyn PushListener>> {
    if atv
        .features()
        .in_state(&[FeatureState::Available], &[FeatureName::PushUpdates])
    {
        let listener: Arc<dyn PushListener> = Arc::new(PushPrinter);
        let weak: Weak<dyn PushListener> = Arc::downgrade(&listener);
        connection.set_push_listener(Some(weak));
        Some(listener)
    } else {
        print("NOTE: Push updates are not supported in this configuration");
        None
    }
}

async fn audio_command(atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let audio = atv.audio();
    match name {
        "volume" => print(python_float_repr(audio.volume()?)),
        "set_volume" => {
            let level: f64 = arg(name, args, 0, "a volume level (0-100)", None)?;
            audio.set_volume(level, None).await?;
        }
        "volume_up" => audio.volume_up().await?,
        "volume_down" => audio.volume_down().await?,
        "output_devices" => {
            let devices: Vec<String> = audio
                .output_devices()?
                .iter()
                .map(ToString::to_string)
                .collect();
            print(devices.join(", "));
        }
        "add_output_devices" | "remove_output_devices" | "set_output_devices" => {
            let devices: Vec<String> = args.iter().map(|a| unquote(a).to_owned()).collect();
            match name {
                "add_output_devices" => audio.add_output_devices(&devices).await?,
                "remove_output_devices" => audio.remove_output_devices(&devices).await?,
                _ => audio.set_output_devices(&devices).await?,
            }
        }
        _ => return Err(CliError::NotSupportedYet(name.to_owned()).into()),
    }
    Ok(())
}

const INPUT_ACTION: &str = "an input action: 0 (SingleTap), 1 (DoubleTap) or 2 (Hold)";

async fn remote_command(atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let rc: Arc<dyn RemoteControl> = atv.remote_control();
    let action = || enum_arg::<InputAction>(name, args, INPUT_ACTION, Some(InputAction::SingleTap));
    match name {
        "up" => rc.up(action()?).await?,
        "down" => rc.down(action()?).await?,
        "left" => rc.left(action()?).await?,
        "right" => rc.right(action()?).await?,
        "select" => rc.select(action()?).await?,
        "menu" => rc.menu(action()?).await?,
        "home" => rc.home(action()?).await?,
        "home_hold" => rc.home_hold().await?,
        "top_menu" => rc.top_menu().await?,
        "play" => rc.play().await?,
        "pause" => rc.pause().await?,
        "play_pause" => rc.play_pause().await?,
        "stop" => rc.stop().await?,
        "next" => rc.next().await?,
        "previous" => rc.previous().await?,
        "suspend" => rc.suspend().await?,
        "wakeup" => rc.wakeup().await?,
        "volume_up" => rc.volume_up().await?,
        "volume_down" => rc.volume_down().await?,
        "channel_up" => rc.channel_up().await?,
        "channel_down" => rc.channel_down().await?,
        "screensaver" => rc.screensaver().await?,
        "guide" => rc.guide().await?,
        "control_center" => rc.control_center().await?,
        "skip_forward" => {
            let seconds: f64 = arg(name, args, 0, "seconds", Some(0.0))?;
            rc.skip_forward(seconds).await?;
        }
        "skip_backward" => {
            let seconds: f64 = arg(name, args, 0, "seconds", Some(0.0))?;
            rc.skip_backward(seconds).await?;
        }
        "set_position" => {
            let position: u32 = arg(name, args, 0, "a position in seconds", None)?;
            rc.set_position(position).await?;
        }
        "set_shuffle" => {
            let state: ShuffleState = enum_arg(
                name,
                args,
                "a shuffle state: 0 (Off), 1 (Albums) or 2 (Songs)",
                None,
            )?;
            rc.set_shuffle(state).await?;
        }
        "set_repeat" => {
            let state: RepeatState = enum_arg(
                name,
                args,
                "a repeat state: 0 (Off), 1 (Track) or 2 (All)",
                None,
            )?;
            rc.set_repeat(state).await?;
        }
        _ => return Err(CliError::NotSupportedYet(name.to_owned()).into()),
    }
    Ok(())
}

async fn metadata_command(atv: &AppleTv, name: &str) -> Outcome {
    let metadata = atv.metadata();
    match name {
        "playing" => print(metadata.playing().await?),
        "app" => print_opt(metadata.app()?),
        "artwork_id" => print_opt(Some(metadata.artwork_id()?).filter(|id| !id.is_empty())),
        "device_id" => print_opt(metadata.device_id()?),
        _ => return Err(CliError::NotSupportedYet(name.to_owned()).into()),
    }
    Ok(())
}

async fn power_command(atv: &AppleTv, name: &str) -> Outcome {
    let power = atv.power();
    match name {
        "power_state" => print(format_args!("PowerState.{}", power.power_state()?.name())),
        "turn_on" => power.turn_on(false).await?,
        "turn_off" => power.turn_off(false).await?,
        _ => return Err(CliError::NotSupportedYet(name.to_owned()).into()),
    }
    Ok(())
}

/// One field of what plays, printed as pyatv prints the attribute (enums as
/// `Type.Name`, nothing for `None`).
async fn playing_field(atv: &AppleTv, name: &str) -> Outcome {
    let playing: Playing = atv.metadata().playing().await?;
    match name {
        "title" => print_opt(playing.title),
        "artist" => print_opt(playing.artist),
        "album" => print_opt(playing.album),
        "genre" => print_opt(playing.genre),
        "total_time" => print_opt(playing.total_time),
        "position" => print_opt(playing.position),
        "series_name" => print_opt(playing.series_name),
        "season_number" => print_opt(playing.season_number),
        "episode_number" => print_opt(playing.episode_number),
        "content_identifier" => print_opt(playing.content_identifier),
        "itunes_store_identifier" => print_opt(playing.itunes_store_identifier),
        "hash" => print(playing.hash()),
        "media_type" => print(format_args!("MediaType.{}", playing.media_type.name())),
        "device_state" => print(format_args!("DeviceState.{}", playing.device_state.name())),
        "shuffle" => print_opt(
            playing
                .shuffle
                .map(|s| format!("ShuffleState.{}", s.name())),
        ),
        "repeat" => print_opt(playing.repeat.map(|s| format!("RepeatState.{}", s.name()))),
        _ => return Err(CliError::NotSupportedYet(name.to_owned()).into()),
    }
    Ok(())
}

fn device_info_field(atv: &AppleTv, name: &str) -> Outcome {
    let info = atv.device_info();
    match name {
        "mac" => print_opt(info.mac.as_deref()),
        "build_number" => print_opt(info.build_number.as_deref()),
        "raw_model" => print_opt(info.raw_model.as_deref()),
        "output_device_id" => print_opt(info.output_device_id.as_deref()),
        "version" => print_opt(info.version()),
        "model" => print(format_args!("DeviceModel.{}", info.model().name())),
        "model_str" => print(info.model_str()),
        "operating_system" => print(format_args!(
            "OperatingSystem.{}",
            info.operating_system().name()
        )),
        _ => return Err(CliError::NotSupportedYet(name.to_owned()).into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use atv::core::FeatureInfo;

    use super::*;

    #[test]
    fn features_print_state_and_options() {
        let mut options = BTreeMap::new();
        options.insert("a".to_owned(), "1".to_owned());
        options.insert("b".to_owned(), "x".to_owned());
        let text = format_features(&[
            (FeatureName::Up, FeatureInfo::new(FeatureState::Available)),
            (
                FeatureName::PushUpdates,
                FeatureInfo {
                    state: FeatureState::Unsupported,
                    options,
                },
            ),
        ]);
        assert!(text.starts_with(
            "Feature list:\n-------------\nUp: Available\nPushUpdates: Unsupported, Options=a=1, b=x\n\nLegend:\n"
        ));
        assert!(text.ends_with("(or by pyatv)"));
    }

    #[test]
    fn arguments_parse_like_pyatv() {
        assert_eq!(unquote("\"12\""), "12");
        assert_eq!(arg::<u32>("x", &["\"12\""], 0, "n", None).unwrap(), 12);
        assert_eq!(arg::<f64>("x", &[], 0, "n", Some(1.5)).unwrap(), 1.5);
        assert!(arg::<u32>("x", &[], 0, "n", None).is_err());
        assert_eq!(
            enum_arg::<InputAction>("up", &["2"], "a", None).unwrap(),
            InputAction::Hold
        );
        assert!(enum_arg::<ShuffleState>("s", &["7"], "a", None).is_err());
    }
}
