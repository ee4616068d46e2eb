//! Scheduled jobs: EventBridge Scheduler schedules and EventBridge rules that start ECS
//! tasks (the AWS side of Heroku Scheduler). Targets' `Input` is never stored: it is free
//! text that may carry credentials.

use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

use super::super::error::{PartError, classify};
use super::super::part::{AttrsBuilder, Batch, Ctx};
use crate::model::{Kind, LinkKind, ResourceId};

/// Every schedule, each read with GetSchedule (the list omits the expression and the ECS
/// parameters).
pub async fn schedules(ctx: &Ctx) -> Result<Batch, PartError> {
    let sched = &ctx.clients.scheduler;
    let mut names = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut pages = sched
            .list_schedules()
            .max_results(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListSchedules", &e))?;
            ctx.page(Kind::Schedule, 0);
            for s in page.schedules() {
                if let Some(name) = s.name() {
                    names.push((name.to_string(), s.group_name().map(str::to_string)));
                }
            }
        }
    }
    let outs: Vec<_> = stream::iter(names)
        .map(|(name, group)| async move {
            let _p = ctx.permit().await;
            let out = sched
                .get_schedule()
                .name(name)
                .set_group_name(group)
                .send()
                .await
                .map_err(|e| classify("GetSchedule", &e))?;
            ctx.page(Kind::Schedule, 1);
            Ok::<_, PartError>(out)
        })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut batch = Batch::default();
    for s in outs {
        let Some(arn) = s.arn() else { continue };
        let target = s.target().map(|t| {
            let ecs = t.ecs_parameters().map(|e| {
                json!({"TaskDefinitionArn": e.task_definition_arn(), "TaskCount": e.task_count(),
                       "LaunchType": e.launch_type().map(|l| l.as_str())})
            });
            json!({"Arn": t.arn(), "RoleArn": t.role_arn(), "EcsParameters": ecs})
        });
        let attrs = AttrsBuilder::new()
            .str("Name", s.name())
            .str("GroupName", s.group_name())
            .str("Arn", Some(arn))
            .str("Description", s.description())
            .str("ScheduleExpression", s.schedule_expression())
            .str(
                "ScheduleExpressionTimezone",
                s.schedule_expression_timezone(),
            )
            .str("State", s.state().map(|x| x.as_str()))
            .json(
                "FlexibleTimeWindow",
                json!(
                    s.flexible_time_window()
                        .map(|f| json!({"Mode": f.mode().as_str()}))
                ),
            )
            .json("Target", json!(target))
            .time("CreationDate", s.creation_date())
            .time("LastModificationDate", s.last_modification_date())
            .build();
        let r = ctx.resource(Kind::Schedule, arn, s.name().unwrap_or(arn), attrs);
        if let Some(td) = s
            .target()
            .and_then(|t| t.ecs_parameters())
            .map(|e| e.task_definition_arn())
        {
            batch.link(&r.id, ResourceId::from_arn(td), LinkKind::Runs);
        }
        batch.resources.push(r);
    }
    Ok(batch)
}

/// Rules on the default event bus that have at least one ECS task target.
pub async fn rules(ctx: &Ctx) -> Result<Batch, PartError> {
    let events = &ctx.clients.events;
    let mut rules = Vec::new();
    {
        let _p = ctx.permit().await;
        let mut token: Option<String> = None;
        loop {
            let out = events
                .list_rules()
                .limit(100)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify("ListRules", &e))?;
            ctx.page(Kind::EventRule, 0);
            rules.extend(out.rules().iter().cloned());
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }
    let with_targets: Vec<_> = stream::iter(rules)
        .map(|rule| async move {
            let _p = ctx.permit().await;
            let mut targets = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let out = events
                    .list_targets_by_rule()
                    .rule(rule.name().unwrap_or_default())
                    .set_event_bus_name(rule.event_bus_name().map(str::to_string))
                    .limit(100)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(|e| classify("ListTargetsByRule", &e))?;
                ctx.page(Kind::EventRule, 0);
                targets.extend(out.targets().iter().cloned());
                match out.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Ok::<_, PartError>((rule, targets))
        })
        .buffer_unordered(ctx.concurrency)
        .try_collect()
        .await?;
    let mut batch = Batch::default();
    for (rule, targets) in with_targets {
        let Some(arn) = rule.arn() else { continue };
        let ecs: Vec<_> = targets
            .iter()
            .filter(|t| t.ecs_parameters().is_some())
            .collect();
        if ecs.is_empty() {
            continue;
        }
        let target_json: Vec<Value> = ecs
            .iter()
            .map(|t| {
                let e = t.ecs_parameters().expect("filtered on ECS parameters");
                json!({"Id": t.id(), "Arn": t.arn(), "RoleArn": t.role_arn(),
                       "EcsParameters": {"TaskDefinitionArn": e.task_definition_arn(), "TaskCount": e.task_count(),
                                         "LaunchType": e.launch_type().map(|l| l.as_str())}})
            })
            .collect();
        let attrs = AttrsBuilder::new()
            .str("Name", rule.name())
            .str("Arn", Some(arn))
            .str("Description", rule.description())
            .str("State", rule.state().map(|s| s.as_str()))
            .str("ScheduleExpression", rule.schedule_expression())
            .str("EventPattern", rule.event_pattern())
            .str("EventBusName", rule.event_bus_name())
            .json("Targets", Value::Array(target_json))
            .build();
        ctx.page(Kind::EventRule, 1);
        let r = ctx.resource(Kind::EventRule, arn, rule.name().unwrap_or(arn), attrs);
        for t in &ecs {
            let td = t
                .ecs_parameters()
                .map(|e| e.task_definition_arn())
                .unwrap_or_default();
            batch.link(&r.id, ResourceId::from_arn(td), LinkKind::Runs);
        }
        batch.resources.push(r);
    }
    Ok(batch)
}
