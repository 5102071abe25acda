//! Apps and user accounts (pyatv's `CompanionApps` and `CompanionUserAccounts`).

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::{Apps, UserAccounts};
use atv_core::{App, UserAccount};

use crate::client::Shared;
use crate::error::{CompanionError, Result};
use crate::message::dict;
use crate::opack::Value;
use crate::requests;

/// The content of a response that must have one.
fn content_of(request: &str, content: Value) -> Result<Value> {
    if content.as_dict().is_none() {
        return Err(CompanionError::UnexpectedResponse {
            request: request.into(),
            detail: "missing content in response".into(),
        });
    }
    Ok(content)
}

/// Lists and launches apps.
#[derive(Clone)]
pub struct CompanionApps {
    shared: Arc<Shared>,
}

impl CompanionApps {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The launchable apps (`FetchLaunchableApplicationsEvent`: bundle id → name).
    pub async fn list(&self) -> Result<Vec<App>> {
        const REQUEST: &str = "FetchLaunchableApplicationsEvent";
        let content = content_of(REQUEST, self.shared.request(REQUEST, dict([])).await?)?;
        Ok(requests::string_pairs(&content)
            .into_iter()
            .map(|(bundle_id, name)| App::new(Some(name), bundle_id))
            .collect())
    }

    /// Launches an app by bundle identifier or URL (`_launchApp`).
    pub async fn launch(&self, bundle_id_or_url: &str) -> Result<()> {
        self.shared
            .request("_launchApp", requests::launch_app(bundle_id_or_url))
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Apps for CompanionApps {
    async fn app_list(&self) -> atv_core::Result<Vec<App>> {
        Ok(self.list().await?)
    }

    async fn launch_app(&self, bundle_id_or_url: &str) -> atv_core::Result<()> {
        Ok(self.launch(bundle_id_or_url).await?)
    }
}

/// Lists and switches user accounts.
#[derive(Clone)]
pub struct CompanionUserAccounts {
    shared: Arc<Shared>,
}

impl CompanionUserAccounts {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The accounts (`FetchUserAccountsEvent`: account id → name).
    pub async fn list(&self) -> Result<Vec<UserAccount>> {
        const REQUEST: &str = "FetchUserAccountsEvent";
        let content = content_of(REQUEST, self.shared.request(REQUEST, dict([])).await?)?;
        Ok(requests::string_pairs(&content)
            .into_iter()
            .map(|(id, name)| UserAccount::new(name, id))
            .collect())
    }

    /// Switches to account `account_id` (`SwitchUserAccountEvent`).
    pub async fn switch(&self, account_id: &str) -> Result<()> {
        self.shared
            .request(
                "SwitchUserAccountEvent",
                requests::switch_account(account_id),
            )
            .await?;
        Ok(())
    }
}

#[async_trait]
impl UserAccounts for CompanionUserAccounts {
    async fn account_list(&self) -> atv_core::Result<Vec<UserAccount>> {
        Ok(self.list().await?)
    }

    async fn switch_account(&self, account_id: &str) -> atv_core::Result<()> {
        Ok(self.switch(account_id).await?)
    }
}
