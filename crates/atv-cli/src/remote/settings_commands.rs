//! The settings commands: `print_settings`, `change_setting=path,value`,
//! `unset_setting=path` and `remove_settings`, on the connected device's entry in the
//! settings storage (saved when atvremote ends, as pyatv saves its storage).

use atv::AppleTv;
use atv::core::Settings;

use super::commands::{Context, Failure, Outcome, arg_text, print};
use crate::error::CliError;

/// Runs one settings command.
pub(crate) async fn run(ctx: &Context<'_>, atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let config = atv.config();
    let mut settings: Settings = ctx.storage.get_settings(config).await?;
    match name {
        "print_settings" => print(&settings),
        "remove_settings" => {
            ctx.storage.remove_settings(&settings).await?;
        }
        "change_setting" | "unset_setting" => {
            let path = arg_text(name, args, 0, "a setting name, e.g. info.name")?;
            let value = if name == "change_setting" {
                Some(arg_text(name, args, 1, "a value for the setting")?)
            } else {
                None
            };
            settings
                .set_field(path, value)
                .map_err(|error| Failure::Cli(CliError::Setting(error)))?;
            ctx.storage.set_settings(config, settings).await?;
        }
        _ => return Err(CliError::UnknownCommand(name.to_owned()).into()),
    }
    Ok(())
}
