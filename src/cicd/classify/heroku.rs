//! Heroku's deploy commands (git remotes and pushes, the CLI, the container registry) and
//! `docker push`, which may go to Heroku's registry or to ECR.

use super::{Ctx, Name, Target, shell};

/// `git remote add NAME https://git.heroku.com/APP.git`, `git push REMOTE|URL …`.
pub(super) fn git(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
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

pub(super) fn heroku(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
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

pub(super) fn docker(ctx: &mut Ctx, args: &[String], push: &mut impl FnMut(Target, &str)) -> bool {
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
