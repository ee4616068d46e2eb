//! SDK set-up: one `SdkConfig` per account (one credentials cache, one HTTP client), a
//! region override per client, adaptive retries, timeouts, and an interceptor that counts
//! every HTTP attempt so the summary can say how many requests a fetch cost.

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use aws_sdk_ecs::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_ecs::config::{ConfigBag, Intercept, RuntimeComponents, SharedCredentialsProvider};
use aws_sdk_ecs::error::BoxError;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::AccountSpec;

/// How every SDK client is configured (from `[aws]`).
#[derive(Debug, Clone)]
pub struct SdkSettings {
    /// Overrides every service's endpoint (an emulator). `AWS_ENDPOINT_URL` and the SDK's
    /// per-service variables work without it.
    pub endpoint_url: Option<String>,
    /// Attempts per request in adaptive retry mode (1 = no retries).
    pub max_attempts: u32,
    /// Time one attempt may take.
    pub attempt_timeout: Duration,
    /// Other shared config / credentials files than `~/.aws/{config,credentials}`
    /// (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` do the same for the process).
    pub profile_files: Option<(PathBuf, PathBuf)>,
}

impl Default for SdkSettings {
    fn default() -> Self {
        SdkSettings {
            endpoint_url: None,
            max_attempts: 8,
            attempt_timeout: Duration::from_secs(30),
            profile_files: None,
        }
    }
}

/// Counts HTTP attempts (retries included) across every client of a fetch.
#[derive(Debug, Clone, Default)]
pub struct RequestCounter(Arc<AtomicU64>);

impl RequestCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "FerryRequestCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

fn profile_files(settings: &SdkSettings) -> Option<ProfileFiles> {
    let (config, credentials) = settings.profile_files.as_ref()?;
    Some(
        ProfileFiles::builder()
            .with_file(ProfileFileKind::Config, config)
            .with_file(ProfileFileKind::Credentials, credentials)
            .build(),
    )
}

/// Loads the account's shared config. A named profile gets its credentials from that
/// profile only (SSO, credential_process, roles, static keys), as the AWS CLI does with
/// `--profile`: environment keys must not silently turn every profile into one account.
/// The implicit default account uses the whole standard chain (environment first).
pub async fn load(spec: &AccountSpec, settings: &SdkSettings) -> SdkConfig {
    let files = profile_files(settings);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(settings.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(settings.attempt_timeout)
                .build(),
        );
    if let Some(f) = &files {
        loader = loader.profile_files(f.clone());
    }
    if let Some(region) = spec.regions.first() {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(ep) = &settings.endpoint_url {
        loader = loader.endpoint_url(ep);
    }
    let Some(profile) = &spec.profile else {
        return loader.load().await;
    };
    let base = loader.profile_name(profile).load().await;
    let mut creds = ProfileFileCredentialsProvider::builder()
        .profile_name(profile)
        .configure(
            &ProviderConfig::default()
                .with_region(base.region().cloned())
                .with_behavior_version(Some(BehaviorVersion::latest())),
        );
    if let Some(f) = files {
        creds = creds.profile_files(f);
    }
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(creds.build()))
        .build()
}

/// Every client a part may use, for one region. Built from the account's `SdkConfig`, so
/// they share its HTTP client and credentials cache.
#[derive(Clone, Debug)]
pub struct Clients {
    pub sts: aws_sdk_sts::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub rds: aws_sdk_rds::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub kafka: aws_sdk_kafka::Client,
    pub acm: aws_sdk_acm::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub scheduler: aws_sdk_scheduler::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub s3: aws_sdk_s3::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub route53: aws_sdk_route53::Client,
}

macro_rules! client {
    ($krate:ident, $conf:expr, $counter:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($conf)
                .interceptor($counter.clone())
                .build(),
        )
    };
}

impl Clients {
    pub fn new(base: &SdkConfig, region: &str, counter: &RequestCounter) -> Clients {
        let conf = base
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        let conf = &conf;
        // Behind an endpoint override (an emulator, a proxy) buckets cannot be virtual
        // hosts of the endpoint's name, so S3 uses path-style addressing there.
        let s3_path_style =
            conf.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
        Clients {
            sts: client!(aws_sdk_sts, conf, counter),
            ecs: client!(aws_sdk_ecs, conf, counter),
            elbv2: client!(aws_sdk_elasticloadbalancingv2, conf, counter),
            rds: client!(aws_sdk_rds, conf, counter),
            elasticache: client!(aws_sdk_elasticache, conf, counter),
            kafka: client!(aws_sdk_kafka, conf, counter),
            acm: client!(aws_sdk_acm, conf, counter),
            ssm: client!(aws_sdk_ssm, conf, counter),
            secrets: client!(aws_sdk_secretsmanager, conf, counter),
            logs: client!(aws_sdk_cloudwatchlogs, conf, counter),
            scheduler: client!(aws_sdk_scheduler, conf, counter),
            events: client!(aws_sdk_eventbridge, conf, counter),
            ecr: client!(aws_sdk_ecr, conf, counter),
            tagging: client!(aws_sdk_resourcegroupstagging, conf, counter),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(conf)
                    .force_path_style(s3_path_style)
                    .interceptor(counter.clone())
                    .build(),
            ),
            cloudfront: client!(aws_sdk_cloudfront, conf, counter),
            route53: client!(aws_sdk_route53, conf, counter),
        }
    }
}
