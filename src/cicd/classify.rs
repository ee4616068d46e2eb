//! Deploy classification: a CI job's commands, env var names and secret names → the deploy
//! steps it takes (Heroku, ECS, ECR, S3, CloudFront, Terraform and friends), each with what
//! it names. The signals are those of the Semaphore reference (§3.2); anything else is kept
//! as "not classified", never guessed.

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

use super::shell::{self, Vars};

/// A name a step deploys to: a literal, or the raw text (`$APP`) when it comes from a
/// variable the job does not assign literally.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Name {
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

    fn map(self, f: impl FnOnce(&str) -> String) -> Name {
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

/// Commands known not to deploy anything: kept out of "not classified" so that list shows
/// what a person should look at.
const HELPERS: &[&str] = &[
    "checkout",
    "cache",
    "sem-version",
    "sem-service",
    "artifact",
    "test-results",
    "cd",
    "echo",
    "printf",
    "source",
    ".",
    "set",
    "true",
    "sleep",
    "mkdir",
    "ls",
    "cat",
    "pwd",
];

struct Ctx<'a> {
    vars: Vars,
    /// git remote name → Heroku app.
    remotes: HashMap<String, Name>,
    env_names: &'a [String],
}

impl Ctx<'_> {
    fn name(&self, word: &str) -> Name {
        match self.vars.expand(word) {
            Ok(v) => Name::literal(v),
            Err(raw) => Name::via(raw),
        }
    }

    fn has_env(&self, name: &str) -> bool {
        self.env_names.iter().any(|n| n == name)
    }
}

/// Classifies one job: its commands (prologue first, epilogue last), the names of its env
/// vars and of its secrets.
pub fn classify_job(
    commands: &[String],
    env_names: &[String],
    secret_names: &[String],
) -> JobSteps {
    let mut ctx = Ctx {
        vars: Vars::default(),
        remotes: HashMap::new(),
        env_names,
    };
    let mut out = JobSteps::default();
    for line in shell::join_continuations(commands) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut classified = false;
        let mut helper = true;
        for words in shell::simple_commands(line) {
            match command(&mut ctx, &words, line, &mut out.steps, 0) {
                Seen::Step => classified = true,
                Seen::Helper => {}
                Seen::Other => helper = false,
            }
        }
        if !classified && !helper {
            out.not_classified.push(line.to_string());
        }
    }
    name_signals(&ctx, secret_names, &mut out.steps);
    out
}

/// Env var and secret names that point at Heroku, when no command did: the step names the
/// app only through a variable (or not at all).
fn name_signals(ctx: &Ctx, secret_names: &[String], steps: &mut Vec<Step>) {
    if steps.iter().any(|s| s.target.is_heroku()) {
        return;
    }
    let signal = |app: Option<Name>, command: String| Step {
        target: Target::HerokuApp { app },
        action: "credentials".into(),
        strength: Strength::Name,
        command,
    };
    if ctx.has_env("HEROKU_APP_NAME") {
        steps.push(signal(
            Some(Name::via("$HEROKU_APP_NAME")),
            "env var HEROKU_APP_NAME".into(),
        ));
    } else if ctx.has_env("HEROKU_API_KEY") {
        steps.push(signal(None, "env var HEROKU_API_KEY".into()));
    } else if let Some(s) = secret_names
        .iter()
        .find(|s| s.to_ascii_lowercase().contains("heroku"))
    {
        steps.push(signal(None, format!("secret {s}")));
    }
}

enum Seen {
    Step,
    Helper,
    Other,
}

