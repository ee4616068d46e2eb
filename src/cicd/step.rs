//! What the classifier produces: deploy steps, their targets and the names they carry.

use serde::Serialize;
use std::fmt;

/// A name a step deploys to: a literal, or the raw text (`$APP`) when it comes from a
/// variable the job does not assign literally.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Name {
    /// Serialised as `name`: a report's `value` field would read as a secret's value.
    #[serde(rename = "name")]
    pub value: String,
    pub resolved: bool,
}

impl Name {
    pub fn literal(v: impl Into<String>) -> Name {
        Name {
            value: v.into(),
            resolved: true,
        }
    }

    pub fn via(v: impl Into<String>) -> Name {
        Name {
            value: v.into(),
            resolved: false,
        }
    }

    /// The literal value, when there is one.
    pub fn get(&self) -> Option<&str> {
        self.resolved.then_some(self.value.as_str())
    }

    pub(crate) fn map(self, f: impl FnOnce(&str) -> String) -> Name {
        if self.resolved {
            Name::literal(f(&self.value))
        } else {
            self
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.resolved {
            f.write_str(&self.value)
        } else {
            write!(f, "via {}", self.value)
        }
    }
}

/// Where a step deploys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Target {
    /// `None`: a Heroku signal that names no app (an API key secret).
    HerokuApp {
        app: Option<Name>,
    },
    EcsService {
        cluster: Option<Name>,
        service: Name,
    },
    /// A one-off task (`aws ecs run-task`): migrations, the release phase.
    EcsTask {
        cluster: Option<Name>,
        family: Option<Name>,
    },
    TaskDefinition {
        family: Name,
    },
    EcrRepository {
        repository: Name,
        registry: String,
    },
    S3Bucket {
        bucket: Name,
    },
    CloudfrontDistribution {
        id: Name,
    },
    /// Infrastructure as code; what it changes is not visible in the commands.
    Iac {
        tool: String,
    },
}

impl Target {
    pub fn is_heroku(&self) -> bool {
        matches!(self, Target::HerokuApp { .. })
    }

    pub fn is_aws(&self) -> bool {
        !self.is_heroku() && !matches!(self, Target::Iac { .. })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |n: &Option<Name>| n.as_ref().map(|n| n.to_string());
        match self {
            Target::HerokuApp { app: Some(a) } => write!(f, "Heroku app {a}"),
            Target::HerokuApp { app: None } => write!(f, "Heroku (no app named)"),
            Target::EcsService { cluster, service } => match opt(cluster) {
                Some(c) => write!(f, "ECS service {service} in cluster {c}"),
                None => write!(f, "ECS service {service}"),
            },
            Target::EcsTask { cluster, family } => {
                write!(
                    f,
                    "one-off ECS task {}",
                    opt(family).unwrap_or_else(|| "(task definition not named)".into())
                )?;
                if let Some(c) = opt(cluster) {
                    write!(f, " in cluster {c}")?;
                }
                Ok(())
            }
            Target::TaskDefinition { family } => write!(f, "task definition {family}"),
            Target::EcrRepository { repository, .. } => write!(f, "ECR repository {repository}"),
            Target::S3Bucket { bucket } => write!(f, "S3 bucket {bucket}"),
            Target::CloudfrontDistribution { id } => write!(f, "CloudFront distribution {id}"),
            Target::Iac { tool } => write!(f, "{tool} apply (provider unknown)"),
        }
    }
}

/// How sure the classification is: a command that deploys, or only a name that suggests it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Command,
    Name,
}

/// One deploy step of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    #[serde(flatten)]
    pub target: Target,
    /// What it does: `git push`, `container:release`, `run`, `update-service`, `sync`, …
    pub action: String,
    pub strength: Strength,
    /// The command (as the fetcher kept it: values redacted), or the name it rests on.
    pub command: String,
}

/// What one job does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobSteps {
    pub steps: Vec<Step>,
    /// Commands that are neither a deploy step nor a known helper (build, test, …).
    pub not_classified: Vec<String>,
}
