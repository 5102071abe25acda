//! User accounts (pyatv's `UserAccounts`).

use async_trait::async_trait;

use super::not_supported;
use crate::{Result, UserAccount};

/// Lists and switches user accounts (pyatv's `UserAccounts`).
#[async_trait]
pub trait UserAccounts: Send + Sync {
    /// The accounts that can be switched to.
    async fn account_list(&self) -> Result<Vec<UserAccount>> {
        not_supported("account_list")
    }

    /// Switches to the account with identifier `account_id`.
    async fn switch_account(&self, account_id: &str) -> Result<()> {
        let _ = account_id;
        not_supported("switch_account")
    }
}
