use super::*;

const CANARY: &str = "CANARY-IAC-7f3e";

fn state(body: &str) -> State {
    match read(body.as_bytes()).unwrap() {
        Classified::State(s) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn keeps_identifiers_and_skips_secrets_outputs_and_other_types() {
    let text = format!(
        r#"{{"version":4,"terraform_version":"1.12.2","serial":9,"lineage":"L1",
        "outputs":{{"db_password":{{"value":"{CANARY}","type":"string","sensitive":true}}}},
        "resources":[
          {{"mode":"managed","type":"aws_db_instance","name":"orders","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances":[{{"schema_version":2,"attributes":{{"arn":"arn:aws:rds:eu-west-1:1:db:orders","id":"db-ABC","identifier":"orders","password":"{CANARY}","tags":{{"k":"{CANARY}"}}}},
            "sensitive_attributes":[[{{"type":"get_attr","value":"password"}}]],"private":"eyJ9"}}]}},
          {{"mode":"managed","type":"aws_ssm_parameter","name":"p","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances":[{{"attributes":{{"arn":"arn:aws:ssm:eu-west-1:1:parameter/p","name":"/p","value":"{CANARY}","insecure_value":"{CANARY}"}},
            "identity":{{"account_id":"1","name":"/p","region":"eu-west-1"}}}}]}},
          {{"mode":"managed","type":"random_string","name":"r","provider":"provider[\"registry.terraform.io/hashicorp/random\"]",
            "instances":[{{"attributes":{{"id":"{CANARY}","result":"{CANARY}"}}}}]}},
          {{"mode":"managed","type":"aws_ecs_task_definition","name":"t","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances":[{{"attributes":{{"arn":"arn:aws:ecs:eu-west-1:1:task-definition/web:3","family":"web","revision":3,
            "container_definitions":"[{{\"environment\":[{{\"name\":\"K\",\"value\":\"{CANARY}\"}}]}}]"}}}}]}}
        ],"check_results":null}}"#
    );
    let s = state(&text);
    assert_eq!((s.serial, s.lineage.as_str()), (9, "L1"));
    assert_eq!(s.tool(), "terraform");
    assert!(!format!("{s:?}").contains(CANARY), "{s:?}");
    let db = &s.resources[0].instances[0];
    assert_eq!(
        db.attrs.keys().copied().collect::<Vec<_>>(),
        ["arn", "identifier"],
        "id is not read for RDS (its meaning changed in provider v5)"
    );
    assert_eq!(
        s.resources[1].instances[0].identity.get("region"),
        Some(&IdValue::Str("eu-west-1".into()))
    );
    assert!(s.resources[2].instances[0].attrs.is_empty());
    assert_eq!(
        s.resources[3].instances[0].attrs.get("revision"),
        Some(&IdValue::Num(3))
    );
}

#[test]
fn instances_before_the_type_are_cut_to_the_types_list() {
    let text = format!(
        r#"{{"version":4,"serial":1,"lineage":"L","resources":[
        {{"instances":[{{"attributes":{{"name":"{CANARY}","id":"x","arn":"arn:aws:x"}}}}],"mode":"managed","type":"random_pet","name":"a"}},
        {{"instances":[{{"attributes":{{"name":"/n","arn":"arn:aws:ssm:r:1:parameter/n","type":"SecureString"}}}}],"mode":"managed","type":"aws_ssm_parameter","name":"b"}}]}}"#
    );
    let s = state(&text);
    assert!(s.resources[0].instances[0].attrs.is_empty());
    assert_eq!(
        s.resources[1].instances[0]
            .attrs
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        ["arn", "name"]
    );
}

