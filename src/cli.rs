//! Command-line interface (clap definitions only).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::model::{Kind, Provider};

#[derive(Debug, Parser)]
#[command(
    name = "ferry",
    version,
    about = "Inventory Heroku, Cloudflare and AWS side by side and track a migration off Heroku",
    long_about = "Ferry shows what runs on Heroku, Cloudflare and AWS side by side, from a local cache \
that opens instantly and offline.\n\nRun without a command to open the terminal UI on your cache. \
Try `ferry demo` to explore a bundled example estate without any credentials.",
    after_help = "Files: the cache (cache.sqlite), ledger and logs (logs/ferry.YYYY-MM-DD.log, one a day) live in the data \
dir; the config is ferry.toml in the config dir. `ferry paths` prints where they are."
)]
pub struct Cli {
    /// Folder for the cache, ledger and logs [default: the platform data dir]
    #[arg(long, global = true, env = "FERRY_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Config file [default: ferry.toml in the platform config dir]
    #[arg(long, global = true, env = "FERRY_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Log level or tracing filter for the log file (error, warn, info, debug, trace)
    #[arg(long, global = true, env = "FERRY_LOG", value_name = "LEVEL")]
    pub log_level: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the terminal UI on the cached inventory (the default)
    Tui,
    /// Open the terminal UI on the bundled demo estate (no credentials; your cache is untouched)
    Demo,
    /// Fetch the live inventory of the configured sources into the cache
    #[command(
        long_about = "Fetch the live inventory into the cache: every configured source, or one with \
--source. Shows live progress on a terminal, prints a summary, and exits non-zero when any source \
or account failed (what succeeded is saved all the same).\n\nHeroku credentials: HEROKU_API_KEY, \
else ~/.netrc (`heroku login` writes it), or one environment variable per [[heroku.accounts]] in \
the config.\n\nCloudflare credentials: CLOUDFLARE_API_TOKEN (or CF_API_TOKEN), else CLOUDFLARE_API_KEY \
with CLOUDFLARE_EMAIL, or the variables named by each [[cloudflare.accounts]]. Without any, a fetch \
of every source skips Cloudflare. \
\n\nAWS credentials: the AWS CLI's chain (environment, AWS_PROFILE or the default \
profile, SSO, credential_process, roles) in the profile's region, or the profiles and regions \
listed as [[aws.accounts]]. An expired SSO session names the `aws sso login --profile …` to run. \
AWS_ENDPOINT_URL is honoured.\n\nSemaphore credentials: SEMAPHORE_API_TOKEN with SEMAPHORE_HOST, else \
the active context of ~/.sem.yaml (`sem connect`), or the variable named by each [[semaphore.orgs]]. \
Without any, a fetch of every source skips Semaphore."
    )]
    Fetch(FetchArgs),
    /// Print the cached resources
    List(ListArgs),
    /// Show what changed between the two newest snapshots of each source (or two you name)
    #[command(
        long_about = "Show what changed in the estate: resources added, removed and changed (with \
the fields that differ) between the two newest snapshots of each source, or between --from and \
--to (ids from `ferry snapshot list`). Fetch times and Ferry's own stale markers are not changes. \
The cache keeps [cache] keep_snapshots snapshots per source."
    )]
    Diff(DiffArgs),
    /// List the kept snapshots, or export / import the cached inventory as one JSON file
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Write the gap report (data read, summary, every app's items, DNS cutover, ledger notes)
    Report(ReportArgs),
    /// Print the gap table; exit 3 when an item has a --fail-on status (for CI)
    Gaps(GapsArgs),
    /// Record a decision about an item in the ledger
    Mark(MarkArgs),
    /// Remove an item's decision from the ledger
    Unmark {
        /// The item's id (as `ferry gaps --ids` shows it)
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Print where Ferry keeps its config, cache, ledger and logs
    Paths,
    /// Print a shell completion script: `ferry completions bash > ~/.local/share/bash-completion/completions/ferry`
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the man page (roff): `ferry man > ~/.local/share/man/man1/ferry.1`
    Man,
}

/// The shells `ferry completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Report format
    #[arg(long, value_enum, default_value_t = crate::report::Format::Md)]
    pub format: crate::report::Format,
    /// Output file [default: standard output]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct GapsArgs {
    /// Exit with status 3 when any item has one of these statuses (add `unknown` so the
    /// gate never passes on data Ferry could not read)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS,...")]
    pub fail_on: Vec<crate::gap::Status>,
    /// Only this Heroku app's items
    #[arg(long)]
    pub app: Option<String>,
    /// Show each item's id (for `ferry mark`) instead of its name
    #[arg(long)]
    pub ids: bool,
}

#[derive(Debug, clap::Args)]
pub struct MarkArgs {
    /// The item's id (as `ferry gaps --ids` shows it)
    #[arg(value_name = "ID")]
    pub id: String,
    /// The decision
    #[arg(long, value_enum)]
    pub status: crate::ledger::Decision,
    /// A note for the team (why, ticket, date)
    #[arg(long)]
    pub note: Option<String>,
    /// Pin the AWS resource that replaces this item (overrides matching)
    #[arg(long, value_name = "ID")]
    pub counterpart: Option<String>,
    /// Record ids that are not in the cache
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Only this source [default: every source]
    #[arg(long, value_enum)]
    pub source: Option<Provider>,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Only this source [default: every source with two snapshots]
    #[arg(long, value_enum, conflicts_with = "from")]
    pub source: Option<Provider>,
    /// The older snapshot's id
    #[arg(long, value_name = "ID")]
    pub from: Option<i64>,
    /// The newer snapshot's id [default: the newest of the same source]
    #[arg(long, value_name = "ID", requires = "from")]
    pub to: Option<i64>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this provider's resources
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,
    /// Only this kind (e.g. app, formation, dns_record, ecs_service)
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people
    Table,
    /// JSON for scripts (`list`: an array of resources; `diff`: one object per source)
    Json,
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// List the snapshots the cache keeps, newest first (ids for `ferry diff --from/--to`)
    List {
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Write the newest snapshot of every source to one JSON file
    Export {
        /// Output file (`-` for standard output)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Load a file written by `ferry snapshot export` into the cache as new snapshots
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
        .map_err(|e: crate::model::UnknownKind| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
