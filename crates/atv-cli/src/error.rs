//! Errors of the command-line tools. Where pyatv's scripts print a message for the same
//! situation, the text is pyatv's, so habits and scripts carry over.

/// Everything that stops a command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum CliError {
    /// Scanning failed (sockets could not be opened, ...).
    #[error("scan failed: {0}")]
    Scan(#[source] atv::Error),

    /// No device answered the scan, or none matched `--id`/`--name`.
    #[error("Could not find any Apple TV on current network")]
    NoDevice,

    /// More than one device matched; the user must pick one. Holds the candidates.
    #[error("Found more than one Apple TV; specify one using --id")]
    SeveralDevices(Vec<atv::DeviceConfig>),

    /// The command is not one atvremote knows.
    #[error("Unknown command: {0}")]
    UnknownCommand(String),

    /// The command exists in pyatv but atv cannot run it yet.
    #[error("command `{0}` is not supported yet by this version of atv")]
    NotSupportedYet(String),

    /// `--manual` without all of `--address`, `--port` and `--protocol`.
    #[error("You must specify address, port and protocol in manual mode")]
    ManualIncomplete,

    /// `--address` is not an IPv4 address.
    #[error("'{0}' does not appear to be an IPv4 address (give --address as a.b.c.d)")]
    InvalidAddress(String),

    /// `--service-properties` is not `<sep>key=value<sep>key=value...`.
    #[error(
        "invalid --service-properties {0:?}: expected a separator character followed by \
         key=value pairs it separates, e.g. \",name=test,type=x\""
    )]
    InvalidServiceProperties(String),

    /// Options that parse one by one but do not go together.
    #[error("{0}")]
    InvalidArguments(String),

    /// An environment variable atv reads has a value it cannot use.
    #[error("environment variable {name}={value:?} is not valid: {reason}")]
    InvalidEnvironment {
        /// Name of the variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is expected instead.
        reason: &'static str,
    },

    /// The async runtime could not be started.
    #[error("could not start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),

    /// Settings storage could not be read or written.
    #[error("settings storage failed: {0}")]
    Storage(#[source] atv::Error),

    /// `pair` without `--protocol`.
    #[error("No protocol specified")]
    NoProtocol,

    /// Pairing did not succeed.
    #[error("Pairing failed: {0}")]
    Pairing(#[source] atv::Error),

    /// Connecting to the device failed.
    #[error("Failed to connect: {0}")]
    Connect(#[source] atv::Error),

    /// The device (or atv) cannot run the command.
    #[error("Command '{0}' is not supported by device")]
    CommandNotSupported(String),

    /// A command failed on the device.
    #[error("Command '{command}' failed: {source}")]
    Command {
        /// The command.
        command: String,
        /// What went wrong.
        #[source]
        source: atv::Error,
    },

    /// A command argument has the wrong form.
    #[error("Invalid argument {value:?} to '{command}': expected {expected}")]
    InvalidCommandArgument {
        /// The command.
        command: String,
        /// The argument given.
        value: String,
        /// What is expected instead.
        expected: &'static str,
    },

    /// A setting name or value was refused.
    #[error("{0}")]
    Setting(#[source] atv::Error),

    /// The connection is down (being re-established) when a command needs it.
    #[error("not connected to the device (the connection was lost): try again")]
    NotConnected,

    /// A file could not be written.
    #[error("could not write {path}: {source}")]
    WriteFile {
        /// The file.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },

    /// The command has already told the user what went wrong; exit with failure.
    #[error("command failed")]
    AlreadyReported,
}
