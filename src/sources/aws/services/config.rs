//! Configuration and supporting resources: SSM parameters and Secrets Manager secrets
//! (NAMES only: GetParameter / GetSecretValue are never called), log groups, ECR
//! repositories, ACM certificates.

use aws_sdk_acm::types::{Filters, KeyAlgorithm};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

use super::super::arn;
use super::super::error::{PartError, classify};
use super::super::part::{AttrsBuilder, Batch, Ctx, tag_map};
use crate::model::Kind;

pub async fn ssm(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .ssm
        .describe_parameters()
        .max_results(50)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeParameters", &e))?;
        ctx.page(Kind::SsmParameter, page.parameters().len());
        for p in page.parameters() {
            let Some(name) = p.name() else { continue };
            // moto leaves ARN out of DescribeParameters; the ARN is derivable anyway.
            let arn = p
                .arn()
                .map(str::to_string)
                .unwrap_or_else(|| arn::ssm_parameter_arn(&ctx.region, &ctx.account, name));
            let attrs = AttrsBuilder::new()
                .str("Name", Some(name))
                .str("ARN", Some(&arn))
                .str("Type", p.r#type().map(|t| t.as_str()))
                .str("DataType", p.data_type())
                .str("Tier", p.tier().map(|t| t.as_str()))
                .num("Version", Some(p.version()))
                .str("Description", p.description())
                .time("LastModifiedDate", p.last_modified_date())
                .str("LastModifiedUser", p.last_modified_user())
                .build();
            batch
                .resources
                .push(ctx.resource(Kind::SsmParameter, &arn, name, attrs));
        }
    }
    Ok(batch)
}

pub async fn secrets(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .secrets
        .list_secrets()
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListSecrets", &e))?;
        ctx.page(Kind::Secret, page.secret_list().len());
        for s in page.secret_list() {
            let Some(arn) = s.arn() else { continue };
            let attrs = AttrsBuilder::new()
                .str("Name", s.name())
                .str("ARN", Some(arn))
                .str("Description", s.description())
                .str("KmsKeyId", s.kms_key_id())
                .bool("RotationEnabled", s.rotation_enabled())
                .time("CreatedDate", s.created_date())
                .time("LastChangedDate", s.last_changed_date())
                .time("LastAccessedDate", s.last_accessed_date())
                .build();
            let mut r = ctx.resource(Kind::Secret, arn, s.name().unwrap_or(arn), attrs);
            r.tags = tag_map(s.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))));
            batch.resources.push(r);
        }
    }
    Ok(batch)
}

pub async fn log_groups(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .logs
        .describe_log_groups()
        .limit(50)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeLogGroups", &e))?;
        ctx.page(Kind::LogGroup, page.log_groups().len());
        for g in page.log_groups() {
            let Some(name) = g.log_group_name() else {
                continue;
            };
            // The id is the ARN without `:*`, as the tagging API and task definitions use.
            let arn = g
                .log_group_arn()
                .map(str::to_string)
                .unwrap_or_else(|| arn::log_group_arn(&ctx.region, &ctx.account, name));
            let attrs = AttrsBuilder::new()
                .str("logGroupName", Some(name))
                .str("arn", g.arn())
                .str("logGroupArn", Some(&arn))
                .num("retentionInDays", g.retention_in_days().map(Into::into))
                .num("creationTime", g.creation_time())
                .str("logGroupClass", g.log_group_class().map(|c| c.as_str()))
                .build();
            batch
                .resources
                .push(ctx.resource(Kind::LogGroup, &arn, name, attrs));
        }
    }
    Ok(batch)
}

pub async fn ecr(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .ecr
        .describe_repositories()
        .max_results(1000)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("DescribeRepositories", &e))?;
        ctx.page(Kind::EcrRepository, page.repositories().len());
        for r in page.repositories() {
            let Some(arn) = r.repository_arn() else {
                continue;
            };
            let attrs = AttrsBuilder::new()
                .str("repositoryName", r.repository_name())
                .str("repositoryArn", Some(arn))
                .str("repositoryUri", r.repository_uri())
                .str("registryId", r.registry_id())
                .str(
                    "imageTagMutability",
                    r.image_tag_mutability().map(|m| m.as_str()),
                )
                .json(
                    "imageScanningConfiguration",
                    json!(
                        r.image_scanning_configuration()
                            .map(|c| json!({"scanOnPush": c.scan_on_push()}))
                    ),
                )
                .time("createdAt", r.created_at())
                .build();
            batch.resources.push(ctx.resource(
                Kind::EcrRepository,
                arn,
                r.repository_name().unwrap_or(arn),
                attrs,
            ));
        }
    }
    Ok(batch)
}

/// Certificates of every key type (ListCertificates returns only RSA-2048 ones unless
/// asked), each described for its names, status and users.
pub async fn acm(ctx: &Ctx) -> Result<Batch, PartError> {
    let acm = &ctx.clients.acm;
    let mut arns = Vec::new();
    {
        let _p = ctx.permit().await;
        let all_keys = Filters::builder()
            .set_key_types(Some(
                KeyAlgorithm::values()
                    .iter()
                    .map(|k| KeyAlgorithm::from(*k))
                    .collect(),
            ))
            .build();
        let mut pages = acm
            .list_certificates()
            .includes(all_keys)
            .max_items(1000)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListCertificates", &e))?;
            ctx.page(Kind::AcmCertificate, 0);
            arns.extend(
                page.certificate_summary_list()
                    .iter()
                    .filter_map(|c| c.certificate_arn())
                    .map(str::to_string),
            );
        }
    }
    let outs: Vec<_> = stream::iter(arns)
        .map(|arn| async move {
            let _p = ctx.permit().await;
            let out = acm
                .describe_certificate()
                .certificate_arn(arn)
                .send()
                .await
                .map_err(|e| classify("DescribeCertificate", &e))?;
            ctx.page(Kind::AcmCertificate, 1);
            Ok::<_, PartError>(out)
        })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut batch = Batch::default();
    for c in outs.iter().filter_map(|o| o.certificate()) {
        let Some(arn) = c.certificate_arn() else {
            continue;
        };
        let validation: Vec<Value> = c
            .domain_validation_options()
            .iter()
            .map(|d| {
                json!({
                    "DomainName": d.domain_name(), "ValidationMethod": d.validation_method().map(|m| m.as_str()),
                    "ValidationStatus": d.validation_status().map(|s| s.as_str()),
                    "ResourceRecord": d.resource_record().map(|r| json!({"Name": r.name(), "Type": r.r#type().as_str()})),
                })
            })
            .collect();
        let attrs = AttrsBuilder::new()
            .str("CertificateArn", Some(arn))
            .str("DomainName", c.domain_name())
            .strs("SubjectAlternativeNames", c.subject_alternative_names())
            .str("Status", c.status().map(|s| s.as_str()))
            .str("Type", c.r#type().map(|t| t.as_str()))
            .str("KeyAlgorithm", c.key_algorithm().map(|k| k.as_str()))
            .strs("InUseBy", c.in_use_by())
            .time("IssuedAt", c.issued_at())
            .time("NotBefore", c.not_before())
            .time("NotAfter", c.not_after())
            .str(
                "RenewalEligibility",
                c.renewal_eligibility().map(|r| r.as_str()),
            )
            .json("DomainValidationOptions", Value::Array(validation))
            .build();
        batch.resources.push(ctx.resource(
            Kind::AcmCertificate,
            arn,
            c.domain_name().unwrap_or(arn),
            attrs,
        ));
    }
    Ok(batch)
}
