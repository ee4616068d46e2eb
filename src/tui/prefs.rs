//! What the UI remembers between runs, kept in the data dir (`ui-state.toml`), never in the
//! user's config: today the theme chosen with `:theme`. The config's `[ui] theme` is the
//! default until one is chosen.

use std::path::{Path, PathBuf};

/// The file, in the data dir.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("ui-state.toml")
}

#[derive(Debug, Default, serde::Deserialize)]
struct Prefs {
    theme: Option<String>,
}

/// The theme chosen last, if one was and the file reads; an unreadable file is ignored
/// (logged): it only costs the remembered choice.
pub fn theme(file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    match toml::from_str::<Prefs>(&text) {
        Ok(p) => p.theme.filter(|t| t == "dark" || t == "light"),
        Err(e) => {
            tracing::warn!("ignoring {}: {e}", file.display());
            None
        }
    }
}

/// Remembers `theme` (replacing the file through a temporary one, so a crash never leaves
/// half a file).
pub fn save_theme(file: &Path, theme: &str) -> std::io::Result<()> {
    let tmp = file.with_extension("toml.tmp");
    std::fs::write(
        &tmp,
        format!("# Ferry's UI state (written by :theme)\ntheme = \"{theme}\"\n"),
    )?;
    std::fs::rename(&tmp, file)
}
