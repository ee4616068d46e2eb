//! What a fetch stores, an import keeps whole: an AWS estate fetched from moto and
//! exported passes the import sanitisers with nothing dropped. The AWS import allowlist
//! (`sources/aws/sanitize.rs`) restates the fields the collectors write; a field added to
//! a collector and not to the list fails here, before an import silently loses it.

mod common;

use common::moto::Moto;
use ferry::model::SnapshotFile;
use std::path::Path;
use std::process::{Command, Output};

fn ferry(dir: &Path, args: &[&str], moto: &str) -> Output {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(common::ferry_bin());
    cmd.args(args)
        .env("FERRY_DATA_DIR", dir.join("data"))
        .env("FERRY_CONFIG", dir.join("ferry.toml"))
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", moto);
    for k in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        cmd.env_remove(k);
    }
    cmd.output().unwrap()
}

#[test]
fn a_fetched_aws_estate_passes_the_import_sanitisers_unchanged() {
    let Some(moto) = Moto::get("a_fetched_aws_estate_passes_the_import_sanitisers_unchanged")
    else {
        return;
    };
    let estate = moto.seed(&["eu-west-1", "us-east-1"], 0);
    let dir = tempfile::tempdir().unwrap();
    estate.profile_files(dir.path(), "shop-prod", "");
    // moto has no DescribeServerlessCaches (answers 500); its MSK times lack an offset.
    std::fs::write(
        dir.path().join("ferry.toml"),
        "[aws]\nmax_attempts = 2\nskip_services = [\"elasticache_serverless\", \"msk\"]\n\n\
         [[aws.accounts]]\nname = \"prod\"\nprofile = \"shop-prod\"\nregions = [\"eu-west-1\", \"us-east-1\"]\n",
    )
    .unwrap();
    let out = ferry(dir.path(), &["fetch", "--source", "aws"], &moto.url);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let export = dir.path().join("export.json");
    let out = ferry(
        dir.path(),
        &["snapshot", "export", "-o", export.to_str().unwrap()],
        &moto.url,
    );
    assert!(out.status.success());
    let file = SnapshotFile::from_json(&std::fs::read_to_string(&export).unwrap()).unwrap();
    let aws = &file.sources[0];
    let kinds: std::collections::BTreeSet<_> = aws.resources.iter().map(|r| r.kind).collect();
    assert!(kinds.len() >= 15, "the seed covers most kinds: {kinds:?}");
    let mut copy = aws.clone();
    let dropped = ferry::sources::sanitize::snapshot(&mut copy);
    for (a, b) in aws.resources.iter().zip(&copy.resources) {
        assert_eq!(a, b, "{} lost fields on import", a.id);
    }
    assert!(dropped.is_empty(), "{}", dropped.describe());
}
