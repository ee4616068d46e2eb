//! A client-side request limiter for APIs with a hard quota per time window.
//!
//! Cloudflare allows 1,200 requests per 5 minutes per user (dashboard, tools and tokens
//! together) and answers everything with 429 for the next five minutes once that is
//! exceeded. Slowing down is always cheaper than a lockout, so every request (retries
//! included) passes [`RateLimiter::acquire`] first. It enforces three things:
//!
//! 1. a sliding-window log: at most `max` requests in any `window` (a log, not a token
//!    bucket, because a bucket's burst plus refill can exceed the quota inside one window);
//! 2. the server's own count, when it sends one (`Ratelimit: "default";r=50;t=30`): it
//!    includes other clients of the same user, so at or below `reserve` remaining Ferry
//!    waits for the reset;
//! 3. a pause after a 429 (`Retry-After`), shared by every request through this limiter.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Two reset times this close belong to the same server window (`t` is whole seconds).
const SAME_WINDOW: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone, Copy)]
struct ServerView {
    remaining: i64,
    reset_at: Instant,
}

#[derive(Debug, Default)]
struct State {
    /// Start times of the requests in the current window, oldest first.
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
    server: Option<ServerView>,
    in_flight: usize,
    waited: Duration,
}

/// Called with the wait ahead when a request must wait longer than a second, so the
/// source can tell the user why nothing moves.
pub type WaitNotice = Box<dyn Fn(Duration) + Send + Sync>;

pub struct RateLimiter {
    max: usize,
    window: Duration,
    reserve: i64,
    state: Mutex<State>,
    notice: Option<WaitNotice>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("max", &self.max)
            .field("window", &self.window)
            .field("reserve", &self.reserve)
            .finish_non_exhaustive()
    }
}

/// Held while a request is in flight (so server counts can allow for it).
pub struct Permit<'a> {
    limiter: &'a RateLimiter,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut s = self.limiter.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
    }
}

impl RateLimiter {
    /// At most `max` requests per `window`; wait for the server's reset at or below
    /// `reserve` requests left by its count.
    pub fn new(max: usize, window: Duration, reserve: i64) -> Self {
        RateLimiter {
            max: max.max(1),
            window,
            reserve,
            state: Mutex::new(State::default()),
            notice: None,
        }
    }

    pub fn with_notice(mut self, notice: WaitNotice) -> Self {
        self.notice = Some(notice);
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("rate limiter lock")
    }

    /// Waits until one more request is allowed and counts it.
    pub async fn acquire(&self) -> Permit<'_> {
        let mut noticed = false;
        loop {
            let now = Instant::now();
            let until = match self.try_take(now) {
                Ok(()) => return Permit { limiter: self },
                Err(until) => until,
            };
            let wait = until.saturating_duration_since(now);
            if !noticed && wait > Duration::from_secs(1) {
                noticed = true;
                tracing::info!(wait_ms = wait.as_millis() as u64, "rate limit: waiting");
                if let Some(n) = &self.notice {
                    n(wait);
                }
            }
            self.lock().waited += wait;
            tokio::time::sleep_until(until).await;
        }
    }

    /// Takes a slot now, or says when to look again.
    fn try_take(&self, now: Instant) -> Result<(), Instant> {
        let mut s = self.lock();
        while s.sent.front().is_some_and(|&t| t + self.window <= now) {
            s.sent.pop_front();
        }
        if let Some(p) = s.paused_until {
            if p > now {
                return Err(p);
            }
            s.paused_until = None;
        }
        if let Some(v) = s.server {
            if v.reset_at <= now {
                // The server's window is over; its next answer tells us the new count.
                s.server = None;
            } else if v.remaining <= self.reserve {
                return Err(v.reset_at);
            }
        }
        if s.sent.len() >= self.max {
            let oldest = *s.sent.front().expect("a full window is not empty");
            return Err(oldest + self.window);
        }
        s.sent.push_back(now);
        s.in_flight += 1;
        if let Some(v) = s.server.as_mut() {
            v.remaining -= 1;
        }
        Ok(())
    }

    /// A server count from a response: `remaining` requests until `reset_in`. Called
    /// while that response's own permit is held; the other requests in flight may not be
    /// in the server's count yet, so they are taken off.
    pub fn observe(&self, remaining: i64, reset_in: Duration) {
        let now = Instant::now();
        let mut s = self.lock();
        let others = s.in_flight.saturating_sub(1) as i64;
        let seen = ServerView {
            remaining: remaining - others,
            reset_at: now + reset_in,
        };
        s.server = match s.server {
            // Same window: answers arrive out of order, so the lowest count wins.
            Some(v) if v.reset_at > now && seen.reset_at <= v.reset_at + SAME_WINDOW => {
                Some(ServerView {
                    remaining: v.remaining.min(seen.remaining),
                    reset_at: v.reset_at.max(seen.reset_at),
                })
            }
            _ => Some(seen),
        };
    }

    /// Stops every request through this limiter for `wait` (a 429's `Retry-After`).
    pub fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut s = self.lock();
        s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
    }

    /// Requests allowed right now: the window's allowance, lowered by the server's count.
    pub fn left(&self) -> i64 {
        let now = Instant::now();
        let s = self.lock();
        let in_window = s.sent.iter().filter(|&&t| t + self.window > now).count();
        let local = self.max as i64 - in_window as i64;
        match s.server {
            Some(v) if v.reset_at > now => local.min(v.remaining - self.reserve).max(0),
            _ => local,
        }
    }

    /// Time spent waiting so far (summed over requests, so it can exceed wall time).
    pub fn waited(&self) -> Duration {
        self.lock().waited
    }
}