fn command(ctx: &mut Ctx, words: &[String], line: &str, steps: &mut Vec<Step>, depth: u8) -> Seen {
    let words = shell::unwrap(words, &mut ctx.vars);
    let Some(program) = words.first() else {
        return Seen::Helper;
    };
    let program = program.rsplit('/').next().unwrap_or(program);
    let args = &words[1..];
    if matches!(program, "bash" | "sh" | "zsh")
        && depth < 3
        && let Some(script) = shell::option(args, &["-c"])
    {
        let mut seen = Seen::Helper;
        for w in shell::simple_commands(script) {
            match command(ctx, &w, line, steps, depth + 1) {
                Seen::Step => seen = Seen::Step,
                Seen::Other if !matches!(seen, Seen::Step) => seen = Seen::Other,
                _ => {}
            }
        }
        return seen;
    }
    let before = steps.len();
    let mut push = |target: Target, action: &str| {
        steps.push(Step {
            target,
            action: action.to_string(),
            strength: Strength::Command,
            command: line.to_string(),
        })
    };
    let known = match program {
        "git" => git(ctx, args, &mut push),
        "heroku" => heroku(ctx, args, &mut push),
        "docker" | "podman" => docker(ctx, args, &mut push),
        "dpl" => {
            let provider = shell::option(args, &["--provider"])
                .or_else(|| shell::positionals(args, &[]).first().copied());
            if provider == Some("heroku") {
                let app = shell::option(args, &["--app"]).map(|a| ctx.name(a));
                push(Target::HerokuApp { app }, "dpl");
                true
            } else {
                false
            }
        }
        "aws" => aws(ctx, args, &mut push),
        "ecs-deploy" => {
            let cluster = shell::option(args, &["-c", "--cluster"]).map(|c| ctx.name(c));
            match shell::option(args, &["-n", "--service-name"]) {
                Some(s) => push(
                    Target::EcsService {
                        cluster,
                        service: ctx.name(s),
                    },
                    "ecs-deploy",
                ),
                None => {
                    let family = shell::option(args, &["-d", "--task-definition"])
                        .map(|f| task_family(ctx.name(f)));
                    push(Target::EcsTask { cluster, family }, "ecs-deploy")
                }
            }
            true
        }
        // fabfuel/ecs-deploy: `ecs deploy CLUSTER SERVICE`.
        "ecs" => {
            let pos = shell::positionals(args, &["-t", "--tag", "-i", "--image", "--region"]);
            match pos.as_slice() {
                ["deploy", cluster, service, ..] => {
                    push(
                        Target::EcsService {
                            cluster: Some(ctx.name(cluster)),
                            service: ctx.name(service),
                        },
                        "ecs deploy",
                    );
                    true
                }
                _ => false,
            }
        }
        "copilot" => {
            let pos = shell::positionals(args, &["--name", "-n", "--env", "-e", "--app", "-a"]);
            match (pos.as_slice(), shell::option(args, &["--name", "-n"])) {
                (["svc" | "job", "deploy", ..], Some(name)) => {
                    push(
                        Target::EcsService {
                            cluster: None,
                            service: ctx.name(name),
                        },
                        "copilot deploy",
                    );
                    true
                }
                _ => false,
            }
        }
        "terraform" | "tofu" | "terragrunt" => {
            let pos = shell::positionals(args, &[]);
            if pos.contains(&"apply") || pos.contains(&"destroy") {
                let action = if pos.contains(&"destroy") {
                    "destroy"
                } else {
                    "apply"
                };
                push(
                    Target::Iac {
                        tool: program.to_string(),
                    },
                    action,
                );
                true
            } else {
                return Seen::Helper;
            }
        }
        "cdk" | "sam" | "serverless" | "sls" | "pulumi" => {
            let verb = if program == "pulumi" { "up" } else { "deploy" };
            if shell::positionals(args, &[]).first() == Some(&verb) {
                push(
                    Target::Iac {
                        tool: program.to_string(),
                    },
                    verb,
                );
            }
            false
        }
        "s3cmd" => {
            let pos = shell::positionals(args, &[]);
            if matches!(pos.first(), Some(&("sync" | "put" | "del" | "rm")))
                && let Some(b) = pos.iter().rev().find_map(|p| s3_bucket(ctx, p))
            {
                push(Target::S3Bucket { bucket: b }, "s3cmd");
                true
            } else {
                false
            }
        }
        "s3deploy" => match shell::option(args, &["-bucket", "--bucket"]) {
            Some(b) => {
                push(
                    Target::S3Bucket {
                        bucket: ctx.name(b),
                    },
                    "s3deploy",
                );
                true
            }
            None => false,
        },
        p if HELPERS.contains(&p) => return Seen::Helper,
        _ => false,
    };
    if steps.len() > before {
        Seen::Step
    } else if known {
        Seen::Helper
    } else {
        Seen::Other
    }
}

