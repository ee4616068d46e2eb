//! Deploy classification: a CI job's commands, env var names and secret names → the deploy
//! steps it takes (Heroku, ECS, ECR, S3, CloudFront, Terraform and friends), each with what
//! it names. The signals are those of the Semaphore reference (§3.2); anything else is kept
//! as "not classified", never guessed.

use std::collections::HashMap;

mod aws;
mod heroku;

use super::shell::{self, Vars};
pub use super::step::{JobSteps, Name, Step, Strength, Target};
use aws::{s3_bucket, task_family};

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

pub(super) struct Ctx<'a> {
    pub(super) vars: Vars,
    /// git remote name → Heroku app.
    pub(super) remotes: HashMap<String, Name>,
    env_names: &'a [String],
}

impl Ctx<'_> {
    pub(super) fn name(&self, word: &str) -> Name {
        match self.vars.expand(word) {
            Ok(v) => Name::literal(v),
            Err(raw) => Name::via(raw),
        }
    }

    pub(super) fn has_env(&self, name: &str) -> bool {
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
        "git" => heroku::git(ctx, args, &mut push),
        "heroku" => heroku::heroku(ctx, args, &mut push),
        "docker" | "podman" => heroku::docker(ctx, args, &mut push),
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
        "aws" => aws::aws(ctx, args, &mut push),
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
