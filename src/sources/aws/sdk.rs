//! SDK set-up: one `SdkConfig` per account (one credentials cache, one HTTP client), a
//! region override per client, adaptive retries, timeouts, an interceptor that counts
//! every HTTP attempt so the summary can say how many requests a fetch cost, and a
//! per-part breaker that stops retrying a service that keeps failing (see [`PartBreaker`]).

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use aws_sdk_ecs::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_ecs::config::{ConfigBag, Intercept, RuntimeComponents, SharedCredentialsProvider};
use aws_sdk_ecs::error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority, RetryReason,
};
use aws_smithy_types::retry::ErrorKind;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::AccountSpec;

/// How every SDK client is configured (from `[aws]`).
#[derive(Debug, Clone)]
pub struct SdkSettings {
    /// Overrides every service's endpoint (an emulator). `AWS_ENDPOINT_URL` and the SDK's
    /// per-service variables work without it.
    pub endpoint_url: Option<String>,
    /// Attempts per request in adaptive retry mode (1 = no retries). Throttling gets all
    /// of them; server errors and timeouts at most [`SERVER_ERROR_ATTEMPTS`] per part.
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

/// Failed attempts in a row (server errors, timeouts, dropped connections) after which a
/// part stops retrying: a service in a regional outage, or one an emulator does not
/// implement, answers the third attempt as it answered the first.
pub const SERVER_ERROR_ATTEMPTS: u32 = 3;

/// A run of such failures that began longer ago than this is not retried further either,
/// so slow failures (timeouts) cannot stretch a part past a few attempt timeouts.
pub const SERVER_ERROR_WINDOW: Duration = Duration::from_secs(10);

/// The retry policy of one part (a service in a region), on top of the SDK's adaptive
/// mode. Throttling is left alone: it gets every `max_attempts` with the SDK's backoff and
/// client-side rate limiting, because waiting is what fixes it. Any other retryable
/// failure (5xx, timeout, connection error) counts towards a streak shared by all the
/// part's requests and reset by any success: once [`SERVER_ERROR_ATTEMPTS`] attempts in a
/// row have failed, or the streak is older than [`SERVER_ERROR_WINDOW`], no request of the
/// part retries such a failure again, so the part fails within a few seconds and the rest
/// of the fetch goes on at full speed. Shared, not per request, so a part whose requests
/// fan out (six DescribeTaskDefinition calls at once) does not multiply the attempts.
///
/// Two hooks, because the SDK runs retry classifiers more than once per attempt (the
/// connection-poisoning interceptor asks them too): the interceptor's `read_after_attempt`,
/// which runs exactly once per attempt, keeps the count; the classifier only reads it.
#[derive(Debug, Clone, Default)]
pub struct PartBreaker(Arc<Mutex<Streak>>);

#[derive(Debug, Default)]
struct Streak {
    /// Failed attempts since the last success.
    failures: u32,
    started: Option<Instant>,
    /// Failed attempts of this part in all, for the part's error message.
    total: u32,
}

const BREAKER_NAME: &str = "FerryPartBreaker";

/// Whether the SDK would retry this failure for a reason other than throttling.
fn counts(verdict: &RetryAction) -> bool {
    match verdict {
        RetryAction::RetryIndicated(RetryReason::RetryableError { kind, .. }) => {
            *kind != ErrorKind::ThrottlingError
        }
        _ => false,
    }
}

impl PartBreaker {
    /// Attempts of this part that failed with a server error, timeout or connection error.
    pub fn failed_attempts(&self) -> u32 {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Streak> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One finished attempt: a success ends the streak, a counted failure extends it.
    fn note(&self, succeeded: bool, verdict: &RetryAction) {
        let mut s = self.lock();
        if succeeded {
            s.failures = 0;
            s.started = None;
        } else if counts(verdict) {
            s.failures += 1;
            s.total += 1;
            s.started.get_or_insert_with(Instant::now);
        }
    }

    /// No more retries of server errors for this part.
    fn tripped(&self) -> bool {
        let s = self.lock();
        s.failures >= SERVER_ERROR_ATTEMPTS
            || s.started.is_some_and(|t| t.elapsed() > SERVER_ERROR_WINDOW)
    }
}

impl Intercept for PartBreaker {
    fn name(&self) -> &'static str {
        BREAKER_NAME
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let ctx = context.inner();
        match ctx.output_or_error() {
            Some(Ok(_)) => self.note(true, &RetryAction::NoActionIndicated),
            Some(Err(_)) => self.note(false, &sdk_verdict(ctx, runtime_components)),
            None => {}
        }
        Ok(())
    }
}

/// What the SDK's own classifiers (HTTP status, AWS error codes, transient errors) say of
/// an attempt, combined the way its retry strategy combines them: in priority order, each
/// may override the last, and a "forbidden" ends it.
fn sdk_verdict(ctx: &InterceptorContext, components: &RuntimeComponents) -> RetryAction {
    let mut verdict = RetryAction::NoActionIndicated;
    for classifier in components
        .retry_classifiers()
        .filter(|c| c.name() != BREAKER_NAME)
    {
        let next = classifier.classify_retry_v2(ctx, &verdict);
        if next == RetryAction::NoActionIndicated {
            continue;
        }
        verdict = next;
        if verdict == RetryAction::RetryForbidden {
            break;
        }
    }
    verdict
}

impl ClassifyRetry for PartBreaker {
    fn classify_retry(&self, _ctx: &InterceptorContext) -> RetryAction {
        RetryAction::NoActionIndicated
    }

