//! `ferry`: parse the command line, resolve paths and config, run one command.

use clap::Parser;
use std::process::ExitCode;

use ferry::cli::{Cli, Command, SnapshotCommand};
use ferry::commands::{self, Context};
use ferry::config::Config;
use ferry::paths::{self, DataDir};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Completions and the man page need no config, data dir or log: they only print.
    match &cli.command {
        Some(Command::Completions { shell }) => return commands::completions::print(*shell),
        Some(Command::Man) => return commands::completions::man(),
        _ => {}
    }
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`ferry list | head`): stop quietly, as Unix tools do.
        Err(err)
            if err.chain().any(|e| {
                let kind = e
                    .downcast_ref::<std::io::Error>()
                    .map(|io| io.kind())
                    .or_else(|| e.downcast_ref::<serde_json::Error>()?.io_error_kind());
                kind == Some(std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            let message = describe(&err);
            tracing::error!("{message}");
            // Errors quote names, ids and API messages: escaped for the terminal.
            eprintln!("ferry: {}", ferry::text::escape_lines(&message));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each once: many of Ferry's errors already quote their cause
/// ("cannot read config file X: No such file…"); a cause the message so far contains ends
/// the chain, since what follows it are its own details.
fn describe(err: &anyhow::Error) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if message.contains(&text) {
            break;
        }
        message.push_str(": ");
        message.push_str(&text);
    }
    message
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let (config_path, required) = paths::config_file(cli.config.as_deref())?;
    let config = Config::load(&config_path, required)?;
    let data = DataDir::new(paths::data_dir(
        cli.data_dir.as_deref(),
        config.data_dir.as_deref(),
    )?);
    data.ensure()?;
    let level = cli
        .log_level
        .clone()
        .unwrap_or_else(|| config.log.level.clone());
    let _log_guard = ferry::logging::init(&data.logs(), &level)?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), command = ?cli.command, "ferry start");

    let ctx = Context {
        data,
        config,
        config_path,
    };
    match cli.command.unwrap_or(Command::Tui) {
        Command::Tui => {
            let inventory = ctx.open_store()?.load_latest()?;
            ferry::tui::run(inventory, &ctx, "cache")?
        }
        Command::Demo => commands::demo::run(&ctx)?,
        Command::Fetch(args) => commands::fetch::run(&ctx, args.source)?,
        Command::List(args) => commands::list::run(&ctx, &args)?,
        Command::Diff(args) => commands::diff::run(&ctx, &args)?,
        Command::Snapshot(SnapshotCommand::List { format }) => commands::diff::list(&ctx, format)?,
        Command::Snapshot(SnapshotCommand::Export { output }) => {
            commands::snapshot::export(&ctx, &output)?
        }
        Command::Snapshot(SnapshotCommand::Import { file }) => {
            commands::snapshot::import(&ctx, &file)?
        }
        Command::Report(args) => commands::gaps::report(&ctx, args.format, args.output.as_deref())?,
        Command::Gaps(args) => {
            if commands::gaps::gaps(&ctx, &args.fail_on, args.app.as_deref(), args.ids)? {
                return Ok(ExitCode::from(commands::gaps::GATE_FAILED));
            }
        }
        Command::Mark(a) => {
            commands::mark::mark(&ctx, &a.id, a.status, a.note, a.counterpart, a.force)?
        }
        Command::Unmark { id } => commands::mark::unmark(&ctx, &id)?,
        Command::Paths => commands::paths(&ctx),
        Command::Completions { shell } => return Ok(commands::completions::print(shell)),
        Command::Man => return Ok(commands::completions::man()),
    }
    Ok(ExitCode::SUCCESS)
}
