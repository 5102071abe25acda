//! The commands atvremote accepts, grouped as pyatv groups them, and the
//! `command=arg1,arg2` syntax device commands take.

use super::descriptions::describe;

/// A group of device commands; each maps to one part of the API (and one module here as the
/// commands get implemented).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommandGroup {
    /// Extra device commands of atvremote (cli, push_updates, features, ...).
    Device,
    /// Stored settings of the device.
    Settings,
    /// Volume and output devices.
    Audio,
    /// Remote-control buttons.
    RemoteControl,
    /// Metadata: what plays, artwork, app.
    Metadata,
    /// Power on/off.
    Power,
    /// Fields of what is playing (title, artist, position, ...).
    Playing,
    /// AirPlay streaming.
    Stream,
    /// Virtual keyboard.
    Keyboard,
    /// Device information.
    DeviceInfo,
    /// App list and launching.
    Apps,
    /// User accounts.
    UserAccounts,
    /// Touch gestures.
    Touch,
}

/// Commands of each group. Device commands are looked up in this order, which decides
/// the few names that occur twice (`volume_up` is Audio's, `click` is Touch's only when
/// no earlier group has it).
const GROUPS: &[(CommandGroup, &[&str])] = &[
    (
        CommandGroup::Device,
        &[
            "artwork_save",
            "cli",
            "delay",
            "device_info",
            "features",
            "push_updates",
        ],
    ),
    (
        CommandGroup::Settings,
        &[
            "change_setting",
            "print_settings",
            "remove_settings",
            "unset_setting",
        ],
    ),
    (
        CommandGroup::Audio,
        &[
            "add_output_devices",
            "output_devices",
            "remove_output_devices",
            "set_output_devices",
            "set_volume",
            "volume",
            "volume_down",
            "volume_up",
        ],
    ),
    (
        CommandGroup::RemoteControl,
        &[
            "channel_down",
            "channel_up",
            "control_center",
            "down",
            "guide",
            "home",
            "home_hold",
            "left",
            "menu",
            "next",
            "pause",
            "play",
            "play_pause",
            "previous",
            "right",
            "screensaver",
            "select",
            "set_position",
            "set_repeat",
            "set_shuffle",
            "skip_backward",
            "skip_forward",
            "stop",
            "suspend",
            "top_menu",
            "up",
            "volume_down",
            "volume_up",
            "wakeup",
        ],
    ),
    (
        CommandGroup::Metadata,
        &["app", "artwork", "artwork_id", "device_id", "playing"],
    ),
    (CommandGroup::Power, &["power_state", "turn_off", "turn_on"]),
    (
        CommandGroup::Playing,
        &[
            "album",
            "artist",
            "content_identifier",
            "device_state",
            "episode_number",
            "genre",
            "hash",
            "itunes_store_identifier",
            "media_type",
            "position",
            "repeat",
            "season_number",
            "series_name",
            "shuffle",
            "title",
            "total_time",
        ],
    ),
    (CommandGroup::Stream, &["close", "play_url", "stream_file"]),
    (
        CommandGroup::Keyboard,
        &[
            "text_append",
            "text_clear",
            "text_focus_state",
            "text_get",
            "text_set",
        ],
    ),
    (
        CommandGroup::DeviceInfo,
        &[
            "build_number",
            "mac",
            "model",
            "model_str",
            "operating_system",
            "output_device_id",
            "raw_model",
            "version",
        ],
    ),
    (CommandGroup::Apps, &["app_list", "launch_app"]),
    (
        CommandGroup::UserAccounts,
        &["account_list", "switch_account"],
    ),
    (CommandGroup::Touch, &["action", "click", "swipe"]),
];

/// Commands that run without a device.
const GLOBAL: &[&str] = &["commands", "help", "pair", "scan", "wizard"];

/// The remote-control commands (also what atvscript accepts as button commands).
pub(crate) fn remote_control_commands() -> &'static [&'static str] {
    GROUPS
        .iter()
        .find(|(group, _)| *group == CommandGroup::RemoteControl)
        .map_or(&[], |(_, names)| names)
}

/// Whether `name` is a global command (checked before any device is looked for).
pub(crate) fn is_global(name: &str) -> bool {
    GLOBAL.contains(&name)
}

/// The group a device command belongs to, if it is one.
pub(crate) fn device_command_group(name: &str) -> Option<CommandGroup> {
    GROUPS
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(group, _)| *group)
}

/// Splits `command=arg1,arg2` into the command and its arguments (none without `=`).
pub(crate) fn split_command(text: &str) -> (&str, Vec<&str>) {
    match text.split_once('=') {
        None => (text, Vec::new()),
        Some((command, args)) => (command, args.split(',').collect()),
    }
}

