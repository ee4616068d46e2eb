//! Logging to a file in the data dir; never to the terminal, which belongs to the TUI.
//!
//! The log names accounts, apps, hosts and errors of the company's estate, so like the
//! cache it is owner-only: the folder 0700, each day's file 0600 (`ferry.YYYY-MM-DD.log`,
//! UTC, the newest seven kept). A folder or file an older Ferry left readable is tightened.

use chrono::{NaiveDate, Utc};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
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

/// Days of logs kept.
const KEEP_FILES: usize = 7;

/// Starts the file logger. Keep the returned guard alive until exit so buffered lines are
/// flushed. A log folder Ferry cannot write (a read-only data dir) is no reason to refuse
/// a command that only reads: it says so on stderr and runs without a log (`None`).
pub fn init(log_dir: &Path, level: &str) -> anyhow::Result<Option<WorkerGuard>> {
    let mut filter = EnvFilter::try_new(level).map_err(|e| {
        anyhow::anyhow!("invalid log level `{level}` (use error, warn, info, debug or trace): {e}")
    })?;
    // The AWS SDK logs whole HTTP requests and responses at trace (session tokens, and
    // bodies such as task definitions with their environment values) and raw error
    // responses at debug. Whatever level the user asks for, its crates log warnings only.
    for target in AWS_SDK_TARGETS {
        filter = filter.add_directive(format!("{target}=warn").parse()?);
    }
    let file = match DailyLog::open(log_dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "ferry: warning: {e}; this run is not logged (make the folder writable, or pass --data-dir)"
            );
            return Ok(None);
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(file);
    // try_init: tests may start several loggers in one process; the first one wins.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(Some(guard))
}

/// One file per UTC day, created owner-only; switches files when the day changes (a TUI
/// left open overnight) and keeps the newest [`KEEP_FILES`].
struct DailyLog {
    dir: PathBuf,
    day: NaiveDate,
    file: File,
}

impl DailyLog {
    fn open(dir: &Path) -> Result<DailyLog, String> {
        private_dir(dir).map_err(|e| format!("cannot create log dir {}: {e}", dir.display()))?;
        let day = Utc::now().date_naive();
        let file = open_day(dir, day)?;
        tighten_old_logs(dir);
        prune(dir);
        Ok(DailyLog {
            dir: dir.to_path_buf(),
            day,
            file,
        })
    }
}

impl Write for DailyLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let today = Utc::now().date_naive();
        if today != self.day {
            // If the new file cannot be made, keep writing to yesterday's.
            if let Ok(file) = open_day(&self.dir, today) {
                self.file = file;
                self.day = today;
                prune(&self.dir);
            }
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn file_name(day: NaiveDate) -> String {
    format!("ferry.{}.log", day.format("%Y-%m-%d"))
}

fn is_log(name: &str) -> bool {
    name.starts_with("ferry.") && name.ends_with(".log")
}

/// Creates the folder 0700, or tightens it to 0700 if it exists: only Ferry writes there.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(dir)?.permissions().mode() & 0o777 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Opens (appending) the day's file, created 0600.
fn open_day(dir: &Path, day: NaiveDate) -> Result<File, String> {
    let path = dir.join(file_name(day));
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(&path)
        .map_err(|e| format!("cannot open log file {}: {e}", path.display()))
}

fn logs_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut logs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(is_log))
        .map(|e| e.path())
        .collect();
    // Dates in the names sort as the days do.
    logs.sort();
    logs
}

/// Files written by a Ferry before logs were owner-only (0644) become 0600.
fn tighten_old_logs(dir: &Path) {
    #[cfg(unix)]
    for path in logs_in(dir) {
        use std::os::unix::fs::PermissionsExt;
        let loose = std::fs::metadata(&path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0);
        if loose {
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn prune(dir: &Path) {
    let logs = logs_in(dir);
    let excess = logs.len().saturating_sub(KEEP_FILES);
    for old in &logs[..excess] {
        let _ = std::fs::remove_file(old);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn logs_are_owner_only_and_old_ones_are_tightened_and_pruned() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        // What an older Ferry left: a 0755 folder, 0644 files, more than a week of them.
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        for day in 1..=9 {
            let old = dir.join(format!("ferry.2020-01-0{day}.log"));
            std::fs::write(&old, "old line\n").unwrap();
            std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let mut log = DailyLog::open(&dir).unwrap();
        log.write_all(b"a line\n").unwrap();
        log.flush().unwrap();
        assert_eq!(mode(&dir), 0o700);
        let today = dir.join(file_name(Utc::now().date_naive()));
        assert_eq!(std::fs::read_to_string(&today).unwrap(), "a line\n");
        let left = logs_in(&dir);
        assert_eq!(left.len(), KEEP_FILES, "{left:?}");
        assert!(left.contains(&today));
        for f in &left {
            assert_eq!(mode(f), 0o600, "{}", f.display());
        }
    }

    #[test]
    fn a_log_dir_that_cannot_be_written_is_an_error_not_a_panic() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("not-a-dir");
        std::fs::write(&file, "").unwrap();
        let err = DailyLog::open(&file.join("logs")).err().unwrap();
        assert!(err.starts_with("cannot create log dir "), "{err}");
    }
}