/// `git remote add NAME https://git.heroku.com/APP.git`, `git push REMOTE|URL …`.
fn git(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
    let pos = shell::positionals(args, &["-C", "-c", "-o", "--push-option", "--repo"]);
    match pos.as_slice() {
        ["remote", "add", name, url, ..] | ["remote", "set-url", name, url, ..] => {
            if let Some(app) = heroku_git_app(ctx, url) {
                ctx.remotes.insert(name.to_string(), app);
            }
            true
        }
        ["push", remote, ..] => {
            if let Some(app) = heroku_git_app(ctx, remote) {
                push(Target::HerokuApp { app: Some(app) }, "git push");
            } else if let Some(app) = ctx.remotes.get(*remote) {
                push(
                    Target::HerokuApp {
                        app: Some(app.clone()),
                    },
                    "git push",
                );
            } else if *remote == "heroku" {
                push(
                    Target::HerokuApp {
                        app: Some(Name::via("git remote `heroku`")),
                    },
                    "git push",
                );
            } else {
                return false;
            }
            true
        }
        _ => false,
    }
}

/// The app of a Heroku git URL: `https://[…@]git.heroku.com/APP.git`, `git@heroku.com:APP.git`.
fn heroku_git_app(ctx: &Ctx, url: &str) -> Option<Name> {
    let rest = if let Some(r) = url.strip_prefix("git@heroku.com:") {
        r
    } else {
        let after_scheme = url.split_once("://")?.1;
        let after_user = after_scheme
            .rsplit_once('@')
            .map_or(after_scheme, |(_, h)| h);
        after_user.strip_prefix("git.heroku.com/")?
    };
    let app = rest.trim_end_matches('/').trim_end_matches(".git");
    (!app.is_empty()).then(|| ctx.name(app))
}

fn heroku(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
    let with_value = [
        "-a", "--app", "-r", "--remote", "-t", "--to", "-s", "--size",
    ];
    let Some(sub) = shell::positionals(args, &with_value).first().copied() else {
        return false;
    };
    let app = shell::option(args, &["-a", "--app"])
        .map(|a| ctx.name(a))
        .or_else(|| {
            shell::option(args, &["-r", "--remote"]).and_then(|r| ctx.remotes.get(r).cloned())
        })
        .or_else(|| ctx.remotes.get("heroku").cloned())
        .or_else(|| ctx.has_env("HEROKU_APP").then(|| Name::via("$HEROKU_APP")));
    if sub == "git:remote" {
        if let Some(app) = app {
            let remote = shell::option(args, &["-r", "--remote"]).unwrap_or("heroku");
            ctx.remotes.insert(remote.to_string(), app);
        }
        return true;
    }
    if matches!(
        sub,
        "container:login" | "login" | "auth:token" | "auth:whoami" | "version"
    ) || sub.starts_with("plugins")
        || sub.starts_with("auth:")
    {
        return true;
    }
    match sub {
        "pipelines:promote" => {
            let to = shell::option(args, &["-t", "--to"])
                .map(|t| ctx.name(t))
                .or_else(|| app.map(|a| Name::via(format!("the stage after {a}"))));
            push(Target::HerokuApp { app: to }, "pipelines:promote");
        }
        "run" | "run:detached" | "run:inside" => push(Target::HerokuApp { app }, "run"),
        "container:push" | "container:release" | "releases:rollback" | "builds:create" => {
            push(Target::HerokuApp { app }, sub)
        }
        _ => push(Target::HerokuApp { app }, sub),
    }
    true
}

fn docker(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
    let pos = shell::positionals(
        args,
        &["-t", "--tag", "-f", "--file", "--platform", "--build-arg"],
    );
    let images: Vec<&str> = match pos.as_slice() {
        ["push", image, ..] | ["image", "push", image, ..] => vec![image],
        // `docker buildx build --push -t IMAGE`.
        ["buildx", "build", ..] | ["build", ..] if args.iter().any(|a| a == "--push") => tags(args),
        [
            "login" | "build" | "tag" | "pull" | "run" | "buildx" | "compose" | "images",
            ..,
        ] => {
            return true;
        }
        _ => return false,
    };
    for image in images {
        // The tag (often `$SEMAPHORE_GIT_SHA`) names no target: drop it before expanding.
        let image = image.split('@').next().unwrap_or(image);
        let untagged = match image.rfind(':') {
            Some(i) if i > image.rfind('/').unwrap_or(0) => &image[..i],
            _ => image,
        };
        let image = ctx.name(untagged);
        let Some(literal) = image.get() else {
            // A registry behind a variable: no telling whether it is ECR or Heroku.
            continue;
        };
        let (registry, repo) = literal.split_once('/').unwrap_or(("", literal));
        if registry == "registry.heroku.com" {
            let app = repo.split('/').next().unwrap_or(repo);
            push(
                Target::HerokuApp {
                    app: Some(Name::literal(app)),
                },
                "docker push",
            );
        } else if registry.contains(".dkr.ecr.") && registry.ends_with(".amazonaws.com") {
            push(
                Target::EcrRepository {
                    repository: Name::literal(repo),
                    registry: registry.to_string(),
                },
                "docker push",
            );
        }
    }
    true
}

