use super::*;
use serde_json::json;

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().unwrap()
}

#[test]
fn route53_names_are_decoded_and_compared_in_lower_case() {
    assert_eq!(dns_name("\\052.Example.COM."), "*.example.com");
    assert_eq!(dns_name("\\100.x"), "@.x");
    assert_eq!(
        dns_name("a\\05"),
        "a\\05",
        "a short escape is left as it is"
    );
    let k = state_keys(
        "aws_route53_record",
        &obj(
            json!({"zone_id":"z1","fqdn":"WWW.example.com","name":"www","type":"a","set_identifier":"eu"}),
        ),
        &Default::default(),
    );
    assert_eq!(k, ["r53:Z1/www.example.com/A/eu"]);
}

#[test]
fn both_ecs_service_arn_formats_give_one_key() {
    let new = state_keys(
        "aws_ecs_service",
        &obj(json!({"id":"arn:aws:ecs:eu-west-1:1:service/main/api"})),
        &Default::default(),
    );
    let old = state_keys(
        "aws_ecs_service",
        &obj(
            json!({"id":"arn:aws:ecs:eu-west-1:1:service/api","cluster":"arn:aws:ecs:eu-west-1:1:cluster/main"}),
        ),
        &Default::default(),
    );
    assert_eq!(new[0], "ecs_service:eu-west-1:1:main/api");
    assert_eq!(old[0], new[0]);
}

#[test]
fn rds_id_is_never_a_key_and_log_group_arns_lose_their_star() {
    let k = state_keys(
        "aws_db_instance",
        &obj(json!({"identifier":"orders"})),
        &Default::default(),
    );
    assert!(k.is_empty(), "{k:?}");
    let k = state_keys(
        "aws_cloudwatch_log_group",
        &obj(json!({"arn":"arn:aws:logs:eu-west-1:1:log-group:/ecs/api:*","name":"/ecs/api"})),
        &Default::default(),
    );
    assert_eq!(
        k,
        [
            "logs:eu-west-1:1:/ecs/api",
            "arn:arn:aws:logs:eu-west-1:1:log-group:/ecs/api"
        ]
    );
}

#[test]
fn name_keys_without_an_arn_take_the_place_from_identity_or_a_wildcard() {
    let k = state_keys(
        "aws_ssm_parameter",
        &obj(json!({"name":"/p"})),
        &obj(json!({"region":"eu-west-1","account_id":"1"})),
    );
    assert_eq!(k, ["ssm:eu-west-1:1:/p"]);
    let k = state_keys(
        "aws_ssm_parameter",
        &obj(json!({"name":"/p"})),
        &Default::default(),
    );
    assert_eq!(k, ["ssm:*:*:/p"]);
    let k = state_keys(
        "aws_scheduler_schedule",
        &obj(json!({"id":"jobs/nightly"})),
        &obj(json!({"region":"us-east-1"})),
    );
    assert_eq!(k, ["schedule:us-east-1:*:jobs/nightly"]);
}

#[test]
fn task_definition_families() {
    let attrs = obj(json!({"arn":"arn:aws:ecs:eu-west-1:1:task-definition/web:3"}));
    assert_eq!(
        state_family("aws_ecs_task_definition", &attrs).as_deref(),
        Some("td_family:eu-west-1:1:web")
    );
    assert_eq!(
        state_keys("aws_ecs_task_definition", &attrs, &Default::default()),
        ["arn:arn:aws:ecs:eu-west-1:1:task-definition/web:3"]
    );
}
