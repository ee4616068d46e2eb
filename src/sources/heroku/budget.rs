//! The account's rate-limit budget.
//!
//! Heroku gives each account a pool of 4,500 request tokens refilled at about 75 a
//! minute, shared by everything that uses the account (the dashboard, CI, autoscalers).
//! Ferry keeps its own estimate of what is left, corrected by every `RateLimit-Remaining`
//! header (down at once, up only beyond what requests in flight explain), and never starts
//! work that would take the pool below the configured floor, so one refresh cannot starve
//! the other users of the account.
//!
//! Per-app work reserves its whole cost before it starts (so an app is either refreshed
//! completely or left stale); account-wide lists are spent as they go, each request only
//! while the estimate stays at or above the floor.
//!
//! A 429 says the pool is empty *now*, not for the rest of the fetch: the estimate drops
//! to 0 and headers may only lower it until the client has waited the 429's `Retry-After`
//! and re-read the free `GET /account/rate-limits` ([`RateBudget::resynced`]); from then
//! on the server's counts are trusted as before.

use std::time::{Duration, Instant};

/// The size of an account's token pool (Heroku's documented default).
pub const POOL: i64 = 4500;
/// Tokens Heroku adds back per minute.
pub const REFILL_PER_MINUTE: i64 = 75;

#[derive(Debug, Clone)]
pub struct RateBudget {
    /// Best estimate of the tokens left once every reserved request has been made.
    estimate: i64,
    floor: i64,
    /// Tokens reserved for requests not yet answered.
    outstanding: i64,
    /// How far a header may be out of date (responses overtake each other): a higher
    /// server count raises the estimate only by what lies beyond it.
    slack: i64,
    /// Set by a 429: when the pool may be re-read. Until then no header raises the estimate.
    resync_at: Option<Instant>,
    /// The re-read after a 429 failed: no header raises the estimate for the rest of the
    /// fetch (only another 429's re-read could).
    frozen: bool,
}

impl RateBudget {
    /// Starts from the account's remaining tokens (from `GET /account/rate-limits`).
    pub fn new(remaining: i64, floor: i64) -> Self {
        RateBudget {
            estimate: remaining,
            floor,
            outstanding: 0,
            // Never raise until told how many requests can be in flight.
            slack: i64::MAX / 4,
            resync_at: None,
            frozen: false,
        }
    }

    /// Lets headers raise the estimate, discounting `in_flight` requests whose answers may
    /// arrive late with an older, higher count. Refills during a long fetch, and `304 Not
    /// Modified` answers if Heroku does not charge them, then become usable.
    pub fn with_slack(mut self, in_flight: i64) -> Self {
        self.slack = in_flight.max(0);
        self
    }

    pub fn floor(&self) -> i64 {
        self.floor
    }

    /// Tokens left by Ferry's estimate (requests in flight already taken off), never
    /// below 0: the estimate itself can dip below when requests overtake a low header, but
    /// the pool cannot hold a negative number of tokens.
    pub fn left(&self) -> i64 {
        self.estimate.max(0)
    }

    /// Whether the budget is at or below the floor: nothing new may start.
    pub fn exhausted(&self) -> bool {
        self.estimate <= self.floor
    }

    /// Reserves `cost` tokens if that keeps the estimate at or above the floor.
    pub fn try_reserve(&mut self, cost: i64) -> bool {
        if self.estimate - cost < self.floor {
            return false;
        }
        self.estimate -= cost;
        self.outstanding += cost;
        true
    }

    /// A request made outside a reservation (a page of an account-wide list), if it keeps
    /// the estimate at or above the floor.
    pub fn try_spend_unreserved(&mut self) -> bool {
        if self.estimate - 1 < self.floor {
            return false;
        }
        self.estimate -= 1;
        true
    }

    /// A reserved request was answered.
    pub fn reserved_done(&mut self) {
        self.outstanding = (self.outstanding - 1).max(0);
    }