/// Titles of the groups in the order `commands` lists them (pyatv's order), with the
/// global commands between User Accounts and Touch.
const LISTING: &[(&str, Option<CommandGroup>)] = &[
    ("Remote control", Some(CommandGroup::RemoteControl)),
    ("Metadata", Some(CommandGroup::Metadata)),
    ("Power", Some(CommandGroup::Power)),
    ("Playing", Some(CommandGroup::Playing)),
    ("AirPlay", Some(CommandGroup::Stream)),
    ("Audio", Some(CommandGroup::Audio)),
    ("Keyboard", Some(CommandGroup::Keyboard)),
    ("Device Info", Some(CommandGroup::DeviceInfo)),
    ("Device", Some(CommandGroup::Device)),
    ("Apps", Some(CommandGroup::Apps)),
    ("User Accounts", Some(CommandGroup::UserAccounts)),
    ("Global", None),
    ("Touch", Some(CommandGroup::Touch)),
    ("Settings", Some(CommandGroup::Settings)),
];

/// The names of a group's commands (the global ones for `None`), sorted.
fn names(group: Option<CommandGroup>) -> &'static [&'static str] {
    match group {
        None => GLOBAL,
        Some(group) => GROUPS
            .iter()
            .find(|(g, _)| *g == group)
            .map_or(&[], |(_, names)| names),
    }
}

/// What `commands` prints: each group's title and its commands, one per line with a
/// short description.
pub(crate) fn format_commands() -> String {
    let mut out = String::new();
    for (title, group) in LISTING {
        out.push_str(&format!("{title} commands:\n"));
        for name in names(*group) {
            match describe(name) {
                Some(help) => out.push_str(&format!(" - {name} - {}\n", help.description)),
                None => out.push_str(&format!(" - {name}\n")),
            }
        }
        out.push('\n');
    }
    out
}

/// What `help COMMAND` prints for a known command: its signature and description.
fn format_help(name: &str) -> Option<String> {
    let known = is_global(name) || device_command_group(name).is_some();
    let help = describe(name).filter(|_| known)?;
    Some(format!(
        "COMMAND:\n>> {}\n\nHELP:\n{}\n",
        help.signature, help.description
    ))
}

/// `help COMMAND`: the command's signature and what it does (nothing for an unknown
/// command, as pyatv does).
pub(crate) fn help(command_line: &[String]) -> Result<(), crate::error::CliError> {
    let [_, name] = command_line else {
        crate::console::err("Which command do you want help with?\n");
        return Err(crate::error::CliError::AlreadyReported);
    };
    if let Some(text) = format_help(name) {
        crate::console::out(&text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_resolve_in_pyatv_order() {
        assert!(is_global("scan"));
        assert!(!is_global("play"));
        assert_eq!(device_command_group("volume_up"), Some(CommandGroup::Audio));
        assert_eq!(
            device_command_group("play"),
            Some(CommandGroup::RemoteControl)
        );
        assert_eq!(device_command_group("title"), Some(CommandGroup::Playing));
        assert_eq!(device_command_group("scan"), None);
        assert_eq!(device_command_group("bogus"), None);
        assert!(remote_control_commands().contains(&"top_menu"));
    }

    #[test]
    fn command_arguments_split_on_equals_and_commas() {
        assert_eq!(split_command("play"), ("play", vec![]));
        assert_eq!(
            split_command("swipe=1,2,3=x"),
            ("swipe", vec!["1", "2", "3=x"])
        );
        assert_eq!(split_command("text_set="), ("text_set", vec![""]));
    }

    #[test]
    fn every_command_has_a_description() {
        let all = GROUPS
            .iter()
            .flat_map(|(_, names)| names.iter())
            .chain(GLOBAL);
        for name in all {
            assert!(describe(name).is_some(), "{name} has no description");
        }
    }

    #[test]
    fn listing_and_help_show_descriptions() {
        let listing = format_commands();
        assert!(listing.contains("Remote control commands:\n - channel_down - "));
        assert!(listing.contains(" - help - "));
        assert!(listing.contains(" - unset_setting - "));
        assert!(
            !listing
                .lines()
                .any(|l| l.starts_with(" - ") && !l[3..].contains(" - "))
        );
        let help = format_help("up").unwrap_or_default();
        assert!(help.starts_with("COMMAND:\n>> up(action="), "{help}");
        assert!(help.contains("\n\nHELP:\nPress the up key\n"), "{help}");
        assert!(format_help("set_volume").is_some_and(|h| h.contains(">> set_volume(level")));
        assert_eq!(format_help("bogus"), None);
    }
}