fn tags(args: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a == "-t" || a == "--tag" {
            if let Some(v) = args.get(i + 1) {
                out.push(v.as_str());
            }
        } else if let Some(v) = a.strip_prefix("--tag=") {
            out.push(v);
        }
    }
    out
}

/// `family`, `family:7`, or a task-definition ARN → the family.
fn task_family(n: Name) -> Name {
    n.map(|v| {
        let v = v.rsplit_once("task-definition/").map_or(v, |(_, f)| f);
        v.split(':').next().unwrap_or(v).to_string()
    })
}

/// A cluster or service given by ARN → its name.
fn last_segment(n: Name) -> Name {
    n.map(|v| v.rsplit('/').next().unwrap_or(v).to_string())
}

fn s3_bucket(ctx: &Ctx, word: &str) -> Option<Name> {
    let rest = word.strip_prefix("s3://")?;
    let bucket = rest.split('/').next().unwrap_or(rest);
    Some(ctx.name(bucket))
}

fn aws(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
    let globals = [
        "--region",
        "--profile",
        "--output",
        "--endpoint-url",
        "--query",
    ];
    let pos = shell::positionals(args, &globals);
    let (Some(service), Some(op)) = (pos.first().copied(), pos.get(1).copied()) else {
        return false;
    };
    let opt = |names: &[&str]| shell::option(args, names);
    let cluster = opt(&["--cluster"]).map(|c| last_segment(ctx.name(c)));
    match (service, op) {
        ("ecs", "update-service") | ("ecs", "deploy") => {
            let Some(s) = opt(&["--service"]) else {
                return false;
            };
            push(
                Target::EcsService {
                    cluster,
                    service: last_segment(ctx.name(s)),
                },
                op,
            );
        }
        ("ecs", "run-task") | ("ecs", "start-task") => {
            let family = opt(&["--task-definition"]).map(|f| task_family(ctx.name(f)));
            push(Target::EcsTask { cluster, family }, op);
        }
        ("ecs", "register-task-definition") => {
            let family = match (opt(&["--family"]), opt(&["--cli-input-json"])) {
                (Some(f), _) => ctx.name(f),
                (None, Some(file)) => Name::via(format!("the family in {file}")),
                (None, None) => Name::via("an unnamed family"),
            };
            push(Target::TaskDefinition { family }, op);
        }
        ("ecs", _) | ("ecr", _) | ("sts", _) | ("sso", _) | ("configure", _) => {}
        ("s3", "sync" | "cp" | "mv") => {
            let values = [
                "--acl",
                "--exclude",
                "--include",
                "--cache-control",
                "--content-type",
            ];
            let mut with_value: Vec<&str> = globals.to_vec();
            with_value.extend(values);
            let pos = shell::positionals(args, &with_value);
            // The last path is the destination: a copy from S3 to disk deploys nothing.
            match pos.last().and_then(|d| s3_bucket(ctx, d)) {
                Some(bucket) if pos.len() >= 4 => push(Target::S3Bucket { bucket }, op),
                _ => return true,
            }
        }
        ("s3", "rm") => match pos.iter().find_map(|p| s3_bucket(ctx, p)) {
            Some(bucket) => push(Target::S3Bucket { bucket }, op),
            None => return false,
        },
        ("s3api", "put-object") => match opt(&["--bucket"]) {
            Some(b) => push(
                Target::S3Bucket {
                    bucket: ctx.name(b),
                },
                op,
            ),
            None => return false,
        },
        ("cloudfront", "create-invalidation") => match opt(&["--distribution-id"]) {
            Some(id) => push(Target::CloudfrontDistribution { id: ctx.name(id) }, op),
            None => return false,
        },
        _ => return false,
    }
    true
}
