//! The Semaphore CI/CD source: projects, the newest run of each pipeline file (its jobs'
//! commands redacted, names of env vars and secrets only), promotions, tasks, deployment
//! targets, secrets by name, notifications without their endpoints, agent types.

pub mod credentials;
pub mod redact;
pub mod sanitize;
