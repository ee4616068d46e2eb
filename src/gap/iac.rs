//! "All infrastructure as code" is part of done: when some IaC state is configured, an item
//! whose AWS counterpart is in no state is at most `partial` ("created by hand: import it
//! into Terraform"). Runs after the checks and the unknown pass, before the ledger (a
//! decision still overrides it). `[iac] unmanaged_is_partial = false` in the rules turns it
//! off; counterparts the ignore list covers, or whose state could not be read, never count.

use super::index::Index;
use super::{Item, Status};
use crate::iac::IacStatus;
use crate::rules::Rules;

pub(super) fn mark_parts(ix: &Index, rules: &Rules, items: &mut [Item]) {
    if !rules.iac.unmanaged_is_partial || !ix.iac.active {
        return;
    }
    for item in items.iter_mut() {
        if !matches!(item.computed, Status::Ready | Status::CutOver) {
            continue;
        }
        let by_hand: Vec<&str> = item
            .counterparts
            .iter()
            .filter(|c| matches!(ix.iac.status_of(&c.id), Some(IacStatus::Unmanaged)))
            .map(|c| c.name.as_str())
            .collect();
        if by_hand.is_empty() {
            continue;
        }
        item.computed = Status::Partial;
        item.status = Status::Partial;
        item.reasons.push(format!(
            "created by hand: import it into Terraform ({} in no IaC state)",
            by_hand.join(", ")
        ));
    }
}
