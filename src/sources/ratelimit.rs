//! A client-side request limiter for APIs with a hard quota per time window.
//!
//! Cloudflare allows 1,200 requests per 5 minutes per user (dashboard, tools and tokens
//! together) and answers everything with 429 for the next five minutes once that is
//! exceeded. Slowing down is always cheaper than a lockout, so every request (retries
//! included) passes [`RateLimiter::acquire_within`] first. It enforces three things:
//!
//! 1. a sliding-window log: at most `max` requests in any `window` (a log, not a token
//!    bucket, because a bucket's burst plus refill can exceed the quota inside one window);
//! 2. the server's own count, when it sends one (`Ratelimit: "default";r=50;t=30`): it
//!    includes other clients of the same user, so at or below `reserve` remaining Ferry
//!    waits for the reset;
//! 3. a pause after a 429, shared by every request through this limiter, for as long as the
//!    server says (`Retry-After`, else a count of zero's reset) and never longer: a 5-minute
//!    lockout is assumed only when the server announces one.
//!
//! The first two are pacing: Ferry's own choice to go slower, which can take a large estate
//! well past any retry deadline and is announced through the [`WaitNotice`]. The third is
//! a refusal: a request waits for it only within the retry deadline it is given, and
//! otherwise gets a [`TooLong`] naming the wait, so a lockout never stalls a fetch silently.

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

/// Why a request has to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitCause {
    /// Ferry's own share of the quota in this window is used.
    Window,
    /// The server's count (`Ratelimit`) is down to the reserve until its reset.
    ServerCount,
    /// The server answered 429 and said how long every request must wait.
    Refused,
}

/// Called with the wait ahead and its cause (a sentence fragment) when a request must wait
/// longer than a second, so the source can tell the user why nothing moves.
pub type WaitNotice = Box<dyn Fn(Duration, &str) + Send + Sync>;

/// A 429's pause would run past the time the request has left (its retry deadline).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "rate limited: the server paused every request for {:.0} s after a 429, longer than the \
     {:.0} s left of the retry deadline (retry_deadline_secs)",
    wait.as_secs_f64().ceil(),
    left.as_secs_f64()
)]
pub struct TooLong {
    pub wait: Duration,
    pub left: Duration,
}

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
    paced: Duration,
}

