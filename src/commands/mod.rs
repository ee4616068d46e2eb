//! One module per subcommand. Each takes the resolved [`Context`] and returns an exit status.

pub mod completions;
pub mod demo;
pub mod diff;
pub mod fetch;
pub mod gaps;
pub mod list;
pub mod mark;
pub mod snapshot;

use crate::config::Config;
use crate::paths::DataDir;
use crate::store::Store;

/// Everything a command needs, resolved from the command line, environment and config.
pub struct Context {
    pub data: DataDir,
    pub config: Config,
    pub config_path: std::path::PathBuf,
}

impl Context {
    /// The ledger file: config `[ledger] path`, else `ledger.toml` in the data dir.
    pub fn ledger_path(&self) -> std::path::PathBuf {
        self.config
            .ledger
            .path
            .clone()
            .unwrap_or_else(|| self.data.ledger())
    }

    /// The default mapping rules with the config's overrides.
    pub fn rules(&self) -> crate::rules::Rules {
        crate::rules::Rules::with_overrides(&self.config.rules)
    }

    /// Opens (creating when new) the cache in the data dir.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        self.data.ensure()?;
        Ok(Store::open(&self.data.cache())?)
    }

    /// Opens the cache for a command that only reads it. As [`Context::open_store`] where
    /// Ferry may write (so a cache of an older schema is migrated, not refused); read-only
    /// where it may not (a mounted backup, a shared folder), which never writes a byte.
    pub fn read_store(&self) -> anyhow::Result<Store> {
        match self.open_store() {
            Ok(store) => Ok(store),
            // The read-only open says nothing new when it fails too: keep the first error.
            Err(e) => Store::open_read_only(&self.data.cache()).map_err(|_| e),
        }
    }
}

/// Prints where Ferry's files are.
pub fn paths(ctx: &Context) {
    println!("config   {}", ctx.config_path.display());
    println!("data dir {}", ctx.data.root.display());
    println!("cache    {}", ctx.data.cache().display());
    println!("ledger   {}", ctx.ledger_path().display());
    println!("logs     {}", ctx.data.logs().display());
}
