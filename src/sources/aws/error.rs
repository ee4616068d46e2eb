//! What went wrong, in words a user can act on.
//!
//! A part's error is either *unavailable* (the service is not permitted, not enabled or not
//! offered there: reported, never fatal) or *failed* (throttled past every retry, a server
//! error, a timeout: the fetch is incomplete, so the exit status says so). Credential
//! errors name the profile and the command that fixes them.

use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use std::error::Error;
use std::fmt;

/// Why a part produced nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartError {
    /// Not permitted, not enabled or not offered: reported, not a failure.
    Unavailable(String),
    /// Anything else: the fetch of this part failed.
    Failed(String),
}

impl PartError {
    pub fn reason(&self) -> &str {
        match self {
            PartError::Unavailable(r) | PartError::Failed(r) => r,
        }
    }
}

impl fmt::Display for PartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

/// Error codes that mean "this caller may not, or this account/region does not offer it".
const UNAVAILABLE_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
    "NotAuthorized",
    "OptInRequired",
    "SubscriptionRequiredException",
    // The credentials work (STS said so), so a rejected token means the region is not
    // enabled for the account (opt-in regions).
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "AuthFailure",
    "UnsupportedOperation",
    "UnknownOperationException",
    "InvalidAction",
];

/// Classifies an SDK error of any operation.
pub fn classify<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> PartError
where
    E: ProvideErrorMetadata + Error + 'static,
{
    let code = err.code().unwrap_or_default();
    let message = err.message().unwrap_or_default();
    let detail = if code.is_empty() {
        // No error code: say what the server answered (a proxy's HTML page, a 500).
        match err.raw_response().map(|r| r.status().as_u16()) {
            Some(status) if status >= 300 => format!("HTTP {status}: {}", full_text(err)),
            _ => full_text(err),
        }
    } else if message.is_empty() {
        code.to_string()
    } else {
        format!("{code}: {message}")
    };
    // Say which setting allows more time, or where the endpoint comes from.
    let hint = match err {
        SdkError::TimeoutError(_) => " (no answer in time: raise request_timeout_secs in [aws])",
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            " (no answer in time: raise request_timeout_secs in [aws])"
        }
        SdkError::DispatchFailure(d) if d.is_io() => {
            " (cannot reach the endpoint: check the network or proxy, and aws.endpoint_url / AWS_ENDPOINT_URL if set)"
        }
        _ => "",
    };
    let text = format!("{operation}: {detail}{hint}");
    if UNAVAILABLE_CODES.contains(&code) || code.ends_with("AccessDenied") {
        PartError::Unavailable(text)
    } else {
        PartError::Failed(text)
    }
}

/// The account-level message when the caller's identity cannot be established: what is
/// wrong with which profile and the command that fixes it.
pub fn credentials_message(profile: Option<&str>, error_text: &str) -> String {
    // The default chain lists what it attempted one provider per line: one line here.
    let error_text = &error_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let who = match profile {
        Some(p) => format!("AWS profile `{p}`"),
        None => "the default AWS credentials".to_string(),
    };
    let flag = profile
        .map(|p| format!(" --profile {p}"))
        .unwrap_or_default();
    let lower = error_text.to_ascii_lowercase();
    if lower.contains("sso") || lower.contains("token has expired") {
        format!(
            "{who}: the SSO session has expired or was never started. Run `aws sso login{flag}`, \
             then fetch again. ({error_text})"
        )
    } else if lower.contains("expiredtoken") || lower.contains("expired") {
        format!(
            "{who}: the credentials have expired. Refresh them (`aws sso login{flag}` for an \
             SSO profile, or your credential process), then fetch again. ({error_text})"
        )
    } else if no_credentials(&lower) {
        let (tried, setup) = match profile {
            Some(p) => (
                format!(
                    "profile `{p}` in ~/.aws/config and ~/.aws/credentials (or the files \
                     AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name)"
                ),
                format!(
                    "`aws configure{flag}` or `aws configure sso{flag}`, or change `profile` \
                     in this [[aws.accounts]] entry of ferry.toml"
                ),
            ),
            None => (
                "the standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the profile \
                 AWS_PROFILE names (else `default`) in ~/.aws/config and ~/.aws/credentials, \
                 web identity, the ECS container endpoint, then EC2 instance metadata (IMDS), \
                 the last one asked"
                    .to_string(),
                "`aws configure` (or `aws configure sso`), set AWS_PROFILE, or name your \
                 profiles in ferry.toml ([[aws.accounts]] with `profile = \"…\"`)"
                    .to_string(),
            ),
        };
        format!(
            "{who}: no AWS credentials were found (tried {tried}). Set them up with {setup}. \
             (last error: {error_text})"
        )
    } else if lower.contains("invalidclienttokenid") || lower.contains("signaturedoesnotmatch") {
        format!(
            "{who}: AWS rejected the credentials (wrong or deleted access key). Check them with \
             `aws sts get-caller-identity{flag}`. ({error_text})"
        )
    } else {
        format!("{who}: cannot identify the account with STS: {error_text}")
    }
}

