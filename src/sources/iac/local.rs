//! Local locations: a file, a directory (every `*.tfstate` under it) or a glob with `*`,
//! `?` and `**` (`../infrastructure/**/terraform.tfstate`). `.terraform/` directories are
//! never entered: their `terraform.tfstate` is the backend cache, not a state, and they hold
//! provider binaries.

use std::path::{Path, PathBuf};

use crate::sources::glob::glob;

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// `~/x` → `$HOME/x`.
pub fn expand_home(pattern: &str, home: Option<&Path>) -> String {
    match (pattern.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest).to_string_lossy().into_owned(),
        _ => pattern.to_string(),
    }
}

/// What a local location names: the files, or why none (a one-line cause).
pub fn expand(pattern: &str) -> Result<Vec<PathBuf>, String> {
    let path = Path::new(pattern);
    if !has_glob(pattern) {
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {pattern}: {e}"))?;
        if meta.is_file() {
            return Ok(vec![path.to_path_buf()]);
        }
        let mut out = Vec::new();
        walk(path, &["**", "*.tfstate"], &mut out)?;
        out.sort();
        out.dedup();
        return Ok(out);
    }
    // The literal directories before the first pattern component are the walk's root.
    let parts: Vec<&str> = pattern.split('/').collect();
    let first = parts
        .iter()
        .position(|p| has_glob(p))
        .unwrap_or(parts.len());
    let root = if first == 0 {
        PathBuf::from(".")
    } else if parts[..first].iter().all(|p| p.is_empty()) {
        PathBuf::from("/")
    } else {
        PathBuf::from(parts[..first].join("/"))
    };
    let mut out = Vec::new();
    walk(&root, &parts[first..], &mut out)?;
    if first == 0 {
        // Keep the names the user wrote (`x/terraform.tfstate`, not `./x/…`).
        out = out
            .into_iter()
            .map(|p| p.strip_prefix(".").map(Path::to_path_buf).unwrap_or(p))
            .collect();
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Files under `dir` matching the remaining pattern components.
fn walk(dir: &Path, pattern: &[&str], out: &mut Vec<PathBuf>) -> Result<(), String> {
    let Some((head, rest)) = pattern.split_first() else {
        return Ok(());
    };
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    if *head == "**" {
        // Zero directories…
        walk(dir, rest, out)?;
    }
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        // Follow symlinks, as Terragrunt and monorepos use them.
        let is_dir = std::fs::metadata(&path)
            .map(|m| m.is_dir())
            .unwrap_or(false);
        if is_dir {
            if name == ".terraform" || name == ".git" {
                continue;
            }
            if *head == "**" {
                // …or one more, still under `**`. A directory unreadable deep down is
                // skipped, not fatal: the root was readable.
                let _ = walk(&path, pattern, out);
            } else if glob(head, &name) && !rest.is_empty() {
                let _ = walk(&path, rest, out);
            }
        } else if rest.is_empty() && *head != "**" && glob(head, &name) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_globs_and_double_stars() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "live/app/terraform.tfstate",
            "live/app/terraform.tfstate.backup",
            "live/app/.terraform/terraform.tfstate",
            "live/db/tofu.tfstate",
            "live/db/terraform.tfstate.tflock",
            "top.tfstate",
        ] {
            std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            std::fs::write(d.join(f), "{}").unwrap();
        }
        let rel = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter()
                .map(|p| p.strip_prefix(d).unwrap().to_string_lossy().into_owned())
                .collect()
        };
        let root = d.to_string_lossy();
        assert_eq!(
            rel(expand(&root).unwrap()),
            [
                "live/app/terraform.tfstate",
                "live/db/tofu.tfstate",
                "top.tfstate"
            ]
        );
        assert_eq!(
            rel(expand(&format!("{root}/**/terraform.tfstate")).unwrap()),
            ["live/app/terraform.tfstate"]
        );
        assert_eq!(
            rel(expand(&format!("{root}/live/*/*.tfstate")).unwrap()),
            ["live/app/terraform.tfstate", "live/db/tofu.tfstate"]
        );
        assert_eq!(
            rel(expand(&format!("{root}/live/app/terraform.tfstate")).unwrap()),
            ["live/app/terraform.tfstate"]
        );
        let err = expand(&format!("{root}/nope")).unwrap_err();
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn home_is_expanded() {
        assert_eq!(expand_home("~/x", Some(Path::new("/h"))), "/h/x");
        assert_eq!(expand_home("x/~/y", Some(Path::new("/h"))), "x/~/y");
    }
}
