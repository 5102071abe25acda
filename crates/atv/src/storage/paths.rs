//! Where storage files live by default.

use std::ffi::OsString;
use std::path::PathBuf;

use atv_core::{Error, Result};

/// atv's directory under the user's configuration directory.
const APP_DIR: &str = "atv";
/// The name of atv's storage file.
const FILE_NAME: &str = "storage.json";
/// The name of pyatv's storage file in the home directory.
const PYATV_FILE_NAME: &str = ".pyatv.conf";

/// atv's default storage file: `$XDG_CONFIG_HOME/atv/storage.json` when
/// `XDG_CONFIG_HOME` is set to an absolute path, else `$HOME/.config/atv/storage.json`
/// (on Windows `%APPDATA%\atv\storage.json`).
///
/// Fails with [`Error::Settings`] when none of those variables is usable.
pub fn default_storage_path() -> Result<PathBuf> {
    storage_path_from(&env_var)
}

/// pyatv's default storage file: `$HOME/.pyatv.conf` (what pyatv's `atvremote` uses
/// unless told otherwise).
pub fn pyatv_storage_path() -> Result<PathBuf> {
    home_dir(&env_var).map(|home| home.join(PYATV_FILE_NAME))
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<OsString>;

fn env_var(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}

fn storage_path_from(var: Lookup<'_>) -> Result<PathBuf> {
    config_dir(var).map(|dir| dir.join(APP_DIR).join(FILE_NAME))
}

fn config_dir(var: Lookup<'_>) -> Result<PathBuf> {
    if let Some(dir) = absolute_var(var, "XDG_CONFIG_HOME") {
        return Ok(dir);
    }
    if cfg!(windows)
        && let Some(dir) = absolute_var(var, "APPDATA")
    {
        return Ok(dir);
    }
    home_dir(var).map(|home| home.join(".config"))
}

fn home_dir(var: Lookup<'_>) -> Result<PathBuf> {
    let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    absolute_var(var, name).ok_or_else(|| {
        Error::Settings(format!(
            "cannot find the home directory (${name} is unset or not absolute): \
             give the storage file explicitly"
        ))
    })
}

/// The value of `name` when it is an absolute path (the XDG rules ignore relative ones).
fn absolute_var(var: Lookup<'_>, name: &str) -> Option<PathBuf> {
    var(name)
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    #[test]
    fn xdg_config_home_then_home() {
        let both = lookup(&[("XDG_CONFIG_HOME", "/cfg"), ("HOME", "/home/u")]);
        assert_eq!(
            storage_path_from(&both).unwrap(),
            PathBuf::from("/cfg/atv/storage.json")
        );
        let relative = lookup(&[("XDG_CONFIG_HOME", "cfg"), ("HOME", "/home/u")]);
        assert_eq!(
            storage_path_from(&relative).unwrap(),
            PathBuf::from("/home/u/.config/atv/storage.json")
        );
        let home = lookup(&[("HOME", "/home/u")]);
        assert_eq!(
            home_dir(&home).unwrap().join(PYATV_FILE_NAME),
            PathBuf::from("/home/u/.pyatv.conf")
        );
        assert!(matches!(
            storage_path_from(&lookup(&[])),
            Err(Error::Settings(_))
        ));
    }
}
