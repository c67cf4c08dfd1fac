//! The per-host rate limit: requests to one provider host start at least an interval apart,
//! and a `Retry-After` holds every request to that host back until it has passed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The least time between two requests to the same provider host.
pub const PER_HOST_INTERVAL: Duration = Duration::from_millis(200);

/// When each host may be sent the next request.
#[derive(Debug)]
pub struct Gate {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl Gate {
    /// A gate spacing requests to one host `interval` apart.
    pub fn new(interval: Duration) -> Gate {
        Gate {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `host` may be sent a request, and books the slot after it.
    pub fn wait_turn(&self, host: &str) {
        let wait = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = next.entry(host.to_string()).or_insert(now);
            let start = (*slot).max(now);
            *slot = start + self.interval;
            start - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    /// Holds every request to `host` back for `pause` (a `Retry-After`).
    pub fn hold_off(&self, host: &str, pause: Duration) {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let until = Instant::now() + pause;
        let slot = next.entry(host.to_string()).or_insert(until);
        *slot = (*slot).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_host_is_spaced_and_others_are_not() {
        let gate = Gate::new(Duration::from_millis(40));
        let started = Instant::now();
        for _ in 0..3 {
            gate.wait_turn("a.example");
        }
        assert!(started.elapsed() >= Duration::from_millis(80));
        let other = Instant::now();
        gate.wait_turn("b.example");
        assert!(other.elapsed() < Duration::from_millis(40));
        gate.hold_off("b.example", Duration::from_millis(60));
        let held = Instant::now();
        gate.wait_turn("b.example");
        assert!(held.elapsed() >= Duration::from_millis(50));
    }
}
