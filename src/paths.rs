//! Where Ferry keeps its files: command line and environment first, then the config,
//! then the platform's directories.

use std::path::{Path, PathBuf};

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "ferry", "ferry")
}

/// The config file and whether the user named it (then it must exist).
pub fn config_file(explicit: Option<&Path>) -> anyhow::Result<(PathBuf, bool)> {
    if let Some(p) = explicit {
        return Ok((p.to_path_buf(), true));
    }
    let dirs = project_dirs().ok_or_else(no_home)?;
    Ok((dirs.config_dir().join("ferry.toml"), false))
}

/// The data dir: `--data-dir`/`FERRY_DATA_DIR`, else the config's `data_dir`, else the
/// platform default.
pub fn data_dir(explicit: Option<&Path>, from_config: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = explicit.or(from_config) {
        return Ok(p.to_path_buf());
    }
    Ok(project_dirs().ok_or_else(no_home)?.data_dir().to_path_buf())
}

fn no_home() -> anyhow::Error {
    anyhow::anyhow!(
        "cannot find your home directory to place Ferry's files; pass --data-dir and --config"
    )
}

/// The files inside a data dir.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    pub fn new(root: PathBuf) -> Self {
        DataDir { root }
    }
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache.sqlite")
    }
    pub fn ledger(&self) -> PathBuf {
        self.root.join("ledger.toml")
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    /// Creates the folder (owner-only when Ferry creates it: it holds an inventory of the
    /// company's estate). An existing folder keeps the permissions its owner chose.
    pub fn ensure(&self) -> anyhow::Result<()> {
        use anyhow::Context;
        if self.root.is_dir() {
            return Ok(());
        }
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&self.root)
            .with_context(|| format!("cannot create data dir {}", self.root.display()))
    }
}
