//! When to re-send a request: only before any byte of a successful response arrived (connection
//! refused or reset, 429, 5xx), a few times, with exponential backoff. A re-sent request after
//! tokens arrived would make the model answer twice.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How often and how patiently to re-send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Re-sends after the first attempt (3: four attempts in all).
    pub max_retries: u32,
    /// Wait before the first re-send; doubled for each one after.
    pub base_delay: Duration,
    /// A server's `Retry-After` is honoured up to this long; longer asks are capped to it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Never re-send.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// The wait before re-send number `retry` (0-based): 0.5 s, 1 s, 2 s … by default, or the
    /// server's `Retry-After` if it asks for longer (capped).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self.base_delay.saturating_mul(2u32.saturating_pow(retry));
        match retry_after {
            Some(asked) => backoff.max(asked.min(self.max_retry_after)),
            None => backoff,
        }
    }
}

/// A `Retry-After` given in seconds (the HTTP-date form is not used by local servers).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn backoff_doubles() {
        let policy = RetryPolicy::default();
        let delays: Vec<_> = (0..3).map(|n| policy.delay(n, None)).collect();
        assert_eq!(delays, [Duration::from_millis(500), Duration::from_secs(1), Duration::from_secs(2)]);
    }

    #[test]
    fn retry_after_is_honoured_but_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, Some(Duration::from_secs(2))), Duration::from_secs(2));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(600))), Duration::from_secs(5));
        assert_eq!(policy.delay(2, Some(Duration::from_millis(10))), Duration::from_secs(2));
    }

    #[test]
    fn retry_after_header_in_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&headers), None);
    }
}
