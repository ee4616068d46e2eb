//! Where a resource lives in its provider's web console (`o`), and OSC 52 copying (`y`).

use base64::Engine;

use crate::model::{Kind, Provider, Resource};

/// The console page for a resource, when Ferry knows one.
pub fn url(r: &Resource) -> Option<String> {
    match r.provider {
        Provider::Heroku => heroku(r),
        Provider::Cloudflare => cloudflare(r),
        Provider::Aws => aws(r),
        Provider::Semaphore | Provider::Iac => None,
    }
}

/// The app a Heroku resource belongs to: its own name for an app, else from its id
/// (`heroku:<kind>/<app>/…`).
fn heroku_app(r: &Resource) -> Option<&str> {
    if r.kind == Kind::App {
        return Some(&r.name);
    }
    r.id.as_str().split_once('/')?.1.split('/').next()
}

fn heroku(r: &Resource) -> Option<String> {
    let base = "https://dashboard.heroku.com";
    Some(match r.kind {
        Kind::App => format!("{base}/apps/{}", r.name),
        Kind::Formation => format!("{base}/apps/{}/resources", heroku_app(r)?),
        Kind::Addon | Kind::AddonAttachment => format!("{base}/apps/{}/resources", heroku_app(r)?),
        Kind::ConfigVars | Kind::Domain | Kind::SniEndpoint | Kind::Buildpack => {
            format!("{base}/apps/{}/settings", heroku_app(r)?)
        }
        Kind::Release => format!("{base}/apps/{}/activity", heroku_app(r)?),
        Kind::LogDrain => format!("{base}/apps/{}/logs", heroku_app(r)?),
        Kind::Pipeline => format!("{base}/pipelines/{}", r.attr_str("id").unwrap_or(&r.name)),
        Kind::Team => format!("{base}/teams/{}/apps", r.name),
        _ => format!("{base}/apps"),
    })
}

fn cloudflare(r: &Resource) -> Option<String> {
    let account = &r.scope.account;
    let base = format!("https://dash.cloudflare.com/{account}");
    Some(match (r.kind, &r.scope.zone) {
        (Kind::Zone, _) => format!("{base}/{}", r.name),
        (Kind::DnsRecord, Some(zone)) => format!("{base}/{zone}/dns/records"),
        (Kind::PageRule | Kind::Ruleset, Some(zone)) => format!("{base}/{zone}/rules"),
        (Kind::CertificatePack | Kind::CustomHostname, Some(zone)) => {
            format!("{base}/{zone}/ssl-tls/edge-certificates")
        }
        (Kind::WorkerScript | Kind::WorkerRoute, _) => format!("{base}/workers-and-pages"),
        (Kind::R2Bucket, _) => format!("{base}/r2/default/buckets/{}", r.name),
        _ => base,
    })
}

fn aws(r: &Resource) -> Option<String> {
    let region = r
        .scope
        .region
        .as_deref()
        .filter(|reg| *reg != "global")
        .unwrap_or("us-east-1");
    let console = format!("https://{region}.console.aws.amazon.com");
    let arn =
        r.id.as_str()
            .strip_prefix("aws:")
            .filter(|a| a.starts_with("arn:"));
    Some(match r.kind {
        Kind::EcsCluster => format!("{console}/ecs/v2/clusters/{}?region={region}", r.name),
        Kind::EcsService => {
            let cluster = r.attr_str("clusterArn")?.rsplit('/').next()?;
            format!(
                "{console}/ecs/v2/clusters/{cluster}/services/{}?region={region}",
                r.name
            )
        }
        Kind::TaskDefinition => {
            let family = r.attr_str("family")?;
            let revision = r.attrs.get("revision").and_then(|v| v.as_i64())?;
            format!("{console}/ecs/v2/task-definitions/{family}/{revision}?region={region}")
        }
        Kind::CloudfrontDistribution => format!(
            "https://us-east-1.console.aws.amazon.com/cloudfront/v4/home#/distributions/{}",
            r.attr_str("Id").unwrap_or(&r.name)
        ),
        Kind::S3Bucket => format!("https://s3.console.aws.amazon.com/s3/buckets/{}", r.name),
        Kind::LogGroup => format!(
            "{console}/cloudwatch/home?region={region}#logsV2:log-groups/log-group/{}",
            r.name.replace('/', "$252F")
        ),
        // Everything else with an ARN: the console's ARN resolver.
        _ => format!("https://console.aws.amazon.com/go/view?arn={}", arn?),
    })
}

/// The OSC 52 sequence that asks the terminal (also over SSH and in tmux with
/// `set-clipboard on`) to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::demo::demo_file;
    use crate::inventory::Inventory;
    use crate::model::ResourceId;

    fn demo(id: &str) -> Resource {
        let inv = Inventory::from_sources(&demo_file().unwrap().sources);
        inv.get(&ResourceId::from_raw(id)).unwrap().clone()
    }

    #[test]
    fn console_urls_per_provider() {
        assert_eq!(
            url(&demo("heroku:formation/acme-api/web")).unwrap(),
            "https://dashboard.heroku.com/apps/acme-api/resources"
        );
        let record = url(&demo("cloudflare:zone/d6b5104f6c39784de8cfe297cc2a91ff")).unwrap();
        assert_eq!(
            record,
            "https://dash.cloudflare.com/9155c657cc9f48c46b16ea8df38ba0ec/acmepay.com"
        );
        let svc = url(&demo(
            "aws:arn:aws:ecs:eu-west-1:123456789012:service/acme-prod/acme-api-web",
        ))
        .unwrap();
        assert_eq!(
            svc,
            "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/acme-prod/services/acme-api-web?region=eu-west-1"
        );
        let rds = url(&demo(
            "aws:arn:aws:rds:eu-west-1:123456789012:db:acme-prod-postgres",
        ))
        .unwrap();
        assert!(
            rds.ends_with("arn=arn:aws:rds:eu-west-1:123456789012:db:acme-prod-postgres"),
            "{rds}"
        );
    }

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
