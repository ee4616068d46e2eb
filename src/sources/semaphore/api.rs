//! The API's bodies as Ferry reads them: only the fields it keeps. Secrets, env vars and
//! files have no `value` / `content` field here, so a value the API sends is skipped by
//! serde and never enters Ferry's memory as data. Everything is `default` because the
//! gateway emits empty values and the Elixir endpoints `null`s.

use serde::{Deserialize, Deserializer};

/// A string, or `null` read as empty.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Project {
    pub metadata: ProjectMeta,
    pub spec: ProjectSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProjectMeta {
    #[serde(deserialize_with = "lenient_string")]
    pub id: String,
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub description: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProjectSpec {
    pub repository: Repository,
    pub tasks: Option<Vec<Task>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Repository {
    #[serde(deserialize_with = "lenient_string")]
    pub url: String,
    #[serde(deserialize_with = "lenient_string")]
    pub owner: String,
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub integration_type: String,
    #[serde(deserialize_with = "lenient_string")]
    pub pipeline_file: String,
}

/// `{"seconds": N}` (lists), a unix-seconds string (gateway), or a date string (describe).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum Time {
    Proto {
        seconds: i64,
    },
    Text(String),
    Number(i64),
    #[default]
    None,
}

impl Time {
    pub fn to_utc(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::{DateTime, NaiveDateTime, Utc};
        match self {
            Time::Proto { seconds } | Time::Number(seconds) if *seconds > 0 => {
                DateTime::from_timestamp(*seconds, 0)
            }
            Time::Text(s) => {
                if let Ok(n) = s.trim().parse::<i64>() {
                    return (n > 0).then(|| DateTime::from_timestamp(n, 0)).flatten();
                }
                DateTime::parse_from_rfc3339(s.trim())
                    .map(|d| d.with_timezone(&Utc))
                    .ok()
                    .or_else(|| {
                        NaiveDateTime::parse_from_str(
                            s.trim().trim_end_matches('Z'),
                            "%Y-%m-%d %H:%M:%S%.f",
                        )
                        .ok()
                        .map(|n| n.and_utc())
                    })
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PipelineSummary {
    #[serde(deserialize_with = "lenient_string")]
    pub ppl_id: String,
    #[serde(deserialize_with = "lenient_string")]
    pub wf_id: String,
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub yaml_file_name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub working_directory: String,
    #[serde(deserialize_with = "lenient_string")]
    pub branch_name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub state: String,
    #[serde(deserialize_with = "lenient_string")]
    pub result: String,
    pub created_at: Time,
    #[serde(deserialize_with = "lenient_string")]
    pub promotion_of: String,
}

impl PipelineSummary {
    /// `.semaphore/semaphore.yml`: the pipeline file, as the YAML names it.
    pub fn yml_file(&self) -> String {
        let dir = self.working_directory.trim_matches('/');
        match (dir, self.yaml_file_name.as_str()) {
            ("", f) => f.to_string(),
            (d, f) => format!("{d}/{f}"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PipelineDetail {
    pub pipeline: PipelineSummary,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Block {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    pub jobs: Vec<BlockJob>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BlockJob {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub job_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Job {
    pub spec: JobSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JobSpec {
    pub agent: Agent,
    pub env_vars: Vec<Named>,
    pub secrets: Vec<Named>,
    pub commands: Vec<String>,
    pub epilogue_always_commands: Vec<String>,
    pub epilogue_on_pass_commands: Vec<String>,
    pub epilogue_on_fail_commands: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Agent {
    pub machine: Machine,
    pub containers: Vec<Container>,
    pub image_pull_secrets: Vec<Named>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Machine {
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(deserialize_with = "lenient_string")]
    pub os_image: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Container {
    pub secrets: Vec<Named>,
}

/// Anything with a `name` (an env var, a secret reference): the value, if any, is skipped.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Named {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Promotion {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub triggered_by: String,
    pub triggered_at: Time,
    #[serde(deserialize_with = "lenient_string")]
    pub scheduled_pipeline_id: String,
    #[serde(deserialize_with = "lenient_string")]
    pub status: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Task {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub at: String,
    #[serde(deserialize_with = "lenient_string")]
    pub branch: String,
    #[serde(deserialize_with = "lenient_string")]
    pub pipeline_file: String,
    pub paused: Option<bool>,
    pub recurring: Option<bool>,
    #[serde(deserialize_with = "lenient_string")]
    pub status: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeploymentTarget {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub state: String,
    #[serde(deserialize_with = "lenient_string")]
    pub url: String,
    pub subject_rules: Vec<serde::de::IgnoredAny>,
    pub env_vars: Vec<Named>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SecretPage {
    pub secrets: Vec<Secret>,
    #[serde(deserialize_with = "lenient_string")]
    pub next_page_token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Secret {
    pub metadata: SecretMeta,
    pub data: SecretData,
    pub org_config: Option<OrgConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SecretMeta {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SecretData {
    pub env_vars: Vec<Named>,
    pub files: Vec<SecretFile>,
}

/// A secret file's path; its `content` is never read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SecretFile {
    #[serde(deserialize_with = "lenient_string")]
    pub path: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrgConfig {
    pub project_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotificationPage {
    pub notifications: Vec<Notification>,
    #[serde(deserialize_with = "lenient_string")]
    pub next_page_token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notification {
    pub metadata: Named,
    pub spec: NotificationSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotificationSpec {
    pub rules: Vec<NotificationRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotificationRule {
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    pub filter: RuleFilter,
    pub notify: Notify,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleFilter {
    pub projects: Vec<String>,
    pub branches: Vec<String>,
    pub pipelines: Vec<String>,
}

/// Where a rule notifies: channel names are counted, endpoints only seen as present.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notify {
    pub slack: Option<Slack>,
    pub webhook: Option<Webhook>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Slack {
    pub channels: Vec<String>,
}

/// A webhook: whether an endpoint is set, never the URL itself.
#[derive(Debug, Default)]
pub struct Webhook {
    pub endpoint_set: bool,
}

impl<'de> Deserialize<'de> for Webhook {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Raw {
            endpoint: Option<EndpointPresence>,
        }
        /// Reads a string only to see whether it is empty; the text is dropped at once.
        struct EndpointPresence(bool);
        impl<'de> Deserialize<'de> for EndpointPresence {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s: Option<String> = Option::deserialize(d)?;
                Ok(EndpointPresence(s.is_some_and(|s| !s.is_empty())))
            }
        }
        let raw = Raw::deserialize(d)?;
        Ok(Webhook {
            endpoint_set: raw.endpoint.is_some_and(|e| e.0),
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgentTypePage {
    pub agent_types: Vec<AgentType>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgentType {
    pub metadata: Named,
    pub status: AgentTypeStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgentTypeStatus {
    pub total_agent_count: Option<u64>,
}