    /// Runs after the SDK's own classifiers and only narrows their verdict: it never makes
    /// a failure retryable, and never stops a throttled request from waiting its turn.
    fn classify_retry_v2(&self, ctx: &InterceptorContext, previous: &RetryAction) -> RetryAction {
        let failed = matches!(ctx.output_or_error(), Some(Err(_)));
        if failed && counts(previous) && self.tripped() {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        BREAKER_NAME
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
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
    ($krate:ident, $conf:expr, $counter:expr, $breaker:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($conf)
                .interceptor($counter.clone())
                .interceptor($breaker.clone())
                .retry_classifier($breaker.clone())
                .build(),
        )
    };
}

impl Clients {
    /// Clients for one part (or one follow-up step): `breaker` is that part's retry policy.
    pub fn new(
        base: &SdkConfig,
        region: &str,
        counter: &RequestCounter,
        breaker: &PartBreaker,
    ) -> Clients {
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
            sts: client!(aws_sdk_sts, conf, counter, breaker),
            ecs: client!(aws_sdk_ecs, conf, counter, breaker),
            elbv2: client!(aws_sdk_elasticloadbalancingv2, conf, counter, breaker),
            rds: client!(aws_sdk_rds, conf, counter, breaker),
            elasticache: client!(aws_sdk_elasticache, conf, counter, breaker),
            kafka: client!(aws_sdk_kafka, conf, counter, breaker),
            acm: client!(aws_sdk_acm, conf, counter, breaker),
            ssm: client!(aws_sdk_ssm, conf, counter, breaker),
            secrets: client!(aws_sdk_secretsmanager, conf, counter, breaker),
            logs: client!(aws_sdk_cloudwatchlogs, conf, counter, breaker),
            scheduler: client!(aws_sdk_scheduler, conf, counter, breaker),
            events: client!(aws_sdk_eventbridge, conf, counter, breaker),
            ecr: client!(aws_sdk_ecr, conf, counter, breaker),
            tagging: client!(aws_sdk_resourcegroupstagging, conf, counter, breaker),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(conf)
                    .force_path_style(s3_path_style)
                    .interceptor(counter.clone())
                    .interceptor(breaker.clone())
                    .retry_classifier(breaker.clone())
                    .build(),
            ),
            cloudfront: client!(aws_sdk_cloudfront, conf, counter, breaker),
            route53: client!(aws_sdk_route53, conf, counter, breaker),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::interceptors::context::{Input, Output};
    use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;

    fn attempt(ok: bool) -> InterceptorContext {
        let mut ctx = InterceptorContext::new(Input::erase(()));
        ctx.set_output_or_error(if ok {
            Ok(Output::erase(()))
        } else {
            Err(OrchestratorError::other("HTTP 500"))
        });
        ctx
    }

    #[test]
    fn server_errors_stop_a_part_after_a_few_attempts_but_throttling_keeps_retrying() {
        let b = PartBreaker::default();
        let (failed, ok) = (attempt(false), attempt(true));
        let server = RetryAction::server_error();
        let throttled = RetryAction::throttling_error();
        let allowed = RetryAction::NoActionIndicated;
        // Asked twice per attempt (as the SDK does), the verdict only moves with attempts.
        for _ in 0..2 {
            b.note(false, &server);
            assert_eq!(b.classify_retry_v2(&failed, &server), allowed);
            assert_eq!(b.classify_retry_v2(&failed, &server), allowed);
        }
        b.note(false, &server);
        assert_eq!(
            b.classify_retry_v2(&failed, &server),
            RetryAction::RetryForbidden
        );
        // Throttling is not counted and not cut short.
        for _ in 0..10 {
            b.note(false, &throttled);
            assert_eq!(b.classify_retry_v2(&failed, &throttled), allowed);
        }
        // The streak belongs to the part: its next request is not retried either.
        b.note(false, &RetryAction::transient_error());
        assert_eq!(
            b.classify_retry_v2(&failed, &RetryAction::transient_error()),
            RetryAction::RetryForbidden
        );
        // A success ends the streak; errors the SDK does not retry do not count.
        b.note(true, &allowed);
        b.note(false, &RetryAction::RetryForbidden);
        b.note(false, &server);
        assert_eq!(b.classify_retry_v2(&failed, &server), allowed);
        assert_eq!(b.classify_retry_v2(&ok, &allowed), allowed);
        assert_eq!(b.failed_attempts(), 5);
    }
}