#[test]
fn addresses_carry_module_index_and_mode() {
    let s = state(
        r#"{"version":4,"serial":1,"lineage":"L","resources":[
        {"module":"module.app[\"eu\"]","mode":"managed","type":"aws_lb","name":"public","instances":[{"index_key":0,"attributes":{}}]},
        {"mode":"managed","type":"aws_route53_record","name":"r","instances":[{"index_key":"www","attributes":{}},{"index_key":"api","deposed":"00ab12cd","status":"tainted","attributes":{}}]},
        {"mode":"data","type":"aws_caller_identity","name":"me","instances":[{"attributes":{}}]}]}"#,
    );
    let a = |r: usize, i: usize| s.resources[r].address(&s.resources[r].instances[i]);
    assert_eq!(a(0, 0), r#"module.app["eu"].aws_lb.public[0]"#);
    assert_eq!(a(1, 0), r#"aws_route53_record.r["www"]"#);
    assert_eq!(a(2, 0), "data.aws_caller_identity.me");
    let i = &s.resources[1].instances[1];
    assert!(i.tainted);
    assert_eq!(i.deposed.as_deref(), Some("00ab12cd"));
}

#[test]
fn opentofu_is_told_by_its_registry_also_per_instance() {
    let s = state(
        r#"{"version":4,"terraform_version":"1.9.0","serial":3,"lineage":"T","resources":[{"mode":"managed","type":"aws_s3_bucket","name":"b","provider":"","instances":[{"provider":"provider[\"registry.opentofu.org/hashicorp/aws\"].eu","attributes":{"id":"b","bucket":"b"}}]}]}"#,
    );
    assert_eq!(s.tool(), "opentofu");
}

#[test]
fn legacy_flat_attributes_and_missing_sensitive_attributes_are_read() {
    let s = state(
        r#"{"version":4,"terraform_version":"0.12.28","serial":2,"lineage":"O","resources":[{"mode":"managed","type":"aws_cloudwatch_log_group","name":"g","provider":"provider.aws","instances":[{"schema_version":0,"attributes_flat":{"arn":"arn:aws:logs:eu-west-1:1:log-group:/g","name":"/g","kms_key_id":""}}]}]}"#,
    );
    let attrs = &s.resources[0].instances[0].attrs;
    assert_eq!(attrs.get("name"), Some(&IdValue::Str("/g".into())));
    assert_eq!(attrs.len(), 2);
}

#[test]
fn encrypted_states_report_lineage_serial_and_key_providers() {
    let c = read(br#"{"serial":17,"lineage":"0f4e","meta":{"key_provider.pbkdf2.main":"eyJzYWx0Ijo="},"encrypted_data":"QUJD","encryption_version":"v0"}"#).unwrap();
    assert_eq!(
        c,
        Classified::Encrypted {
            lineage: Some("0f4e".into()),
            serial: Some(17),
            key_providers: vec!["key_provider.pbkdf2.main".into()]
        }
    );
    // The test fixture's inline-object form of `meta` values.
    let c = read(br#"{"meta":{"key_provider.pbkdf2.k":{"salt":"x","iterations":600000}},"encrypted_data":"QQ==","encryption_version":"v0"}"#).unwrap();
    assert!(matches!(c, Classified::Encrypted { .. }), "{c:?}");
}

#[test]
fn non_states_are_skipped_with_the_reason() {
    let skipped = |b: &[u8]| match read(b).unwrap() {
        Classified::Skipped(why) => why,
        other => panic!("{other:?}"),
    };
    assert_eq!(skipped(b""), "empty file");
    assert_eq!(skipped(b" {}\n"), "empty object");
    assert!(
        skipped(br#"{"version":3,"terraform_version":"1.5.0","backend":{"type":"s3","config":{"secret_key":"x"},"hash":1}}"#)
            .contains("backend cache")
    );
    assert!(
        skipped(br#"{"version":3,"serial":1,"modules":[{"path":["root"],"resources":{}}]}"#)
            .contains("upgrade")
    );
    assert!(
        skipped(br#"{"format_version":"1.0","values":{"root_module":{}}}"#).contains("state pull")
    );
    assert!(
        skipped(b"\xEF\xBB\xBF{}").contains("empty object"),
        "a BOM is tolerated"
    );
}

#[test]
fn garbage_is_an_error_without_its_content() {
    let err = read(format!("{{\"version\":4,\"resources\":[{{\"mode\":\"managed\",\"type\":\"x\",\"name\":\"{CANARY}\"").as_bytes()).unwrap_err();
    assert!(err.starts_with("not JSON"), "{err}");
    assert!(!err.contains(CANARY), "{err}");
    let err = read(br#"{"version":4,"resources":{}}"#).unwrap_err();
    assert!(err.contains("not a Terraform state"), "{err}");
    let err = read(br#"{"version":4,"serial":1}"#).unwrap_err();
    assert!(err.contains("no `version: 4`"), "{err}");
    let err = read(br#"[1,2]"#).unwrap_err();
    assert!(err.contains("not a Terraform state"), "{err}");
}