/// Parses the `Ratelimit` header (`"default";r=50;t=30`: 50 requests left, reset in
/// 30 s). When several policies are listed, the one with the fewest requests left counts.
pub fn parse_ratelimit(value: &str) -> Option<(i64, Duration)> {
    value
        .split(',')
        .filter_map(|item| {
            let mut r = None;
            let mut t = None;
            for param in item.split(';').skip(1) {
                match param.trim().split_once('=') {
                    Some(("r", v)) => r = v.trim().parse::<i64>().ok(),
                    Some(("t", v)) => t = v.trim().parse::<u64>().ok(),
                    _ => {}
                }
            }
            Some((r?, Duration::from_secs(t?)))
        })
        .min_by_key(|(r, _)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN5: Duration = Duration::from_secs(300);

    #[tokio::test(start_paused = true)]
    async fn never_more_than_max_in_any_window() {
        let l = RateLimiter::new(3, MIN5, 0);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..7 {
            drop(l.acquire().await);
            times.push(start.elapsed());
        }
        // Three at once, three when the first three leave the window, then one more.
        assert_eq!(times[..3], [Duration::ZERO; 3]);
        assert_eq!(times[3..6], [MIN5; 3]);
        assert_eq!(times[6], MIN5 * 2);
        for w in times.windows(4) {
            assert!(w[3] - w[0] >= MIN5, "4 requests inside one window: {w:?}");
        }
        assert_eq!(l.waited(), MIN5 * 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_count_makes_it_wait_for_the_reset() {
        let l = RateLimiter::new(1000, MIN5, 5);
        let p = l.acquire().await;
        l.observe(7, Duration::from_secs(30));
        drop(p);
        assert_eq!(l.left(), 2);
        let start = Instant::now();
        drop(l.acquire().await);
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::ZERO, "two above the reserve");
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(30), "then the reset");
    }

    #[tokio::test(start_paused = true)]
    async fn stale_higher_counts_do_not_raise_the_estimate() {
        let l = RateLimiter::new(1000, MIN5, 0);
        let a = l.acquire().await;
        let b = l.acquire().await;
        // `b`'s answer arrives first; `a` is still in flight, so one more is taken off.
        l.observe(40, Duration::from_secs(20));
        drop(b);
        l.observe(45, Duration::from_secs(20));
        drop(a);
        assert_eq!(l.left(), 39);
        // A new server window replaces the old count.
        tokio::time::advance(Duration::from_secs(21)).await;
        let c = l.acquire().await;
        l.observe(100, Duration::from_secs(60));
        drop(c);
        assert_eq!(l.left(), 100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_request() {
        let l = RateLimiter::new(1000, MIN5, 0);
        l.pause(Duration::from_secs(3));
        l.pause(Duration::from_secs(1));
        let start = Instant::now();
        drop(l.acquire().await);
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(3),
            "the longer pause wins"
        );
    }

    #[test]
    fn ratelimit_header() {
        assert_eq!(
            parse_ratelimit("\"default\";r=50;t=30"),
            Some((50, Duration::from_secs(30)))
        );
        assert_eq!(
            parse_ratelimit("\"burst\";r=90;t=5, \"default\";r=12;t=200"),
            Some((12, Duration::from_secs(200)))
        );
        assert_eq!(parse_ratelimit("\"default\";q=1200;w=300"), None);
        assert_eq!(parse_ratelimit("garbage"), None);
    }
}
