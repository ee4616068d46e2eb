//! The previous AWS snapshot, for carry-over: when a part fails (throttled past every
//! retry, a server error) or a whole account cannot be read, its resources from the last
//! good fetch stay in the new snapshot, with their original `fetched_at` and the attribute
//! `ferry_stale: true`, so one bad minute never makes a service vanish from the views.

use std::collections::{BTreeSet, HashSet};

use super::part::{GLOBAL_SCOPE, Place, Service};
use crate::model::{Kind, Link, Resource, ResourceId, SourceSnapshot};
use crate::sources::STALE_ATTR;

#[derive(Debug, Default)]
pub struct Previous {
    resources: Vec<Resource>,
    links: Vec<Link>,
}

impl Previous {
    pub fn new(snapshot: Option<&SourceSnapshot>) -> Self {
        snapshot
            .map(|s| Previous {
                resources: s.resources.clone(),
                links: s.links.clone(),
            })
            .unwrap_or_default()
    }

    /// The previous resources of one part of one account, marked stale, and their links.
    pub fn carry_part(
        &self,
        account: &str,
        service: Service,
        place: &Place,
    ) -> (Vec<Resource>, Vec<Link>) {
        self.carry(|r| {
            let region = r.scope.region.as_deref().unwrap_or_default();
            let in_place = match place {
                Place::Region(p) => region == p,
                // S3 buckets of the global part are scoped to their own regions.
                Place::Global => service == Service::S3 || region == GLOBAL_SCOPE,
            };
            r.scope.account == account && service.kinds().contains(&r.kind) && in_place
        })
    }

    /// The account id a profile had last time (from its `aws_account` resource).
    pub fn account_of_profile(&self, profile: &str) -> Option<String> {
        self.resources
            .iter()
            .find(|r| r.kind == Kind::AwsAccount && r.attr_str("Profile") == Some(profile))
            .map(|r| r.scope.account.clone())
    }

    /// Every account id the previous snapshot has.
    pub fn accounts(&self) -> BTreeSet<String> {
        self.resources
            .iter()
            .map(|r| r.scope.account.clone())
            .collect()
    }

    /// Everything of one account, marked stale.
    pub fn carry_account(&self, account: &str) -> (Vec<Resource>, Vec<Link>) {
        self.carry(|r| r.scope.account == account)
    }

    fn carry(&self, keep: impl Fn(&Resource) -> bool) -> (Vec<Resource>, Vec<Link>) {
        let mut ids: HashSet<&ResourceId> = HashSet::new();
        let mut out = Vec::new();
        for r in self.resources.iter().filter(|r| keep(r)) {
            ids.insert(&r.id);
            let mut r = r.clone();
            r.attrs.insert(STALE_ATTR.into(), true.into());
            out.push(r);
        }
        let links = self
            .links
            .iter()
            .filter(|l| ids.contains(&l.from))
            .cloned()
            .collect();
        (out, links)
    }
}
