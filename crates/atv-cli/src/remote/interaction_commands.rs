//! Commands of the interfaces other protocols than MRP serve: apps, user accounts, the
//! virtual keyboard, touch gestures and streaming (pyatv's `Apps`, `UserAccounts`,
//! `Keyboard`, `TouchGestures`, `Stream`). They answer "not supported" until a
//! connected protocol implements the interface.

use std::path::PathBuf;

use atv::AppleTv;
use atv::core::interface::{PlayUrlOptions, StreamFileOptions, StreamSource};
use atv::core::{InputAction, TouchAction};

use super::commands::{Outcome, arg, arg_text, print, print_list, print_opt};
use crate::error::CliError;

const INPUT_ACTION: &str = "an input action: 0 (SingleTap), 1 (DoubleTap) or 2 (Hold)";
const COORDINATE: &str = "a coordinate (0-1000)";

/// `app_list`, `launch_app=bundle_id_or_url`.
pub(crate) async fn apps(atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let apps = atv.apps();
    match name {
        "app_list" => print_list(&apps.app_list().await?),
        "launch_app" => {
            let target = arg_text(name, args, 0, "an app's bundle identifier or a URL")?;
            apps.launch_app(target).await?;
        }
        _ => return Err(CliError::UnknownCommand(name.to_owned()).into()),
    }
    Ok(())
}

/// `account_list`, `switch_account=account_id`.
pub(crate) async fn user_accounts(atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let accounts = atv.user_accounts();
    match name {
        "account_list" => print_list(&accounts.account_list().await?),
        "switch_account" => {
            let id = arg_text(name, args, 0, "an account identifier (see account_list)")?;
            accounts.switch_account(id).await?;
        }
        _ => return Err(CliError::UnknownCommand(name.to_owned()).into()),
    }
    Ok(())
}

/// `text_get`, `text_clear`, `text_append=text`, `text_set=text`, `text_focus_state`.
pub(crate) async fn keyboard(atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let keyboard = atv.keyboard();
    // pyatv passes the first argument only; a text with commas needs quotes there too.
    let text = || arg_text(name, args, 0, "the text");
    match name {
        "text_get" => print_opt(keyboard.text_get().await?),
        "text_clear" => keyboard.text_clear().await?,
        "text_append" => keyboard.text_append(text()?).await?,
        "text_set" => keyboard.text_set(text()?).await?,
        "text_focus_state" => print(format_args!(
            "KeyboardFocusState.{}",
            keyboard.text_focus_state()?.name()
        )),
        _ => return Err(CliError::UnknownCommand(name.to_owned()).into()),
    }
    Ok(())
}

/// `swipe=start_x,start_y,end_x,end_y,duration_ms`, `action=x,y,mode`, `click=action`.
pub(crate) async fn touch(atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let touch = atv.touch();
    match name {
        "swipe" => {
            let start_x = arg(name, args, 0, COORDINATE, None)?;
            let start_y = arg(name, args, 1, COORDINATE, None)?;
            let end_x = arg(name, args, 2, COORDINATE, None)?;
            let end_y = arg(name, args, 3, COORDINATE, None)?;
            let duration = arg(name, args, 4, "a duration in milliseconds", None)?;
            touch
                .swipe(start_x, start_y, end_x, end_y, duration)
                .await?;
        }
        "action" => {
            let x = arg(name, args, 0, COORDINATE, None)?;
            let y = arg(name, args, 1, COORDINATE, None)?;
            let mode: TouchAction = arg(
                name,
                args,
                2,
                "a touch action: 1 (Press), 3 (Hold), 4 (Release) or 5 (Click)",
                None,
            )?;
            touch.action(x, y, mode).await?;
        }
        "click" => {
            let action: InputAction = arg(name, args, 0, INPUT_ACTION, None)?;
            touch.click(action).await?;
        }
        _ => return Err(CliError::UnknownCommand(name.to_owned()).into()),
    }
    Ok(())
}

/// `play_url=url[,position]`, `stream_file=path|url|-`, `close`.
pub(crate) async fn stream(atv: &AppleTv, name: &str, args: &[&str]) -> Outcome {
    let stream = atv.stream();
    match name {
        "play_url" => {
            let url = arg_text(name, args, 0, "the URL of the media")?;
            let position = arg(name, args, 1, "a start position in seconds", Some(0))?;
            stream.play_url(url, &PlayUrlOptions { position }).await?;
        }
        "stream_file" => {
            let file = arg_text(name, args, 0, "a file, a URL or - for standard input")?;
            let source = if file == "-" {
                StreamSource::Reader(Box::pin(tokio::io::stdin()))
            } else if file.starts_with("http://") || file.starts_with("https://") {
                StreamSource::Url(file.to_owned())
            } else {
                StreamSource::Path(PathBuf::from(file))
            };
            stream
                .stream_file(source, StreamFileOptions::default())
                .await?;
        }
        "close" => stream.close()?,
        _ => return Err(CliError::UnknownCommand(name.to_owned()).into()),
    }
    Ok(())
}
