//! `ferry mark` / `ferry unmark`: record the team's decisions in the ledger.

use chrono::{SubsecRound, Utc};

use super::Context;
use crate::inventory::Inventory;
use crate::ledger::{Decision, Entry, Ledger, current_user};
use crate::model::ResourceId;
use crate::text::escape;

/// An id that is not in the inventory: an error naming the closest ids, unless `force`.
fn check_known(inventory: &Inventory, id: &str, what: &str, force: bool) -> anyhow::Result<()> {
    if force || inventory.get(&ResourceId::from_raw(id)).is_some() {
        return Ok(());
    }
    let mut close: Vec<(f64, &str)> = inventory
        .resources
        .iter()
        .map(|r| (strsim::jaro_winkler(r.id.as_str(), id), r.id.as_str()))
        .filter(|(score, _)| *score > 0.85)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    let hint = if close.is_empty() {
        "`ferry list` shows every id".to_string()
    } else {
        let ids: Vec<&str> = close.iter().take(3).map(|(_, id)| *id).collect();
        format!("did you mean {}?", escape(&ids.join(", ")))
    };
    anyhow::bail!(
        "{what} `{}` is not in the cache; {hint} (use --force to record it anyway)",
        escape(id)
    )
}

pub fn mark(
    ctx: &Context,
    id: &str,
    status: Decision,
    note: Option<String>,
    counterpart: Option<String>,
    force: bool,
) -> anyhow::Result<()> {
    let inventory = ctx.read_store()?.load_latest()?;
    // Deploy items stand for no one resource: the analysis below decides whether they exist.
    check_known(
        &inventory,
        id,
        "resource",
        force || crate::gap::is_made_up_item_id(id),
    )?;
    if let Some(c) = &counterpart {
        check_known(&inventory, c, "counterpart", force)?;
    }
    let path = ctx.ledger_path();
    let entry = Entry {
        status,
        note: note.filter(|n| !n.trim().is_empty()),
        counterpart: counterpart.map(ResourceId::from_raw),
        by: current_user(),
        // Whole seconds: the ledger is read by people and diffed in reviews.
        at: Utc::now().trunc_subsecs(0),
    };
    let key = ResourceId::from_raw(id);
    // One analysis with the decision in place answers both questions: is this a migration
    // item (a mark on anything else would be kept but never shown; the UI refuses it the
    // same way), and does the decision contradict the estate.
    let mut proposed = Ledger::load(&path)?;
    proposed.items.insert(key.clone(), entry.clone());
    let gap = super::gaps::analyze_inventory(&inventory, &proposed, &ctx.rules());
    let item = gap.item(&key);
    if item.is_none() && !force {
        anyhow::bail!(
            "`{}` is not a migration item: mark a Heroku app or one of its parts (process \
             type, add-on, domain, config vars, drain, pipeline stage); `ferry gaps --ids` \
             lists them (--force records it anyway)",
            escape(id)
        );
    }
    Ledger::update(&path, |l| {
        l.items.insert(key.clone(), entry);
    })?;
    // Ids and contradictions quote the estate: escaped for the terminal.
    eprintln!(
        "Marked {} {} in {}",
        escape(id),
        status.as_str(),
        path.display()
    );
    for c in item.iter().flat_map(|i| &i.contradictions) {
        eprintln!("warning: {}", escape(&c.to_string()));
    }
    Ok(())
}

pub fn unmark(ctx: &Context, id: &str) -> anyhow::Result<()> {
    let path = ctx.ledger_path();
    let key = ResourceId::from_raw(id);
    let mut removed = false;
    Ledger::update(&path, |l| removed = l.items.remove(&key).is_some())?;
    if removed {
        eprintln!("Removed {} from {}", escape(id), path.display());
    } else {
        eprintln!(
            "{} was not in the ledger {}; nothing to do",
            escape(id),
            path.display()
        );
    }
    Ok(())
}