/// Whether an identity error means "nothing supplied credentials". The default chain
/// reports whichever provider it asked last, which on a laptop is the EC2 instance metadata
/// service (IMDS): its timeout or "not enabled" is the symptom, not the cause.
fn no_credentials(lower: &str) -> bool {
    [
        "no credentials",
        "could not find",
        "not loaded",
        "no providers in chain",
        "credential provider was not enabled",
        "imds",
        "instance metadata",
        "169.254.169.254",
        "profile file",
        "profile `",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

/// An error and its sources, joined with `: `. Unlike the SDK's `DisplayErrorContext`
/// this leaves out the `Debug` form, which carries the raw HTTP response and its body.
pub fn full_text(err: &(dyn Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !text.ends_with(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::error::ErrorMetadata;
    use aws_sdk_ecs::operation::list_clusters::ListClustersError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;

    fn service_error(code: &str, message: &str) -> SdkError<ListClustersError, HttpResponse> {
        let meta = ErrorMetadata::builder().code(code).message(message).build();
        let raw = Response::new(StatusCode::try_from(400).unwrap(), SdkBody::empty());
        SdkError::service_error(ListClustersError::generic(meta), raw)
    }

    #[test]
    fn permission_and_opt_in_errors_are_unavailable_not_failures() {
        for code in [
            "AccessDeniedException",
            "OptInRequired",
            "UnrecognizedClientException",
        ] {
            let e = classify("ListClusters", &service_error(code, "nope"));
            assert_eq!(
                e,
                PartError::Unavailable(format!("ListClusters: {code}: nope"))
            );
        }
        let e = classify(
            "ListClusters",
            &service_error("ThrottlingException", "slow down"),
        );
        assert!(matches!(e, PartError::Failed(_)), "{e:?}");
        let e = classify("ListClusters", &service_error("", ""));
        assert!(
            matches!(&e, PartError::Failed(r) if r.starts_with("ListClusters: HTTP 400: ")),
            "{e:?}"
        );
        let timeout: SdkError<ListClustersError, HttpResponse> =
            SdkError::timeout_error("attempt timed out");
        let e = classify("ListClusters", &timeout);
        assert!(
            matches!(&e, PartError::Failed(r) if r.contains("timed out")
                && r.ends_with("(no answer in time: raise request_timeout_secs in [aws])")),
            "{e:?}"
        );
    }

    #[test]
    fn credential_messages_name_the_profile_and_the_fix() {
        let m = credentials_message(Some("prod"), "failed to load SSO token: token has expired");
        assert!(m.contains("AWS profile `prod`"), "{m}");
        assert!(m.contains("`aws sso login --profile prod`"), "{m}");
        let m = credentials_message(None, "no credentials found in chain");
        assert!(m.contains("set AWS_PROFILE"), "{m}");
        // The default chain's last word is IMDS's: the message is about credentials.
        let m = credentials_message(
            None,
            "dispatch failure: an error occurred while loading credentials: failed to load \
             credentials from IMDS: io error: connection refused (169.254.169.254:80)",
        );
        assert!(m.contains("no AWS credentials were found"), "{m}");
        assert!(m.contains("the standard chain"), "{m}");
        assert!(m.contains("`aws configure`"), "{m}");
        assert!(
            m.contains("AWS_PROFILE") && m.contains("[[aws.accounts]]"),
            "{m}"
        );
        assert!(m.contains("last error: dispatch failure"), "{m}");
        let m = credentials_message(
            None,
            "no credentials found in chain. Attempted:\n  Environment: not set\n  Ec2InstanceMetadata: refused",
        );
        assert!(
            m.contains("Attempted:; Environment: not set; Ec2InstanceMetadata: refused"),
            "{m}"
        );
        let m = credentials_message(
            Some("ci"),
            "ProfileFile provider: profile `ci` was not defined",
        );
        assert!(m.contains("`aws configure --profile ci`"), "{m}");
        let m = credentials_message(Some("ci"), "InvalidClientTokenId: bad key");
        assert!(
            m.contains("aws sts get-caller-identity --profile ci"),
            "{m}"
        );
    }
}
