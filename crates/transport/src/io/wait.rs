//! Bounded waits: a protocol step waits at most its own bound, and never past the end of an
//! overall budget when one is given (connecting: all connect steps share
//! [`ConnectOptions::connect_timeout`](crate::ConnectOptions::connect_timeout)).

use std::time::{Duration, Instant};

use crate::error::Phase;

/// The shortest wait a step is given when the budget has (nearly) run out: long enough to take
/// bytes that already arrived, short enough not to matter.
const LEAST: Duration = Duration::from_millis(1);

/// How long one protocol step may wait, and which part of the protocol it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wait {
    phase: Phase,
    bound: Duration,
    /// End of the overall budget (connect), if any.
    budget_end: Option<Instant>,
}

impl Wait {
    pub fn new(phase: Phase, bound: Duration) -> Wait {
        Wait {
            phase,
            bound,
            budget_end: None,
        }
    }

    /// The same wait, also ended by `end` (the end of the connect budget) when given.
    pub fn within(self, end: Option<Instant>) -> Wait {
        Wait {
            budget_end: end,
            ..self
        }
    }

    /// How long a step that starts now may wait: its bound, or what is left of the budget.
    pub fn allowed(&self) -> Duration {
        match self.budget_end {
            Some(end) => self
                .bound
                .min(end.saturating_duration_since(Instant::now()))
                .max(LEAST),
            None => self.bound,
        }
    }

    /// Start a step now. `received` is the link's count of bytes received so far (so that its
    /// timeout can tell whether anything arrived during the wait).
    pub fn start(self, received: u64) -> Deadline {
        let allowed = self.allowed();
        Deadline {
            phase: self.phase,
            at: Instant::now() + allowed,
            allowed,
            received_before: received,
        }
    }
}

/// A started step: when it ends, and what its timeout error names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    pub phase: Phase,
    pub at: Instant,
    /// How long the step was allowed to wait.
    pub allowed: Duration,
    /// Bytes the link had received when the step started.
    pub received_before: u64,
}

impl Deadline {
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_never_waits_past_the_budget() {
        let step = Wait::new(Phase::Connect, Duration::from_secs(10));
        assert_eq!(step.allowed(), Duration::from_secs(10));
        let soon = Instant::now() + Duration::from_millis(200);
        assert!(step.within(Some(soon)).allowed() <= Duration::from_millis(200));
        let now = Instant::now();
        assert_eq!(step.within(Some(now)).allowed(), LEAST);
    }
}