    /// Hands back reserved tokens that were not used (an app whose fetch stopped early).
    pub fn release(&mut self, unused: i64) {
        let unused = unused.min(self.outstanding).max(0);
        self.outstanding -= unused;
        self.estimate += unused;
    }

    /// A `RateLimit-Remaining` value. Other clients may have spent tokens, so a lower
    /// server count (less what we still have in flight) lowers the estimate at once; a
    /// higher one raises it only beyond the slack, which keeps the budget on the safe side.
    /// Until the pool is re-read after a 429, only lower counts are taken.
    pub fn observe(&mut self, remaining: i64) {
        let server = remaining - self.outstanding;
        if server < self.estimate {
            self.estimate = server;
        } else if self.resync_at.is_none()
            && !self.frozen
            && server.saturating_sub(self.slack) > self.estimate
        {
            self.estimate = server - self.slack;
        }
    }

    /// A 429: the pool is empty whatever we thought. Headers may raise the estimate again
    /// only once the pool has been re-read, `retry_after` from now (a later 429 never
    /// brings that time forward).
    pub fn rate_limited(&mut self, retry_after: Duration) {
        self.estimate = self.estimate.min(0);
        let at = Instant::now() + retry_after;
        self.resync_at = Some(self.resync_at.map_or(at, |t| t.max(at)));
    }

    /// When the pool should be re-read, if a 429 asked for it.
    pub fn resync_at(&self) -> Option<Instant> {
        self.resync_at
    }

    /// The pool as `GET /account/rate-limits` reads it after a 429: the server's count
    /// (less what is still in flight) replaces the estimate, up or down, and headers are
    /// trusted again (beyond the in-flight allowance).
    pub fn resynced(&mut self, remaining: i64) {
        self.estimate = remaining - self.outstanding;
        self.resync_at = None;
        self.frozen = false;
    }

    /// The re-read after a 429 could not be made: the estimate stays empty (so the floor
    /// stops what follows) and no later header raises it.
    pub fn resync_failed(&mut self) {
        self.estimate = self.estimate.min(0);
        self.resync_at = None;
        self.frozen = true;
    }

    /// Minutes until the pool holds `needed` tokens above the floor, at the refill rate,
    /// starting from the current estimate. `None` if that is more than the pool can hold
    /// (the work needs several fetches).
    pub fn minutes_until(&self, needed: i64) -> Option<i64> {
        let target = self.floor + needed;
        if target > POOL {
            return None;
        }
        let missing = (target - self.estimate).max(0);
        Some((missing + REFILL_PER_MINUTE - 1) / REFILL_PER_MINUTE)
    }
}

