//! Apps on the device (pyatv's `Apps`).

use async_trait::async_trait;

use super::not_supported;
use crate::{App, Result};

/// Lists and launches apps (pyatv's `Apps`).
#[async_trait]
pub trait Apps: Send + Sync {
    /// The apps that can be launched.
    async fn app_list(&self) -> Result<Vec<App>> {
        not_supported("app_list")
    }

    /// Launches an app by bundle identifier (`com.apple.TVMusic`) or by URL.
    async fn launch_app(&self, bundle_id_or_url: &str) -> Result<()> {
        let _ = bundle_id_or_url;
        not_supported("launch_app")
    }
}
