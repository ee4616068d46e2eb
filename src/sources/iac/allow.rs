//! Which state attributes Ferry may read, per Terraform resource type.
//!
//! State is plaintext: passwords, SSM values (`value` and the unmarked `insecure_value`),
//! `secret_string`, `container_definitions` with environment values all sit next to the
//! identifiers. `sensitive_attributes` is incomplete before Terraform 1.8, so it cannot be a
//! deny-list; the parser keeps only these identifier attributes and skips every other value
//! without turning it into a string.

/// Identifier attributes per type (aliases `aws_alb*` share the `aws_lb*` lists).
pub fn attributes(ty: &str) -> &'static [&'static str] {
    match ty {
        "aws_ecs_cluster" => &["arn", "id", "name"],
        "aws_ecs_service" => &["arn", "id", "name", "cluster"],
        "aws_ecs_task_definition" => &["arn", "arn_without_revision", "family", "revision"],
        "aws_lb" | "aws_alb" => &["arn", "id", "name"],
        "aws_lb_listener" | "aws_alb_listener" => &["arn", "id", "load_balancer_arn"],
        "aws_lb_listener_rule" | "aws_alb_listener_rule" => &["arn", "id", "listener_arn"],
        "aws_lb_target_group" | "aws_alb_target_group" => &["arn", "id", "name"],
        // `id` of aws_db_instance changed meaning in provider v5 (DbiResourceId), so the ARN
        // and the identifier are what identify it.
        "aws_db_instance" | "aws_rds_cluster_instance" => {
            &["arn", "identifier", "cluster_identifier"]
        }
        "aws_rds_cluster" => &["arn", "cluster_identifier", "cluster_members"],
        "aws_elasticache_replication_group" => &["arn", "replication_group_id", "member_clusters"],
        "aws_elasticache_cluster" => &["arn", "cluster_id", "replication_group_id"],
        "aws_elasticache_serverless_cache" => &["arn", "name"],
        "aws_msk_cluster" | "aws_msk_serverless_cluster" => &["arn", "cluster_name"],
        "aws_s3_bucket" => &["arn", "id", "bucket", "region", "bucket_region"],
        "aws_cloudfront_distribution" => &["arn", "id"],
        "aws_acm_certificate" => &["arn", "id"],
        "aws_route53_zone" => &["arn", "id", "zone_id", "name"],
        "aws_route53_record" => &["zone_id", "fqdn", "name", "type", "set_identifier"],
        "aws_ssm_parameter" => &["arn", "name"],
        "aws_secretsmanager_secret" => &["arn", "name"],
        "aws_cloudwatch_log_group" => &["arn", "name"],
        "aws_scheduler_schedule" => &["arn", "id", "name", "group_name"],
        "aws_cloudwatch_event_rule" => &["arn", "name", "event_bus_name"],
        "aws_ecr_repository" => &["arn", "name"],
        // Any other AWS type: its ARN may match a tagged resource; nothing else is read.
        t if t.starts_with("aws_") => &["arn"],
        // Other providers (random_password's `result`, tls keys…): nothing at all.
        _ => &[],
    }
}

/// Identity attributes (Terraform ≥ 1.12) worth reading: where a name-only resource lives.
pub const IDENTITY: &[&str] = &["account_id", "region"];

/// Every attribute any type may keep: used only when an instance list comes before its
/// resource's `type` in the JSON (never in what Terraform or OpenTofu write), then cut down
/// to the type's own list before anything is stored.
pub const UNION: &[&str] = &[
    "arn",
    "arn_without_revision",
    "bucket",
    "bucket_region",
    "cluster",
    "cluster_id",
    "cluster_identifier",
    "cluster_members",
    "cluster_name",
    "event_bus_name",
    "family",
    "fqdn",
    "group_name",
    "id",
    "identifier",
    "listener_arn",
    "load_balancer_arn",
    "member_clusters",
    "name",
    "region",
    "replication_group_id",
    "revision",
    "set_identifier",
    "type",
    "zone_id",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_bearing_attributes_are_never_allowed() {
        for ty in [
            "aws_db_instance",
            "aws_ssm_parameter",
            "aws_secretsmanager_secret",
            "aws_secretsmanager_secret_version",
            "aws_ecs_task_definition",
            "aws_elasticache_replication_group",
            "aws_acm_certificate",
            "aws_lb_listener",
            "random_password",
            "random_string",
        ] {
            for bad in [
                "password",
                "value",
                "insecure_value",
                "secret_string",
                "secret_binary",
                "container_definitions",
                "auth_token",
                "private_key",
                "result",
                "default_action",
            ] {
                assert!(!attributes(ty).contains(&bad), "{ty}.{bad}");
            }
        }
        assert!(
            attributes("random_string").is_empty(),
            "its id is the value"
        );
    }

    #[test]
    fn the_union_covers_every_type_list() {
        for ty in [
            "aws_ecs_service",
            "aws_ecs_task_definition",
            "aws_rds_cluster",
            "aws_route53_record",
            "aws_scheduler_schedule",
            "aws_cloudwatch_event_rule",
            "aws_s3_bucket",
            "aws_lb_listener_rule",
            "aws_msk_cluster",
        ] {
            for a in attributes(ty) {
                assert!(UNION.contains(a), "{ty}.{a}");
            }
        }
    }
}
