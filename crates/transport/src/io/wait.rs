//! Bounded waits: a protocol step waits at most its own bound, and never past the end of an
//! overall budget when one is given (connecting: all connect steps share
//! [`ConnectOptions::connect_timeout`](crate::ConnectOptions::connect_timeout)).

use std::time::{Duration, Instant};

use crate::error::Phase;

/// The shortest wait a step is given when the budget has (nearly) run out: long enough to take
/// bytes that already arrived, short enough not to matter.
const LEAST: Duration = Duration::from_millis(1);

/// An overall time budget shared by several steps (connecting).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    end: Instant,
    total: Duration,
}

impl Budget {
    pub fn starting_now(total: Duration) -> Budget {
        Budget {
            end: Instant::now() + total,
            total,
        }
    }
}

/// How long one protocol step may wait, and which part of the protocol it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wait {
    phase: Phase,
    bound: Duration,
    budget: Option<Budget>,
}

impl Wait {
    pub fn new(phase: Phase, bound: Duration) -> Wait {
        Wait {
            phase,
            bound,
            budget: None,
        }
    }

    /// The same wait, never past the end of `budget`.
    pub fn within(self, budget: Budget) -> Wait {
        Wait {
            budget: Some(budget),
            ..self
        }
    }

    /// How long a step that starts now may wait: its bound, or what is left of the budget.
    pub fn allowed(&self) -> Duration {
        match self.budget {
            Some(b) => self
                .bound
                .min(b.end.saturating_duration_since(Instant::now()))
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
            budget_ran_out: self
                .budget
                .filter(|_| allowed < self.bound)
                .map(|b| b.total),
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
    /// The whole budget, when what was left of it cut this step short.
    pub budget_ran_out: Option<Duration>,
    /// Bytes the link had received when the step started.
    pub received_before: u64,
}

impl Deadline {
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }
}

/// A step's wait: a [`Wait`] begins a new step, a `&Deadline` continues one under way (so that
/// the parts of one answer share one bound).
pub(crate) trait IntoDeadline {
    /// The deadline, given the link's count of bytes received so far.
    fn into_deadline(self, received: u64) -> Deadline;
}

impl IntoDeadline for Wait {
    fn into_deadline(self, received: u64) -> Deadline {
        self.start(received)
    }
}

impl IntoDeadline for &Deadline {
    fn into_deadline(self, _received: u64) -> Deadline {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_never_waits_past_the_budget() {
        let step = Wait::new(Phase::Connect, Duration::from_secs(10));
        assert_eq!(step.allowed(), Duration::from_secs(10));
        let short = Budget::starting_now(Duration::from_millis(200));
        assert!(step.within(short).allowed() <= Duration::from_millis(200));
        let d = step.within(short).start(0);
        assert_eq!(d.budget_ran_out, Some(Duration::from_millis(200)));
        let spent = Budget::starting_now(Duration::ZERO);
        assert_eq!(step.within(spent).allowed(), LEAST);
        let long = Budget::starting_now(Duration::from_secs(60));
        assert_eq!(step.within(long).start(0).budget_ran_out, None);
    }
}
