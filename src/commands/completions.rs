//! `ferry completions SHELL` and `ferry man`: generated from the clap definitions, so they
//! never drift from the real flags. Both print to standard output.

use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

use crate::cli::{Cli, CompletionShell};

/// Writes the completion script for `shell` to standard output.
pub fn print(shell: CompletionShell) -> ExitCode {
    let mut out = Vec::new();
    write_completions(shell, &mut out);
    emit(&out)
}

/// The completion script for `shell`.
pub fn write_completions(shell: CompletionShell, out: &mut Vec<u8>) {
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    clap_complete::generate(shell, &mut Cli::command(), "ferry", out);
}

/// Writes the man page (section 1, roff) to standard output.
pub fn man() -> ExitCode {
    let mut out = Vec::new();
    if let Err(e) = write_man(&mut out) {
        eprintln!("ferry: cannot render the man page: {e}");
        return ExitCode::FAILURE;
    }
    emit(&out)
}

/// The man page: the top-level page followed by one section per subcommand, so
/// `man ferry` documents every command and flag in one file.
pub fn write_man(out: &mut Vec<u8>) -> std::io::Result<()> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        // A second full page would repeat the header: only its sections are kept.
        let name = sub.get_name().to_uppercase();
        writeln!(out, ".SH \"FERRY {name}\"")?;
        let man = clap_mangen::Man::new(sub.clone());
        man.render_description_section(out)?;
        man.render_options_section(out)?;
    }
    Ok(())
}

/// Prints `bytes`; a closed pipe (`ferry man | head`) is a normal end.
fn emit(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferry: cannot write to standard output: {e}");
            ExitCode::FAILURE
        }
    }
}
