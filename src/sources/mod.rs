//! Inventory sources: one folder per provider, each turning a provider's API into
//! [`crate::model`] resources and links. Sources depend on `model` only (never on the
//! store, the config file or the TUI); `crate::fetch` runs them and stores what they find.

pub mod aws;
pub mod heroku;
pub mod http;
pub mod progress;

pub use progress::{EventSink, KindCounts, SourceEvent};
