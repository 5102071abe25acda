//! Apps, user accounts and output devices (pyatv's `App`, `UserAccount`, `OutputDevice`).

use std::fmt;

/// An app on the device (pyatv's `App`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct App {
    /// Name shown to the user, if known.
    pub name: Option<String>,
    /// Bundle identifier, e.g. `com.apple.TVMusic`.
    pub identifier: String,
}

impl App {
    /// An app with a name and bundle identifier.
    pub fn new(name: Option<String>, identifier: impl Into<String>) -> Self {
        Self {
            name,
            identifier: identifier.into(),
        }
    }
}

/// Prints `App: <name> (<identifier>)` as pyatv does (`None` for no name).
impl fmt::Display for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "App: {} ({})",
            self.name.as_deref().unwrap_or("None"),
            self.identifier
        )
    }
}

/// A user account on the device (pyatv's `UserAccount`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserAccount {
    /// Name of the user.
    pub name: String,
    /// Unique identifier of the account.
    pub identifier: String,
}

impl UserAccount {
    /// An account with a name and identifier.
    pub fn new(name: impl Into<String>, identifier: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            identifier: identifier.into(),
        }
    }
}

/// Prints `Account: <name> (<identifier>)` as pyatv does.
impl fmt::Display for UserAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Account: {} ({})", self.name, self.identifier)
    }
}

/// A device audio plays on (pyatv's `OutputDevice`).
#[derive(Debug, Clone, PartialEq)]
pub struct OutputDevice {
    /// Identifier of the device.
    pub identifier: String,
    /// Name of the device, if known.
    pub name: Option<String>,
    /// Volume of the device in percent (0.0 to 100.0).
    pub volume: f64,
}

impl OutputDevice {
    /// An output device at volume 0.
    pub fn new(identifier: impl Into<String>, name: Option<String>) -> Self {
        Self {
            identifier: identifier.into(),
            name,
            volume: 0.0,
        }
    }
}

/// Prints `Device: <name> (<identifier>)` as pyatv does (`None` for no name).
impl fmt::Display for OutputDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Device: {} ({})",
            self.name.as_deref().unwrap_or("None"),
            self.identifier
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_as_pyatv_prints() {
        assert_eq!(
            App::new(None, "com.example").to_string(),
            "App: None (com.example)"
        );
        assert_eq!(
            UserAccount::new("Alice", "1").to_string(),
            "Account: Alice (1)"
        );
        assert_eq!(
            OutputDevice::new("AA", Some("Kitchen".into())).to_string(),
            "Device: Kitchen (AA)"
        );
    }
}