/// How many fetches at a full pool `apps` apps at `cost` tokens each need.
pub fn fetches_needed(apps: usize, cost: i64, floor: i64) -> i64 {
    let per_fetch = ((POOL - floor) / cost.max(1)).max(1);
    (apps as i64 + per_fetch - 1) / per_fetch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_stop_at_the_floor() {
        let mut b = RateBudget::new(1020, 1000);
        assert!(b.try_reserve(8));
        assert!(b.try_reserve(8));
        assert!(!b.try_reserve(8), "would go below the floor");
        assert_eq!(b.left(), 1004);
        assert!(b.try_reserve(4));
        assert!(b.exhausted());
    }

    #[test]
    fn headers_lower_the_estimate_but_never_raise_it() {
        let mut b = RateBudget::new(4500, 1000);
        assert!(b.try_reserve(8));
        // One request answered; the server says 4400 left: someone else spent ~100.
        b.reserved_done();
        b.observe(4400);
        assert_eq!(b.left(), 4400 - 7, "seven reserved requests still to come");
        // A stale, higher header from a slower request does not raise it.
        b.reserved_done();
        b.observe(4499);
        assert_eq!(b.left(), 4393);
    }

    #[test]
    fn with_slack_a_clearly_higher_count_raises_the_estimate() {
        let mut b = RateBudget::new(1100, 1000).with_slack(8);
        assert!(b.try_reserve(8));
        b.reserved_done();
        // Seven still outstanding; a count that is higher only by what requests in
        // flight could explain changes nothing.
        b.observe(1100 + 5);
        assert_eq!(b.left(), 1092);
        // The request was free (a 304 Heroku did not charge) and the pool refilled.
        b.observe(1100 + 75);
        assert_eq!(b.left(), 1100 + 75 - 7 - 8);
        b.observe(900);
        assert_eq!(b.left(), 893, "lower counts still win at once");
    }

    #[test]
    fn unused_reservations_come_back() {
        let mut b = RateBudget::new(2000, 1000);
        assert!(b.try_reserve(8));
        b.reserved_done();
        b.release(7);
        assert_eq!(b.left(), 1999);
        b.release(100);
        assert_eq!(b.left(), 1999, "cannot release more than is outstanding");
    }

    #[test]
    fn a_429_empties_the_budget_until_the_pool_is_re_read() {
        let mut b = RateBudget::new(3000, 1000).with_slack(8);
        assert!(b.try_reserve(8));
        b.rate_limited(Duration::from_secs(2));
        assert!(b.exhausted());
        assert!(!b.try_reserve(1));
        assert!(b.resync_at().is_some_and(|t| t > Instant::now()));
        // A high header before the re-read (a retry's answer) does not raise it…
        b.observe(4400);
        assert_eq!(b.left(), 0);
        // …the re-read does, and later headers count again with the in-flight allowance.
        b.resynced(4400);
        assert_eq!(b.resync_at(), None);
        assert_eq!(
            b.left(),
            4400 - 8,
            "eight reserved requests still outstanding"
        );
        b.observe(4500);
        assert_eq!(b.left(), 4500 - 8 - 8);
        assert!(b.try_reserve(8));
    }

    #[test]
    fn a_failed_re_read_keeps_the_budget_empty() {
        let mut b = RateBudget::new(3000, 0).with_slack(8);
        b.rate_limited(Duration::ZERO);
        b.resync_failed();
        assert_eq!(b.resync_at(), None, "nothing left to wait for");
        b.observe(4400);
        assert_eq!(b.left(), 0);
        assert!(!b.try_spend_unreserved(), "not even at a floor of 0");
    }

    #[test]
    fn a_later_429_never_shortens_the_wait() {
        let mut b = RateBudget::new(3000, 1000);
        b.rate_limited(Duration::from_secs(30));
        let first = b.resync_at().unwrap();
        b.rate_limited(Duration::ZERO);
        assert_eq!(b.resync_at(), Some(first));
    }

    #[test]
    fn the_figure_shown_is_never_negative() {
        let mut b = RateBudget::new(50, 0).with_slack(8);
        assert!(b.try_reserve(40));
        // Other clients spent the pool: the server says 0 while 40 are still to come.
        b.observe(0);
        assert_eq!(b.left(), 0);
        assert!(b.exhausted());
        assert_eq!(
            b.minutes_until(75),
            Some(2),
            "the debt still counts in the wait"
        );
    }

    #[test]
    fn unreserved_requests_stop_at_the_floor() {
        let mut b = RateBudget::new(1002, 1000);
        assert!(b.try_spend_unreserved());
        assert!(b.try_spend_unreserved());
        assert!(!b.try_spend_unreserved());
        assert_eq!(b.left(), 1000);
    }

    #[test]
    fn waiting_time_for_the_rest() {
        let b = RateBudget::new(1000, 1000);
        assert_eq!(b.minutes_until(0), Some(0));
        assert_eq!(b.minutes_until(750), Some(10));
        assert_eq!(b.minutes_until(751), Some(11));
        assert_eq!(b.minutes_until(3600), None, "more than one pool");
        assert_eq!(fetches_needed(2500, 8, 1000), 6);
        assert_eq!(fetches_needed(0, 8, 1000), 0);
    }
}
