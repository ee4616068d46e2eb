//! `[iac]`: where Terraform / OpenTofu / Terragrunt states are read from. Nothing is read
//! until a location is configured (here or in `FERRY_IAC_STATES`).

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IacConfig {
    /// Local files, directories (every `*.tfstate` under them), globs
    /// (`../infrastructure/**/terraform.tfstate`) and S3 prefixes
    /// (`s3://bucket/prefix/`: every `*.tfstate` under it, workspaces under `env:/` too).
    /// `FERRY_IAC_STATES` (comma-separated) wins.
    pub states: Vec<String>,
    /// The `[[aws.accounts]]` entry (its name or profile) whose credentials read S3 states;
    /// default the SDK's default chain.
    pub aws_account: Option<String>,
    /// Where the S3 backend keeps non-default workspaces (`workspace_key_prefix`).
    pub workspace_key_prefix: String,
    /// State files read at once.
    pub concurrency: usize,
    /// Largest state file read, in MiB (a bigger one is reported, not read).
    pub max_state_mib: u64,
}

impl Default for IacConfig {
    fn default() -> Self {
        IacConfig {
            states: Vec::new(),
            aws_account: None,
            workspace_key_prefix: "env:".into(),
            concurrency: 8,
            max_state_mib: 256,
        }
    }
}

impl IacConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.concurrency == 0 {
            return Err("iac.concurrency must be at least 1".into());
        }
        for s in &self.states {
            if s.trim().is_empty() {
                return Err("iac.states has an empty entry".into());
            }
            if let Some(rest) = s.trim().strip_prefix("s3://")
                && rest.split('/').next().unwrap_or("").is_empty()
            {
                return Err(format!(
                    "iac.states: `{s}` names no bucket (s3://bucket/prefix/)"
                ));
            }
        }
        if self.workspace_key_prefix.starts_with('/') || self.workspace_key_prefix.ends_with('/') {
            return Err(
                "iac.workspace_key_prefix must not start or end with `/` (as in the S3 backend)"
                    .into(),
            );
        }
        Ok(())
    }
}
