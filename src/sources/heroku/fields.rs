//! The fields Ferry keeps from each per-app endpoint's objects. The mapper copies exactly
//! these into attributes, and the conditional-request cache keeps exactly these of a body,
//! so both hold the same facts and neither ever holds more.

/// Formation fields kept (`/apps/{app}/formation`).
pub const FORMATION_FIELDS: &[&str] = &[
    "id",
    "type",
    "quantity",
    "size",
    "dyno_size.name",
    "command",
    "app.name",
    "created_at",
    "updated_at",
];

/// Domain fields kept (`/apps/{app}/domains`).
pub const DOMAIN_FIELDS: &[&str] = &[
    "id",
    "hostname",
    "kind",
    "cname",
    "status",
    "acm_status",
    "acm_status_reason",
    "sni_endpoint.name",
    "app.name",
    "created_at",
    "updated_at",
];

/// SNI endpoint fields kept: the certificate's public facts only.
pub const SNI_ENDPOINT_FIELDS: &[&str] = &[
    "id",
    "name",
    "display_name",
    "app.name",
    "domains",
    "ssl_cert.cert_domains",
    "ssl_cert.starts_at",
    "ssl_cert.expires_at",
    "ssl_cert.issuer",
    "ssl_cert.subject",
    "ssl_cert.self_signed?",
    "ssl_cert.ca_signed?",
    "created_at",
    "updated_at",
];

/// Log drain fields kept besides `url`, which is stored without credentials.
pub const LOG_DRAIN_FIELDS: &[&str] = &[
    "id",
    "token",
    "addon.name",
    "app.name",
    "created_at",
    "updated_at",
];

/// Buildpack installation fields kept.
pub const BUILDPACK_FIELDS: &[&str] = &["ordinal", "buildpack.name", "buildpack.url"];

/// Release fields kept (`/apps/{app}/releases`).
pub const RELEASE_FIELDS: &[&str] = &[
    "id",
    "version",
    "status",
    "current",
    "description",
    "created_at",
    "updated_at",
    "addon_plan_names",
    "user.email",
];

/// Dyno fields kept: enough to count states per process type.
pub const DYNO_FIELDS: &[&str] = &["type", "state"];

/// Dyno size fields kept (`/dyno-sizes`): what the process size check needs (memory in
/// GB, vCPUs, architecture, generation) and whether the size is dedicated or private.
pub const DYNO_SIZE_FIELDS: &[&str] = &[
    "id",
    "name",
    "memory",
    "compute",
    "architecture",
    "generation.name",
    "dedicated",
    "private_space_only",
];

/// Telemetry drain fields kept besides the exporter, whose endpoint is stored without
/// credentials and whose headers by name only (their values are API keys).
pub const TELEMETRY_DRAIN_FIELDS: &[&str] = &[
    "id",
    "signals",
    "owner.id",
    "owner.type",
    "exporter.type",
    "created_at",
    "updated_at",
];
