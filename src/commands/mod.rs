//! One module per subcommand. Each takes the resolved [`Context`] and returns an exit status.

pub mod demo;
pub mod fetch;
pub mod list;
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
    /// Opens (creating when new) the cache in the data dir.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        self.data.ensure()?;
        Ok(Store::open(&self.data.cache())?)
    }
}

/// Prints where Ferry's files are.
pub fn paths(ctx: &Context) {
    println!("config   {}", ctx.config_path.display());
    println!("data dir {}", ctx.data.root.display());
    println!("cache    {}", ctx.data.cache().display());
    println!("logs     {}", ctx.data.logs().display());
}
