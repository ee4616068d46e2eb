//! One collector per service. Each returns the part's resources and links, or why it could
//! not; none knows about regions beyond its context.

mod config;
pub mod data;
pub mod ecs;
pub mod elb;
pub mod global;
pub mod jobs;
mod tagging;
#[cfg(test)]
mod tests;

use super::error::PartError;
use super::part::{Batch, Ctx, Service};

pub async fn collect(service: Service, ctx: &Ctx) -> Result<Batch, PartError> {
    match service {
        Service::Ecs => ecs::collect(ctx).await,
        Service::Elbv2 => elb::collect(ctx).await,
        Service::Rds => data::rds(ctx).await,
        Service::Elasticache => data::elasticache(ctx).await,
        Service::ElasticacheServerless => data::elasticache_serverless(ctx).await,
        Service::Msk => data::msk(ctx).await,
        Service::Acm => config::acm(ctx).await,
        Service::Ssm => config::ssm(ctx).await,
        Service::SecretsManager => config::secrets(ctx).await,
        Service::Logs => config::log_groups(ctx).await,
        Service::Scheduler => jobs::schedules(ctx).await,
        Service::Events => jobs::rules(ctx).await,
        Service::Ecr => config::ecr(ctx).await,
        Service::Tagging => tagging::collect(ctx).await,
        Service::S3 => global::s3(ctx).await,
        Service::CloudFront => global::cloudfront(ctx).await,
        Service::Route53 => global::route53(ctx).await,
    }
}
