//! What `commands` and `help COMMAND` say about each atvremote command: a signature
//! showing its arguments and a one-line description.
//!
//! Signature notation: `name(arg: kind)` is a required argument, `name(arg=default)` an
//! optional one, and `A|B|C` the values an argument takes (by name or by number, the
//! first being the default when the argument is optional). Arguments are given on the
//! command line as `name=arg1,arg2`; `help` and `features` take theirs as the next word.

/// Help text for one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CommandHelp {
    /// How the command is called, with its arguments.
    pub(crate) signature: &'static str,
    /// What the command does, in one line.
    pub(crate) description: &'static str,
}

/// Command name, signature, description; one row per command name (a name in two
/// groups, such as `volume_up`, has one row).
const DESCRIPTIONS: &[(&str, &str, &str)] = &[
    // Remote control.
    (
        "channel_down",
        "channel_down",
        "Switch to the previous channel",
    ),
    ("channel_up", "channel_up", "Switch to the next channel"),
    (
        "control_center",
        "control_center",
        "Show the control center",
    ),
    (
        "down",
        "down(action=SingleTap|DoubleTap|Hold)",
        "Press the down key",
    ),
    ("guide", "guide", "Show the programme guide"),
    (
        "home",
        "home(action=SingleTap|DoubleTap|Hold)",
        "Press the home key",
    ),
    ("home_hold", "home_hold", "Keep the home key pressed"),
    (
        "left",
        "left(action=SingleTap|DoubleTap|Hold)",
        "Press the left key",
    ),
    (
        "menu",
        "menu(action=SingleTap|DoubleTap|Hold)",
        "Press the menu key",
    ),
    ("next", "next", "Go to the next item"),
    ("pause", "pause", "Pause playback"),
    ("play", "play", "Start or resume playback"),
    (
        "play_pause",
        "play_pause",
        "Switch between playing and paused",
    ),
    ("previous", "previous", "Go to the previous item"),
    (
        "right",
        "right(action=SingleTap|DoubleTap|Hold)",
        "Press the right key",
    ),
    ("screensaver", "screensaver", "Start the screen saver"),
    (
        "select",
        "select(action=SingleTap|DoubleTap|Hold)",
        "Press the select key",
    ),
    (
        "set_position",
        "set_position(seconds: integer)",
        "Jump to a position in the current media",
    ),
    (
        "set_repeat",
        "set_repeat(state: Off|Track|All)",
        "Choose the repeat mode",
    ),
    (
        "set_shuffle",
        "set_shuffle(state: Off|Albums|Songs)",
        "Choose the shuffle mode",
    ),
    (
        "skip_backward",
        "skip_backward(seconds=0)",
        "Jump back in the current media; 0 lets the app pick the interval",
    ),
    (
        "skip_forward",
        "skip_forward(seconds=0)",
        "Jump ahead in the current media; 0 lets the app pick the interval",
    ),
    ("stop", "stop", "Stop playback"),
    (
        "suspend",
        "suspend",
        "Put the device to sleep (old name; turn_off does the same)",
    ),
    (
        "top_menu",
        "top_menu",
        "Go back to the main menu (a long menu press)",
    ),
    (
        "up",
        "up(action=SingleTap|DoubleTap|Hold)",
        "Press the up key",
    ),
    (
        "wakeup",
        "wakeup",
        "Wake the device (old name; turn_on does the same)",
    ),
    // Metadata.
    ("app", "app", "Show the app that is playing"),
    ("artwork", "artwork", "Fetch the artwork of what is playing"),
    (
        "artwork_id",
        "artwork_id",
        "Show an identifier that changes with the artwork",
    ),
    (
        "device_id",
        "device_id",
        "Show the device's unique identifier",
    ),
    (
        "playing",
        "playing",
        "Show everything known about what is playing",
    ),
    // Power.
    (
        "power_state",
        "power_state",
        "Show whether the device is on or off",
    ),
    ("turn_off", "turn_off", "Switch the device off (standby)"),
    ("turn_on", "turn_on", "Switch the device on"),
    // Playing.
    ("album", "album", "Show the album of the current song"),
    ("artist", "artist", "Show the artist of the current song"),
    (
        "content_identifier",
        "content_identifier",
        "Show the app's identifier for the current item",
    ),
    (
        "device_state",
        "device_state",
        "Show what the device is doing (idle, playing, paused, ...)",
    ),
    (
        "episode_number",
        "episode_number",
        "Show the episode number of the current show",
    ),
    ("genre", "genre", "Show the genre of the current song"),
    (
        "hash",
        "hash",
        "Show a hash that identifies what is playing",
    ),
    (
        "itunes_store_identifier",
        "itunes_store_identifier",
        "Show the iTunes Store identifier of the current item",
    ),
    (
        "media_type",
        "media_type",
        "Show the kind of media playing (music, video, ...)",
    ),
    (
        "position",
        "position",
        "Show how far playback has come, in seconds",
    ),
    ("repeat", "repeat", "Show the repeat mode"),
    (
        "season_number",
        "season_number",
        "Show the season number of the current show",
    ),
    (
        "series_name",
        "series_name",
        "Show the name of the current show",
    ),
    ("shuffle", "shuffle", "Show the shuffle mode"),
    ("title", "title", "Show the title of what is playing"),
    (
        "total_time",
        "total_time",
        "Show the length of the current media, in seconds",
    ),
    // AirPlay.
    ("close", "close", "Stop streaming and free its resources"),
    (
        "play_url",
        "play_url(url, position=0)",
        "Have the device play media from a URL, from a start position in seconds",
    ),
    (
        "stream_file",
        "stream_file(source: path|url|-)",
        "Stream a local file, a URL or standard input (-) to the device",
    ),
    // Audio.
    (
        "add_output_devices",
        "add_output_devices(device_id, ...)",
        "Add speakers to the current output devices",
    ),
    (
        "output_devices",
        "output_devices",
        "List the identifiers of the current output devices",
    ),
    (
        "remove_output_devices",
        "remove_output_devices(device_id, ...)",
        "Take speakers out of the current output devices",
    ),
    (
        "set_output_devices",
        "set_output_devices(device_id, ...)",
        "Replace the current output devices with these",
    ),
    (
        "set_volume",
        "set_volume(level: 0..100)",
        "Set the volume, in percent",
    ),
    ("volume", "volume", "Show the volume, in percent (0 to 100)"),
    ("volume_down", "volume_down", "Lower the volume one step"),
    ("volume_up", "volume_up", "Raise the volume one step"),
    // Keyboard.
    (
        "text_append",
        "text_append(text)",
        "Add text to the end of the on-screen keyboard's text",
    ),
    (
        "text_clear",
        "text_clear",
        "Empty the on-screen keyboard's text",
    ),
    (
        "text_focus_state",
        "text_focus_state",
        "Show whether the on-screen keyboard has focus",
    ),
    ("text_get", "text_get", "Show the on-screen keyboard's text"),
    (
        "text_set",
        "text_set(text)",
        "Replace the on-screen keyboard's text",
    ),
    // Device info.
    (
        "build_number",
        "build_number",
        "Show the build number of the device's software",
    ),
    ("mac", "mac", "Show the device's MAC address"),
    ("model", "model", "Show the hardware model"),
    (
        "model_str",
        "model_str",
        "Show the hardware model as readable text",
    ),
    (
        "operating_system",
        "operating_system",
        "Show which operating system the device runs",
    ),
    (
        "output_device_id",
        "output_device_id",
        "Show the device's identifier as an audio output",
    ),
    (
        "raw_model",
        "raw_model",
        "Show the model identifier the device reports",
    ),
    ("version", "version", "Show the software version"),
    // Device.
    (
        "artwork_save",
        "artwork_save(width=auto, height=auto, file=artwork)",
        "Save the current artwork as <file>.png",
    ),
    ("cli", "cli", "Read commands interactively, one per line"),
    (
        "delay",
        "delay(milliseconds)",
        "Wait before the next command",
    ),
    (
        "device_info",
        "device_info",
        "Show the model, software version and MAC address",
    ),
    (
        "features",
        "features [all]",
        "List features and their state (all: include unsupported ones)",
    ),
    (
        "push_updates",
        "push_updates",
        "Print what is playing each time it changes, until Enter",
    ),
    // Apps.
    ("app_list", "app_list", "List the apps that can be launched"),
    (
        "launch_app",
        "launch_app(bundle_id_or_url)",
        "Open an app by its bundle identifier or a URL",
    ),
    // User accounts.
    (
        "account_list",
        "account_list",
        "List the user accounts on the device",
    ),
    (
        "switch_account",
        "switch_account(account_id)",
        "Make another user account the active one",
    ),
    // Global.
    (
        "commands",
        "commands",
        "List every command with a short description",
    ),
    (
        "help",
        "help COMMAND",
        "Explain one command and its arguments",
    ),
    (
        "pair",
        "pair",
        "Pair with a device for the protocol given by --protocol",
    ),
    (
        "scan",
        "scan",
        "Look for devices on the network and list them",
    ),
    (
        "wizard",
        "wizard",
        "Walk through finding, pairing and saving a device",
    ),
    // Touch.
    (
        "action",
        "action(x: 0..1000, y: 0..1000, mode: Press|Hold|Release|Click)",
        "Send one touch event at a point",
    ),
    (
        "click",
        "click(action: SingleTap|DoubleTap|Hold)",
        "Click the touch surface",
    ),
    (
        "swipe",
        "swipe(start_x, start_y, end_x, end_y: 0..1000, duration_ms)",
        "Swipe across the touch surface from one point to another",
    ),
    // Settings.
    (
        "change_setting",
        "change_setting(name, value)",
        "Store a new value for a setting, e.g. info.name",
    ),
    (
        "print_settings",
        "print_settings",
        "Show the settings stored for the device",
    ),
    (
        "remove_settings",
        "remove_settings",
        "Delete everything stored for the device",
    ),
    (
        "unset_setting",
        "unset_setting(name)",
        "Clear a stored setting so the default applies",
    ),
];

/// The help text of `name`, if it is a known command.
pub(crate) fn describe(name: &str) -> Option<CommandHelp> {
    DESCRIPTIONS
        .iter()
        .find(|(command, _, _)| *command == name)
        .map(|(_, signature, description)| CommandHelp {
            signature,
            description,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unique_and_signatures_start_with_the_name() {
        for (index, (name, signature, description)) in DESCRIPTIONS.iter().enumerate() {
            assert!(
                DESCRIPTIONS[..index]
                    .iter()
                    .all(|(other, _, _)| other != name),
                "{name} is described twice"
            );
            let rest = signature.strip_prefix(name).unwrap_or("?");
            assert!(
                rest.is_empty() || rest.starts_with('(') || rest.starts_with(' '),
                "{name}: signature {signature:?} does not start with the command"
            );
            assert!(
                !description.is_empty() && !description.contains('\n'),
                "{name}: description must be one non-empty line"
            );
        }
    }
}
