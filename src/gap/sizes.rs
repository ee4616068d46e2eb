//! The smallest Fargate task that replaces a dyno size.
//!
//! Heroku's own answer comes first: the account's `GET /dyno-sizes` (`heroku_dyno_size`
//! resources under the account) gives each size's memory, so sizes Heroku adds later (Fir
//! sizes, new Private sizes) need no release of Ferry. Memory is taken as Heroku states it;
//! the cpu is the smallest Fargate cpu that allows that memory, raised to the rules
//! table's cpu where the table knows the size (Heroku's `compute` is "minimum vCPUs" of a
//! shared dyno, not a Fargate figure). Without a fetched size (offline, the demo, or the
//! list was not read) the rules table (`[rules.dyno_sizes]`) decides alone. A size
//! neither knows cannot be checked: that is said, not guessed.

use serde_json::Value;

use super::index::Index;
use crate::model::{Kind, Provider, Resource, ResourceId};
use crate::rules::{Rules, TaskSize};

/// Fargate cpu units and the most memory (MiB) each allows, smallest first.
const FARGATE: [(u32, u32); 7] = [
    (256, 2048),
    (512, 4096),
    (1024, 8192),
    (2048, 16384),
    (4096, 30720),
    (8192, 61440),
    (16384, 122_880),
];

pub(super) enum Need {
    /// The task must have at least this much; `from` says where the figure comes from,
    /// `note` is worth showing beside the check (the fallback's cause).
    Min {
        size: TaskSize,
        from: String,
        note: Option<String>,
    },
    /// More memory than any Fargate task has.
    BeyondFargate(String),
    /// Neither Heroku's list nor the table knows the size.
    Unknown(String),
}

fn fargate_cpu(memory: u32) -> Option<u32> {
    FARGATE
        .iter()
        .find(|(_, max)| memory <= *max)
        .map(|(cpu, _)| *cpu)
}

/// The account's fetched size called `name` (sizes are compared case-insensitively:
/// formations say `standard-2X` as often as `Standard-2X`).
fn fetched<'a>(ix: &Index<'a>, app: &Resource, name: &str) -> Option<&'a Resource> {
    let account = ix.get(&ResourceId::new(
        Provider::Heroku,
        "account",
        &[&app.scope.account],
    ))?;
    ix.parts(account, Kind::DynoSize)
        .into_iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
}

fn table(rules: &Rules, name: &str) -> Option<TaskSize> {
    rules.dyno_sizes.get(name).copied().or_else(|| {
        rules
            .dyno_sizes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    })
}

/// What a process of dyno size `name` of `app` needs on Fargate.
pub(super) fn minimum(ix: &Index, rules: &Rules, app: &Resource, name: &str) -> Need {
    let from_table = table(rules, name);
    let memory_gb = fetched(ix, app, name)
        .and_then(|s| s.attrs.get("memory"))
        .and_then(Value::as_f64)
        .filter(|m| *m > 0.0);
    if let Some(gb) = memory_gb {
        let memory = (gb * 1024.0).ceil() as u32;
        let Some(cpu) = fargate_cpu(memory) else {
            return Need::BeyondFargate(format!(
                "{name} has {gb} GB, more than a Fargate task's 120 GB: run it on ECS with EC2 capacity"
            ));
        };
        let cpu = cpu.max(from_table.map_or(0, |t| t.cpu));
        return Need::Min {
            size: TaskSize { cpu, memory },
            from: format!("{name}'s {gb} GB (Heroku's dyno sizes)"),
            note: None,
        };
    }
    // Not fetched: why matters when the table must stand in or cannot.
    let unread = ix.coverage.kinds_unknown(&[Kind::DynoSize]);
    match from_table {
        Some(size) => Need::Min {
            size,
            from: format!("{name}'s"),
            note: unread.map(|why| {
                format!("size from the rules table: Heroku's dyno sizes were not read ({why})")
            }),
        },
        None => Need::Unknown(match unread {
            Some(why) => format!(
                "dyno size `{name}` is not in the rules table and Heroku's dyno sizes were not read ({why}); add it under [rules.dyno_sizes] or fetch again"
            ),
            None => format!(
                "dyno size `{name}` is unknown to Heroku's dyno sizes and to the rules table (add it under [rules.dyno_sizes])"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fargate_cpu_is_the_smallest_that_allows_the_memory() {
        assert_eq!(fargate_cpu(512), Some(256));
        assert_eq!(fargate_cpu(2560), Some(512));
        assert_eq!(fargate_cpu(14336), Some(2048));
        assert_eq!(fargate_cpu(63488), Some(16384));
        assert_eq!(fargate_cpu(129_024), None);
    }
}
