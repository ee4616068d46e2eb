//! S3 locations: `s3://bucket/prefix/` (every `*.tfstate` under the prefix: the Terragrunt
//! layout, one state per unit), `s3://bucket/path/terraform.tfstate` (that key), or a key
//! glob (`s3://bucket/live/*/terraform.tfstate`). Workspaces of the S3 backend live under
//! `<workspace_key_prefix>/<workspace>/<key>` and are read too. Lock files (`.tflock`),
//! zero-byte objects and folder markers are skipped.

use aws_sdk_s3::Client;

use crate::sources::aws::error::{PartError, classify};
use crate::sources::glob::glob;

/// A parsed `s3://` location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// The key, prefix or key pattern after the bucket (no leading `/`).
    pub path: String,
}

impl S3Location {
    pub fn parse(s: &str) -> Option<S3Location> {
        let rest = s.trim().strip_prefix("s3://")?;
        let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
        (!bucket.is_empty()).then(|| S3Location {
            bucket: bucket.to_string(),
            path: path.to_string(),
        })
    }

    fn is_glob(&self) -> bool {
        self.path.contains(['*', '?'])
    }

    /// A key naming one state file (`…/terraform.tfstate`), not a prefix.
    fn is_key(&self) -> bool {
        !self.is_glob() && self.path.ends_with(".tfstate")
    }

    /// The literal prefix to list.
    fn list_prefix(&self) -> String {
        if self.is_glob() {
            let cut = self.path.find(['*', '?']).unwrap_or(self.path.len());
            self.path[..cut].to_string()
        } else if self.is_key() || self.path.is_empty() || self.path.ends_with('/') {
            self.path.clone()
        } else {
            format!("{}/", self.path)
        }
    }

    /// Whether `key` (relative to the workspace, if any) is a state this location names.
    fn wants(&self, key: &str) -> bool {
        if self.is_glob() {
            glob(&self.path, key)
        } else if self.is_key() {
            key == self.path
        } else {
            key.starts_with(&self.list_prefix()) && key.ends_with(".tfstate")
        }
    }
}

/// An object to read: its key and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub size: i64,
}

/// Whether a listed key is skipped before anything is read.
pub fn skipped_key(key: &str, size: i64) -> bool {
    key.ends_with('/') || key.ends_with(".tflock") || key.ends_with("-md5") || size == 0
}

/// The state objects of a location, default workspace and the others. `requests` counts
/// the list calls.
pub async fn list(
    client: &Client,
    loc: &S3Location,
    workspace_prefix: &str,
    requests: &mut u64,
) -> Result<Vec<Object>, PartError> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let ws = format!("{workspace_prefix}/");
    for prefix in [loc.list_prefix(), ws.clone()] {
        if prefix == ws && loc.list_prefix().starts_with(&ws) {
            continue;
        }
        let mut pages = client
            .list_objects_v2()
            .bucket(&loc.bucket)
            .prefix(&prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            *requests += 1;
            let page = page.map_err(|e| classify("ListObjectsV2", &e))?;
            for o in page.contents() {
                let (Some(key), size) = (o.key(), o.size().unwrap_or(0)) else {
                    continue;
                };
                if skipped_key(key, size) {
                    continue;
                }
                // `env:/<workspace>/<key>`: the same location in another workspace.
                let relative = key
                    .strip_prefix(&ws)
                    .and_then(|r| r.split_once('/').map(|(_, k)| k))
                    .filter(|_| prefix == ws)
                    .unwrap_or(key);
                if loc.wants(relative) && seen.insert(key.to_string()) {
                    out.push(Object {
                        key: key.to_string(),
                        size,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// One object's bytes.
pub async fn get(client: &Client, bucket: &str, key: &str) -> Result<Vec<u8>, PartError> {
    let out = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| classify("GetObject", &e))?;
    let body = out.body.collect().await.map_err(|e| {
        PartError::Failed(format!(
            "GetObject s3://{bucket}/{key}: reading the body: {e}"
        ))
    })?;
    Ok(body.into_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_prefixes_keys_and_globs() {
        let l = S3Location::parse("s3://state/live").unwrap();
        assert_eq!(l.list_prefix(), "live/");
        assert!(l.wants("live/app/terraform.tfstate"));
        assert!(l.wants("live/db/tofu.tfstate"));
        assert!(!l.wants("live/app/terraform.tfstate.backup"));
        assert!(!l.wants("other/terraform.tfstate"));
        let k = S3Location::parse("s3://state/live/app/terraform.tfstate").unwrap();
        assert!(k.wants("live/app/terraform.tfstate"));
        assert!(!k.wants("live/app2/terraform.tfstate"));
        let g = S3Location::parse("s3://state/live/*/terraform.tfstate").unwrap();
        assert_eq!(g.list_prefix(), "live/");
        assert!(g.wants("live/app/terraform.tfstate"));
        let root = S3Location::parse("s3://state").unwrap();
        assert_eq!(root.list_prefix(), "");
        assert!(root.wants("a/b.tfstate"));
        assert_eq!(S3Location::parse("s3:///x"), None);
    }

    #[test]
    fn locks_markers_and_empty_objects_are_skipped() {
        assert!(skipped_key("live/app/terraform.tfstate.tflock", 120));
        assert!(skipped_key("live/", 0));
        assert!(skipped_key("live/app/terraform.tfstate", 0));
        assert!(!skipped_key("live/app/terraform.tfstate", 10));
    }
}
