//! How one credential's fetch went, and its line in the fetch summary.

use crate::model::{Kind, Resource};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountStats {
    /// Names of the Cloudflare accounts fetched.
    pub accounts: Vec<String>,
    /// Their ids (the `scope.account` of their resources).
    pub account_ids: Vec<String>,
    pub zones: usize,
    /// Zones left out by the configured zone filter.
    pub zones_filtered_out: usize,
    pub records: usize,
    /// Every other resource below the zones and accounts.
    pub others: usize,
    /// Stale resources kept from the previous fetch for unavailable parts.
    pub stale: usize,
    /// Parts (a list of one zone or account) that could not be read.
    pub unavailable_parts: usize,
    /// One note per kind and reason of those parts.
    pub unavailable: Vec<String>,
}

impl AccountStats {
    pub fn count(&mut self, resources: &[Resource]) {
        for r in resources {
            if r.attrs.contains_key(super::previous::STALE_ATTR) {
                self.stale += 1;
            } else if r.kind == Kind::DnsRecord {
                self.records += 1;
            } else {
                self.others += 1;
            }
        }
    }

    /// `Acme Pay: 2 zones, 23 DNS records, 9 other resources; 1 part unavailable`.
    pub fn summary(&self) -> String {
        let names = match self.accounts.len() {
            0 => "no account".to_string(),
            1..=3 => self.accounts.join(", "),
            n => format!("{}, … ({n} accounts)", self.accounts[..2].join(", ")),
        };
        let mut s = format!(
            "{names}: {} zone{}, {} DNS record{}, {} other resource{}",
            self.zones,
            plural(self.zones),
            self.records,
            plural(self.records),
            self.others,
            plural(self.others)
        );
        if self.zones_filtered_out > 0 {
            s.push_str(&format!(
                " ({} zone{} outside the configured filter)",
                self.zones_filtered_out,
                plural(self.zones_filtered_out)
            ));
        }
        if self.unavailable_parts > 0 {
            let n = self.unavailable_parts;
            s.push_str(&format!("; {n} part{} unavailable", plural(n)));
            if self.stale > 0 {
                s.push_str(&format!(" ({} stale resources kept)", self.stale));
            }
        }
        s
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let s = AccountStats {
            accounts: vec!["Acme Pay".into()],
            zones: 2,
            records: 23,
            others: 1,
            zones_filtered_out: 3,
            unavailable_parts: 1,
            stale: 2,
            ..AccountStats::default()
        };
        assert_eq!(
            s.summary(),
            "Acme Pay: 2 zones, 23 DNS records, 1 other resource (3 zones outside the configured filter); \
             1 part unavailable (2 stale resources kept)"
        );
    }
}
