//! The Resource Groups Tagging API: tags for every tagged resource of a region, and the
//! discovery of tagged resource types Ferry has no collector for. It only sees resources
//! that are or were tagged, so it complements the services' own list calls.

use super::super::error::{PartError, classify};
use super::super::part::{Batch, Ctx, tag_map};
use crate::model::Kind;

pub async fn collect(ctx: &Ctx) -> Result<Batch, PartError> {
    let _p = ctx.permit().await;
    let mut batch = Batch::default();
    let mut pages = ctx
        .clients
        .tagging
        .get_resources()
        .resources_per_page(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("GetResources", &e))?;
        ctx.page(Kind::TaggedResource, page.resource_tag_mapping_list().len());
        for m in page.resource_tag_mapping_list() {
            let Some(arn) = m.resource_arn() else {
                continue;
            };
            let tags = tag_map(m.tags().iter().map(|t| (t.key(), t.value())));
            batch.tags.entry(arn.to_string()).or_default().extend(tags);
        }
    }
    Ok(batch)
}
