//! `bench-worker respond`: the fake devices' mDNS responder.

use std::io::{Read, Write};

use atv::mdns::{Responder, ResponderMode, ResponderOptions};

use crate::devices::announcements;

/// Publishes the devices until standard input closes.
pub(crate) async fn run() -> Result<(), String> {
    let responder = Responder::bind(ResponderOptions {
        mode: ResponderMode::default(),
        announcements: announcements(),
    })
    .await
    .map_err(|e| format!("the responder cannot start: {e}"))?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "ready")
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("cannot tell xtask the responder is ready: {e}"))?;
    }
    // xtask closes our standard input (or dies, which closes it too) when done.
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await
    .map_err(|e| format!("waiting for standard input failed: {e}"))?;
    responder.close().await;
    Ok(())
}
