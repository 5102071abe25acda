//! Apps and user accounts, relayed (pyatv's `FacadeApps` and `FacadeUserAccounts`).

use std::sync::Arc;

use async_trait::async_trait;

use atv_core::interface::{Apps, UserAccounts};
use atv_core::{App, Result, UserAccount};

use crate::relayer::Relayer;

/// The facade's [`Apps`].
pub struct FacadeApps {
    pub(crate) relayer: Relayer<dyn Apps>,
}

#[async_trait]
impl Apps for FacadeApps {
    async fn app_list(&self) -> Result<Vec<App>> {
        self.relayer
            .relay(
                "app_list",
                |i: Arc<dyn Apps>| async move { i.app_list().await },
            )
            .await
    }

    async fn launch_app(&self, bundle_id_or_url: &str) -> Result<()> {
        self.relayer
            .relay("launch_app", |i: Arc<dyn Apps>| async move {
                i.launch_app(bundle_id_or_url).await
            })
            .await
    }
}

/// The facade's [`UserAccounts`].
pub struct FacadeUserAccounts {
    pub(crate) relayer: Relayer<dyn UserAccounts>,
}

#[async_trait]
impl UserAccounts for FacadeUserAccounts {
    async fn account_list(&self) -> Result<Vec<UserAccount>> {
        self.relayer
            .relay("account_list", |i: Arc<dyn UserAccounts>| async move {
                i.account_list().await
            })
            .await
    }

    async fn switch_account(&self, account_id: &str) -> Result<()> {
        self.relayer
            .relay("switch_account", |i: Arc<dyn UserAccounts>| async move {
                i.switch_account(account_id).await
            })
            .await
    }
}
