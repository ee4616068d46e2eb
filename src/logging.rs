//! Logging to a file in the data dir; never to the terminal, which belongs to the TUI.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts the file logger. Keep the returned guard alive until exit so buffered lines are
/// flushed.
pub fn init(log_dir: &Path, level: &str) -> anyhow::Result<WorkerGuard> {
    std::fs::create_dir_all(log_dir)
        .map_err(|e| anyhow::anyhow!("cannot create log dir {}: {e}", log_dir.display()))?;
    let filter = EnvFilter::try_new(level).map_err(|e| {
        anyhow::anyhow!("invalid log level `{level}` (use error, warn, info, debug or trace): {e}")
    })?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("ferry")
        .filename_suffix("log")
        .max_log_files(7)
        .build(log_dir)
        .map_err(|e| anyhow::anyhow!("cannot open log file in {}: {e}", log_dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    // try_init: tests may start several loggers in one process; the first one wins.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(guard)
}
