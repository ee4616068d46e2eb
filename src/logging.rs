//! Logging to a file in the data dir; never to the terminal, which belongs to the TUI.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The AWS SDK's crates that can log requests, responses or signing material.
const AWS_SDK_TARGETS: &[&str] = &[
    "aws_config",
    "aws_runtime",
    "aws_sigv4",
    "aws_smithy_http_client",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_types",
];

/// Starts the file logger. Keep the returned guard alive until exit so buffered lines are
/// flushed.
pub fn init(log_dir: &Path, level: &str) -> anyhow::Result<WorkerGuard> {
    std::fs::create_dir_all(log_dir)
        .map_err(|e| anyhow::anyhow!("cannot create log dir {}: {e}", log_dir.display()))?;
    let mut filter = EnvFilter::try_new(level).map_err(|e| {
        anyhow::anyhow!("invalid log level `{level}` (use error, warn, info, debug or trace): {e}")
    })?;
    // The AWS SDK logs whole HTTP requests and responses at trace (session tokens, and
    // bodies such as task definitions with their environment values) and raw error
    // responses at debug. Whatever level the user asks for, its crates log warnings only.
    for target in AWS_SDK_TARGETS {
        filter = filter.add_directive(format!("{target}=warn").parse()?);
    }
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
