//! `bench-worker scan-latency`: how long `atv::scan` for one identifier takes.

use std::io::Write;
use std::time::{Duration, Instant};

use atv::ScanOptions;

/// The scan timeout, the same as the one the pyatv snippet passes to `pyatv.scan`.
const SCAN_TIMEOUT: Duration = Duration::from_secs(5);

/// One untimed warm-up scan, then `runs` timed ones, `pause` apart.
pub(crate) async fn run(identifier: String, runs: usize, pause: Duration) -> Result<(), String> {
    scan_once(&identifier).await?;
    for _ in 0..runs {
        tokio::time::sleep(pause).await;
        let (elapsed, found) = scan_once(&identifier).await?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{:.6} {found}", elapsed.as_secs_f64())
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("cannot write a result: {e}"))?;
    }
    Ok(())
}

/// Times one scan: from the call to its result.
async fn scan_once(identifier: &str) -> Result<(Duration, usize), String> {
    let options = ScanOptions::default()
        .identifier(identifier)
        .timeout(SCAN_TIMEOUT);
    let started = Instant::now();
    let devices = atv::scan(options)
        .await
        .map_err(|e| format!("atv::scan failed: {e}"))?;
    Ok((started.elapsed(), devices.len()))
}
