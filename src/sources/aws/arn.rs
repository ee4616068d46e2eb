//! ARN helpers: the few places where Ferry must derive, trim or recognise an ARN.

/// The parts of `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the fifth colon (`cluster/shop`, `secret:name-AbCdEf`).
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut it = s.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: it.next()?,
            service: it.next()?,
            region: it.next()?,
            account: it.next()?,
            resource: it.next()?,
        })
    }

    /// `service:type` as the tagging API names resource types (`ecs:service`, `s3`).
    pub fn resource_type(&self) -> String {
        let kind = self
            .resource
            .split(['/', ':'])
            .next()
            .filter(|k| *k != self.resource)
            .unwrap_or("");
        if kind.is_empty() {
            self.service.to_string()
        } else {
            format!("{}:{kind}", self.service)
        }
    }

    /// A readable name for a resource Ferry does not model: the last path segment
    /// (`task-definition/web:1` → `web:1`), else what follows the type (`db:shop` → `shop`).
    pub fn short_name(&self) -> &'a str {
        let r = self.resource;
        let name = if r.contains('/') {
            r.rsplit('/').next()
        } else {
            r.split_once(':').map(|(_, n)| n)
        };
        name.filter(|n| !n.is_empty()).unwrap_or(r)
    }
}

/// What a container secret's `valueFrom` points at, reduced to the resource's own ARN.
///
/// ECS accepts an SSM parameter ARN, a bare parameter name (same region and account), or a
/// Secrets Manager ARN optionally followed by `:json-key:version-stage:version-id`. Only the
/// secret's ARN (seven colon-separated fields) identifies the secret, so the suffix is cut.
pub fn value_from_target(value_from: &str, region: &str, account: &str) -> Option<String> {
    let v = value_from.trim();
    if v.is_empty() {
        return None;
    }
    match Arn::parse(v) {
        Some(arn) if arn.service == "secretsmanager" => {
            let fields: Vec<&str> = v.split(':').collect();
            (fields.len() >= 7).then(|| fields[..7].join(":"))
        }
        Some(arn) if arn.service == "ssm" => Some(v.to_string()),
        Some(_) => None,
        None => Some(ssm_parameter_arn(region, account, v)),
    }
}

/// `arn:aws:ssm:<region>:<account>:parameter/<name>`; a leading `/` of the name is not
/// repeated (the ARN of `/shop/db` is `…:parameter/shop/db`).
pub fn ssm_parameter_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:ssm:{region}:{account}:parameter/{}",
        partition(region),
        name.trim_start_matches('/')
    )
}

/// The partition of a region: China and GovCloud differ, every other region is `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// A log group's ARN without the `:*` that `DescribeLogGroups`' `arn` field carries, so it
/// matches the tagging API and what other resources refer to.
pub fn log_group_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:logs:{region}:{account}:log-group:{name}",
        partition(region)
    )
}

/// A DNS name as compared for links: lower case, no trailing dot, no `dualstack.` prefix
/// (Route 53 aliases to an ALB carry it; the ALB's own `DNSName` does not).
pub fn dns_key(name: &str) -> String {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    n.strip_prefix("dualstack.")
        .map(str::to_string)
        .unwrap_or(n)
}

/// The bucket an S3 origin domain names: `b.s3.amazonaws.com`, `b.s3.eu-west-1.amazonaws.com`,
/// `b.s3-eu-west-1.amazonaws.com`, `b.s3-website-eu-west-1.amazonaws.com`,
/// `b.s3-website.eu-west-1.amazonaws.com`.
pub fn s3_bucket_of_domain(domain: &str) -> Option<String> {
    let d = dns_key(domain);
    let rest = d.strip_suffix(".amazonaws.com")?;
    // The last `.s3` that starts the endpoint part: bucket names may contain `.s3` too.
    let (at, _) = rest.rmatch_indices(".s3").find(|(i, _)| {
        let after = &rest[i + 3..];
        after.is_empty() || after.starts_with('.') || after.starts_with('-')
    })?;
    let bucket = &rest[..at];
    (!bucket.is_empty()).then(|| bucket.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arns_and_names_their_type() {
        let a = Arn::parse("arn:aws:ecs:eu-west-1:123456789012:service/shop/web").unwrap();
        assert_eq!(
            (a.service, a.region, a.account),
            ("ecs", "eu-west-1", "123456789012")
        );
        assert_eq!(a.resource_type(), "ecs:service");
        assert_eq!(a.short_name(), "web");
        let s3 = Arn::parse("arn:aws:s3:::assets").unwrap();
        assert_eq!(s3.resource_type(), "s3");
        assert_eq!(s3.short_name(), "assets");
        let sns = Arn::parse("arn:aws:sns:eu-west-1:1:alerts").unwrap();
        assert_eq!(sns.resource_type(), "sns");
        let db = Arn::parse("arn:aws:rds:eu-west-1:1:db:shop").unwrap();
        assert_eq!(db.resource_type(), "rds:db");
        assert_eq!(Arn::parse("not-an-arn"), None);
    }

    #[test]
    fn value_from_is_reduced_to_the_resource_arn() {
        let (r, a) = ("eu-west-1", "123456789012");
        let secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-8Jn1As";
        assert_eq!(value_from_target(secret, r, a).unwrap(), secret);
        assert_eq!(
            value_from_target(&format!("{secret}:api_key::"), r, a).unwrap(),
            secret
        );
        assert_eq!(
            value_from_target(&format!("{secret}:api_key:AWSCURRENT:"), r, a).unwrap(),
            secret
        );
        let param = "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/DB";
        assert_eq!(value_from_target(param, r, a).unwrap(), param);
        assert_eq!(value_from_target("/shop/DB", r, a).unwrap(), param);
        assert_eq!(value_from_target("shop/DB", r, a).unwrap(), param);
        assert_eq!(value_from_target("arn:aws:s3:::b/x", r, a), None);
        assert_eq!(value_from_target(" ", r, a), None);
    }

    #[test]
    fn dns_names_and_s3_origins() {
        assert_eq!(
            dns_key("dualstack.Shop-ALB-1.eu-west-1.elb.amazonaws.com."),
            "shop-alb-1.eu-west-1.elb.amazonaws.com"
        );
        for d in [
            "assets.s3.amazonaws.com",
            "assets.s3.eu-west-1.amazonaws.com",
            "assets.s3-eu-west-1.amazonaws.com",
            "assets.s3-website-eu-west-1.amazonaws.com",
            "assets.s3-website.eu-west-1.amazonaws.com",
        ] {
            assert_eq!(s3_bucket_of_domain(d).as_deref(), Some("assets"), "{d}");
        }
        assert_eq!(
            s3_bucket_of_domain("my.s3data.s3.amazonaws.com").as_deref(),
            Some("my.s3data")
        );
        assert_eq!(
            s3_bucket_of_domain("shop-alb-1.eu-west-1.elb.amazonaws.com"),
            None
        );
        assert_eq!(s3_bucket_of_domain("example.com"), None);
        assert_eq!(
            log_group_arn("eu-west-1", "1", "/ecs/web"),
            "arn:aws:logs:eu-west-1:1:log-group:/ecs/web"
        );
        assert_eq!(
            ssm_parameter_arn("cn-north-1", "1", "/x"),
            "arn:aws-cn:ssm:cn-north-1:1:parameter/x"
        );
    }
}
