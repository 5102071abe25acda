//! Apps and user accounts: the launchable apps (`FetchLaunchableApplicationsEvent`, a
//! dictionary of bundle identifier to name), launching by bundle identifier or URL
//! (`_launchApp`), the user accounts (`FetchUserAccountsEvent`, identifier to name) and
//! switching between them (`SwitchUserAccountEvent`).

use atv_companion::opack::Value;

use super::message::{Incoming, REFUSED};
use super::state::{Launch, push_bounded};
use crate::state::FakeState;

/// The launchable apps.
pub(crate) fn app_list(state: &FakeState, message: &Incoming) -> Value {
    let apps = state.companion().apps();
    message.response(Value::Dict(
        apps.into_iter()
            .map(|app| (Value::from(app.identifier), Value::from(app.name)))
            .collect(),
    ))
}

/// Launches an app (`_bundleID`) or opens a URL (`_urlS`).
pub(crate) fn launch(state: &FakeState, message: &Incoming) -> Value {
    let launch = match (message.str("_bundleID"), message.str("_urlS")) {
        (Some(bundle_id), _) => Launch::App(bundle_id.to_owned()),
        (None, Some(url)) => Launch::Url(url.to_owned()),
        (None, None) => return message.error(REFUSED, "Nothing to launch"),
    };
    tracing::debug!(?launch, "launch");
    state.companion().update(|data, _| {
        match &launch {
            Launch::App(bundle_id) => data.active_app = Some(bundle_id.clone()),
            Launch::Url(url) => data.opened_url = Some(url.clone()),
        }
        push_bounded(&mut data.launches, launch);
    });
    message.empty_response()
}

/// The user accounts.
pub(crate) fn account_list(state: &FakeState, message: &Incoming) -> Value {
    let accounts = state.companion().accounts();
    message.response(Value::Dict(
        accounts
            .into_iter()
            .map(|account| (Value::from(account.identifier), Value::from(account.name)))
            .collect(),
    ))
}

/// Switches to an account (`SwitchAccountID`).
pub(crate) fn switch_account(state: &FakeState, message: &Incoming) -> Value {
    let Some(account) = message.str("SwitchAccountID") else {
        return message.error(REFUSED, "No account given");
    };
    let account = account.to_owned();
    state
        .companion()
        .update(|data, _| data.active_account = Some(account));
    message.empty_response()
}
