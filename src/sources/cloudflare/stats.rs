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
    /// Parts (a list of one zone or account) that could not be read for lack of a
    /// permission or product.
    pub unavailable_parts: usize,
    /// Parts whose answer was not usable (invalid JSON, a body not recognised).
    pub failed_parts: usize,
    /// One note per kind and reason of those parts (unavailable and failed).
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
        for (n, what) in [
            (self.failed_parts, "failed"),
            (self.unavailable_parts, "unavailable"),
        ] {
            if n > 0 {
                s.push_str(&format!("; {n} part{} {what}", plural(n)));
            }
        }
        if self.stale > 0 && self.failed_parts + self.unavailable_parts > 0 {
            s.push_str(&format!(" ({} stale resources kept)", self.stale));
        }
        s
    }

    /// The summary, or an error when a part failed: its data was not read, so the fetch
    /// is not reported as a success (the snapshot is still stored, with the failure marked
    /// on the zone or account and the previous resources of that part kept stale).
    pub fn outcome(&self) -> Result<String, String> {
        match self.failed_parts {
            0 => Ok(self.summary()),
            n => Err(format!(
                "{n} part{} failed (see the notes); saved: {}",
                plural(n),
                self.summary()
            )),
        }
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
        assert!(s.outcome().is_ok());
        let s = AccountStats {
            failed_parts: 1,
            ..s
        };
        assert_eq!(
            s.outcome().unwrap_err(),
            "1 part failed (see the notes); saved: Acme Pay: 2 zones, 23 DNS records, 1 other \
             resource (3 zones outside the configured filter); 1 part failed; 1 part unavailable \
             (2 stale resources kept)"
        );
    }
}