impl Permit<'_> {
    /// How long this request waited for pacing (not for a 429's pause): time that is not
    /// the request's fault and does not count against its retry deadline.
    pub fn paced(&self) -> Duration {
        self.paced
    }
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

    /// Waits until one more request is allowed and counts it, however long that takes.
    pub async fn acquire(&self) -> Permit<'_> {
        match self.acquire_within(Duration::MAX).await {
            Ok(p) => p,
            Err(e) => unreachable!("no pause outlasts Duration::MAX: {e}"),
        }
    }

    /// Waits until one more request is allowed and counts it. Pacing waits as long as it
    /// takes; a 429's pause is waited for only within `left` (what remains of the request's
    /// retry deadline), else the request gets [`TooLong`] at once instead of sleeping.
    pub async fn acquire_within(&self, left: Duration) -> Result<Permit<'_>, TooLong> {
        let mut noticed = false;
        let (mut paced, mut paused) = (Duration::ZERO, Duration::ZERO);
        loop {
            let now = Instant::now();
            let (until, cause) = match self.try_take(now) {
                Ok(()) => {
                    return Ok(Permit {
                        limiter: self,
                        paced,
                    });
                }
                Err(e) => e,
            };
            let wait = until.saturating_duration_since(now);
            if cause == WaitCause::Refused && wait > left.saturating_sub(paused) {
                return Err(TooLong {
                    wait,
                    left: left.saturating_sub(paused),
                });
            }
            if !noticed && wait > Duration::from_secs(1) {
                noticed = true;
                let why = self.describe(cause);
                tracing::info!(wait_ms = wait.as_millis() as u64, %why, "rate limit: waiting");
                if let Some(n) = &self.notice {
                    n(wait, &why);
                }
            }
            self.lock().waited += wait;
            tokio::time::sleep_until(until).await;
            match cause {
                WaitCause::Refused => paused += wait,
                WaitCause::Window | WaitCause::ServerCount => paced += wait,
            }
        }
    }

    /// Why a request waits, for the user.
    pub fn describe(&self, cause: WaitCause) -> String {
        match cause {
            WaitCause::Window => format!(
                "Ferry's share of the quota, {} requests per {} s, is used",
                self.max,
                self.window.as_secs()
            ),
            WaitCause::ServerCount => format!(
                "the server's count is down to {} requests until its reset",
                self.reserve.max(0)
            ),
            WaitCause::Refused => "the server answered 429 (Retry-After)".to_string(),
        }
    }

    /// Takes a slot now, or says when to look again and why.
    fn try_take(&self, now: Instant) -> Result<(), (Instant, WaitCause)> {
        let mut s = self.lock();
        while s.sent.front().is_some_and(|&t| t + self.window <= now) {
            s.sent.pop_front();
        }
        if let Some(p) = s.paused_until {
            if p > now {
                return Err((p, WaitCause::Refused));
            }
            s.paused_until = None;
        }
        if let Some(v) = s.server {
            if v.reset_at <= now {
                // The server's window is over; its next answer tells us the new count.
                s.server = None;
            } else if v.remaining <= self.reserve {
                return Err((v.reset_at, WaitCause::ServerCount));
            }
        }
        if s.sent.len() >= self.max {
            let oldest = *s.sent.front().expect("a full window is not empty");
            return Err((oldest + self.window, WaitCause::Window));
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
            // The same window only when both resets agree (either may be the later one):
            // answers arrive out of order, so the lowest count of that window wins.
            Some(v) if v.reset_at > now && apart(v.reset_at, seen.reset_at) <= SAME_WINDOW => {
                Some(ServerView {
                    remaining: v.remaining.min(seen.remaining),
                    reset_at: v.reset_at.max(seen.reset_at),
                })
            }
            // Another window: the newest answer is the server's current view. Merging would
            // hold a new window's small reset to an old window's count, or (as a 429's
            // `r=0;t=1` against an earlier `t=299`) a short wait to the old window's reset.
            _ => Some(seen),
        };
    }

    /// A 429: every request through this limiter waits for as long as the server says,
    /// `Retry-After` first, else the reset of its count when that is at zero. Without
    /// either, nothing is paused (the refused request backs off on its own). The newest
    /// refusal replaces an older pause: during a lockout each 429 counts its rest down.
    pub fn refused(&self, retry_after: Option<Duration>, count: Option<(i64, Duration)>) {
        let now = Instant::now();
        let wait = retry_after.or_else(|| count.filter(|(r, _)| *r <= 0).map(|(_, t)| t));
        let mut s = self.lock();
        // The count that let this request through was wrong (another client, another
        // window); the first answer after the pause brings a fresh one.
        s.server = None;
        if let Some(w) = wait {
            s.paused_until = Some(now + w);
        }
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

fn apart(a: Instant, b: Instant) -> Duration {
    if a > b { a - b } else { b - a }
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
    async fn the_newest_refusal_sets_the_pause() {
        let l = RateLimiter::new(1000, MIN5, 0);
        l.refused(Some(Duration::from_secs(3)), None);
        let start = Instant::now();
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        // During a lockout each 429 counts its rest down: the newer, shorter one holds.
        l.refused(Some(Duration::from_secs(300)), None);
        l.refused(Some(Duration::from_secs(1)), None);
        let start = Instant::now();
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        // No Retry-After: a count of zero says until when; any other count, no pause.
        l.refused(None, Some((0, Duration::from_secs(2))));
        let start = Instant::now();
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        l.refused(None, Some((5, Duration::from_secs(200))));
        l.refused(None, None);
        let start = Instant::now();
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::ZERO, "no lockout assumed");
    }

    /// Answers that said ~299 s to the reset, then a 429 with `Retry-After: 1` and
    /// `r=0;t=1`: one second, not the old window's 298 (issue 11).
    #[tokio::test(start_paused = true)]
    async fn a_429_after_answers_of_a_long_window_costs_its_retry_after() {
        let l = RateLimiter::new(1000, MIN5, 20);
        for t in [300, 299, 299] {
            let p = l.acquire().await;
            l.observe(1100, Duration::from_secs(t));
            drop(p);
        }
        let p = l.acquire().await;
        l.refused(
            Some(Duration::from_secs(1)),
            Some((0, Duration::from_secs(1))),
        );
        drop(p);
        let start = Instant::now();
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(l.waited(), Duration::from_secs(1));
    }

    /// The same as an ordinary answer: `r=0;t=1` after `t=299` is a new window, and the
    /// newest view replaces the old one instead of inheriting its reset.
    #[tokio::test(start_paused = true)]
    async fn resets_that_disagree_are_not_one_window() {
        let l = RateLimiter::new(1000, MIN5, 20);
        let p = l.acquire().await;
        l.observe(1100, Duration::from_secs(299));
        drop(p);
        let p = l.acquire().await;
        l.observe(0, Duration::from_secs(1));
        drop(p);
        let start = Instant::now();
        drop(l.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        // A later reset that disagrees is a new window too.
        let l = RateLimiter::new(1000, MIN5, 20);
        let p = l.acquire().await;
        l.observe(10, Duration::from_secs(2));
        drop(p);
        let p = l.acquire().await;
        l.observe(900, Duration::from_secs(250));
        drop(p);
        assert_eq!(l.left(), 880, "the new window's count, not min(10, 900)");
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_past_the_deadline_is_refused_but_pacing_is_not() {
        let l = RateLimiter::new(1, Duration::from_secs(60), 0);
        drop(l.acquire().await);
        // Pacing: 60 s for the window, although only 5 s of deadline are left.
        let start = Instant::now();
        let p = l.acquire_within(Duration::from_secs(5)).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(60));
        assert_eq!(p.paced(), Duration::from_secs(60));
        drop(p);
        // A 429's pause of 30 s with 5 s left: refused at once, naming both.
        tokio::time::advance(Duration::from_secs(60)).await;
        l.refused(Some(Duration::from_secs(30)), None);
        let start = Instant::now();
        let err = l
            .acquire_within(Duration::from_secs(5))
            .await
            .err()
            .unwrap();
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(
            err.to_string(),
            "rate limited: the server paused every request for 30 s after a 429, longer than \
             the 5 s left of the retry deadline (retry_deadline_secs)"
        );
        // Within the deadline it is waited for, and is not pacing.
        let p = l.acquire_within(Duration::from_secs(40)).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        assert_eq!(p.paced(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn long_waits_are_announced_with_their_cause() {
        let seen: std::sync::Arc<Mutex<Vec<(u64, String)>>> = Default::default();
        let s = seen.clone();
        let l = RateLimiter::new(1, Duration::from_secs(10), 0).with_notice(Box::new(
            move |wait, why| s.lock().unwrap().push((wait.as_secs(), why.to_string())),
        ));
        drop(l.acquire().await);
        drop(l.acquire().await);
        assert_eq!(
            *seen.lock().unwrap(),
            [(
                10,
                "Ferry's share of the quota, 1 requests per 10 s, is used".to_string()
            )]
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
