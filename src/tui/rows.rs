//! The rows of the gaps and cutover views, derived from the state (filtered and
//! sorted). Shared by drawing and by `update` (Enter jumps to the row's resource).

use super::state::{AppState, GapSort};
use crate::gap::{DnsRow, Item, ItemKind};
use crate::model::{Kind, Provider, Resource, ResourceId, Scope};

/// Gap items (app index, item index) that pass the filter, grouped by app, sorted within
/// each app by the chosen column. Under a filter, the apps holding the best matches come
/// first (stable: equal apps keep the report's order).
pub fn gap_rows(state: &AppState) -> Vec<(usize, usize)> {
    let mut scratch = super::rank::Scratch::default();
    let mut groups: Vec<(u8, Vec<(usize, usize)>)> = Vec::new();
    for (a, app) in state.gap.apps.iter().enumerate() {
        let mut best = 0u8;
        let mut items: Vec<usize> = (0..app.items.len())
            .filter(|&i| {
                if state.filter.is_empty() {
                    return true;
                }
                let item = &app.items[i];
                let score = match state.inventory.get(&item.id) {
                    Some(r) => state.filter.score(r, &state.filter_facts, &mut scratch),
                    None => {
                        let r = stand_in(item);
                        state.filter.score(&r, &state.filter_facts, &mut scratch)
                    }
                };
                best = best.max(score);
                score > 0
            })
            .collect();
        // A matching part keeps its app's row above it as the group's heading, even when
        // the app itself does not match: rows never sit under another app's heading.
        if !items.is_empty() && !items.contains(&0) && !app.items.is_empty() {
            items.push(0);
        }
        let key = |i: &usize| sort_key(&app.items[*i], state.gaps_sort);
        // The app-level row stays first; its parts sort beneath it.
        items.sort_by(|x, y| {
            let (kx, ky) = ((*x != 0, key(x)), (*y != 0, key(y)));
            if state.gaps_desc && *x != 0 && *y != 0 {
                ky.cmp(&kx)
            } else {
                kx.cmp(&ky)
            }
        });
        groups.push((best, items.into_iter().map(|i| (a, i)).collect()));
    }
    groups.sort_by_key(|(best, _)| std::cmp::Reverse(*best));
    groups.into_iter().flat_map(|(_, rows)| rows).collect()
}

/// Items the analysis makes up (an app's `deploy` item, a periodic task on Heroku) have no
/// inventory resource: the filter sees a stand-in with the item's id and name, so text,
/// `kind:deploy`, `status:` and `app:` find them like any other row.
fn stand_in(item: &Item) -> Resource {
    let kind = match item.kind {
        ItemKind::PeriodicTask => Kind::SemaphoreTask,
        _ => Kind::SemaphorePipeline,
    };
    Resource {
        id: item.id.clone(),
        provider: item.id.provider().unwrap_or(Provider::Heroku),
        kind,
        name: item.name.clone(),
        parent: None,
        scope: Scope::default(),
        attrs: Default::default(),
        tags: Default::default(),
        fetched_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
    }
}

fn sort_key(item: &Item, sort: GapSort) -> (String, String) {
    let first = match sort {
        GapSort::Item => item.name.to_ascii_lowercase(),
        GapSort::Kind => item.kind.as_str().to_string(),
        GapSort::Counterpart => item
            .counterparts
            .first()
            .map(|c| c.name.to_ascii_lowercase())
            .unwrap_or_else(|| "\u{10ffff}".into()),
        GapSort::Status => format!("{:02}", item.status as u8),
    };
    (first, item.name.to_ascii_lowercase())
}

/// DNS rows whose hostname, target or app matches the filter's text (qualifiers apply to
/// the record itself).
pub fn cutover_rows(state: &AppState) -> Vec<&DnsRow> {
    let mut scratch = super::rank::Scratch::default();
    state
        .gap
        .dns
        .iter()
        .filter(|row| {
            if state.filter.is_empty() {
                return true;
            }
            let record = row.record.as_ref().and_then(|id| state.inventory.get(id));
            match record {
                Some(r) => state.filter.matches(r, &state.filter_facts, &mut scratch),
                None => row
                    .app
                    .as_ref()
                    .and_then(|a| {
                        state
                            .inventory
                            .get(&ResourceId::from_raw(format!("heroku:app/{a}")))
                    })
                    .is_some_and(|r| state.filter.matches(r, &state.filter_facts, &mut scratch)),
            }
        })
        .collect()
}
