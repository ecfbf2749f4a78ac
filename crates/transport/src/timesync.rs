//! Board clock ↔ host clock (`docs/protocol.md` §3.2): tick unwrapping with wrap-around and reset
//! detection, and the offset between the two clocks (device − host, in seconds). Unlike Belay,
//! returned timestamps use the *unwrapped* ticks, so they stay right after a tick wrap.

/// Offset smoothing: the weight of a new sample.
const ALPHA: f64 = 0.1;

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceResetDetected {
    pub drift_ms: i128,
    pub tolerance_ms: i128,
}

#[derive(Debug, Clone, Default)]
pub struct TimeSync {
    /// Largest tick value before the board's counter wraps (None until known).
    pub ticks_max: Option<u64>,
    /// device − host, seconds.
    offset: Option<f64>,
    reference_host: Option<f64>,
    reference_tick: Option<i128>,
}

impl TimeSync {
    pub fn new(ticks_max: u64) -> Self {
        TimeSync {
            ticks_max: Some(ticks_max),
            ..Default::default()
        }
    }

    pub fn offset(&self) -> Option<f64> {
        self.offset
    }

    /// Forget the reference point and the offset (after a reconnect).
    pub fn reset(&mut self) {
        self.offset = None;
        self.reference_host = None;
        self.reference_tick = None;
    }

    fn period(&self) -> i128 {
        i128::from(
            self.ticks_max
                .expect("ticks_max is set when the device connects"),
        ) + 1
    }

    /// The monotonically increasing tick for `raw`, read at host time `host` (seconds).
    pub fn unwrap_tick(&mut self, raw: u64, host: f64) -> Result<i128, DeviceResetDetected> {
        let raw = i128::from(raw);
        let (Some(ref_host), Some(ref_tick)) = (self.reference_host, self.reference_tick) else {
            self.reference_host = Some(host);
            self.reference_tick = Some(raw);
            return Ok(raw);
        };
        let elapsed = host - ref_host;
        let expected = ref_tick + (elapsed * 1000.0) as i128;
        // 1 % drift plus 200 ms of jitter: lenient, since this only detects resets.
        let tolerance = (elapsed * 10.0) as i128 + 200;
        let period = self.period();
        let wraps = (((expected - raw) as f64) / period as f64).round().max(0.0) as i128;
        let candidate = wraps * period + raw;
        let drift = (candidate - expected).abs();
        if drift > tolerance {
            return Err(DeviceResetDetected {
                drift_ms: drift,
                tolerance_ms: tolerance,
            });
        }
        Ok(candidate)
    }

    /// Take a board tick read at host time `host_mid`; returns the unwrapped tick.
    pub fn update(&mut self, raw: u64, host_mid: f64) -> i128 {
        let tick = match self.unwrap_tick(raw, host_mid) {
            Ok(t) => t,
            Err(_) => {
                // The board restarted: its clock starts over from here.
                self.reset();
                self.reference_host = Some(host_mid);
                self.reference_tick = Some(i128::from(raw));
                i128::from(raw)
            }
        };
        let sample = tick as f64 / 1000.0 - host_mid;
        self.offset = Some(match self.offset {
            None => sample,
            Some(old) => old + ALPHA * (sample - old),
        });
        tick
    }

    /// Replace the offset (a weighted mean from `sync_time`).
    pub fn set_offset(&mut self, offset: f64) {
        self.offset = Some(offset);
    }

    /// Host time (seconds since the epoch) of unwrapped board tick `tick`.
    pub fn host_time(&self, tick: i128) -> Option<f64> {
        Some(tick as f64 / 1000.0 - self.offset?)
    }
}

/// One `sync_time` sample: host send time, board tick, host receive time (seconds).
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub sent: f64,
    pub tick: u64,
    pub received: f64,
}

impl Sample {
    fn rtt(&self) -> f64 {
        self.received - self.sent
    }
    fn mid(&self) -> f64 {
        (self.sent + self.received) / 2.0
    }
}

/// RTTs within this of the best one count as equally good.
pub const RTT_SLACK: f64 = 0.002;

/// Belay's early stop: after at least 5 samples, once 3 of them came within `RTT_SLACK` of the
/// fastest so far. (A slightly faster sample does not start the count again: on a steady link
/// every sample is within the slack, and 5 suffice.)
pub fn enough(samples: &[Sample]) -> bool {
    let Some(best) = samples.iter().map(Sample::rtt).min_by(f64::total_cmp) else {
        return false;
    };
    samples.len() >= 5
        && samples
            .iter()
            .filter(|s| s.rtt() - best < RTT_SLACK)
            .count()
            >= 3
}

/// Fresh synchronisation from samples: the best sample anchors tick tracking; the offset is the
/// 1/RTT-weighted mean over the samples close to the best RTT.
pub fn synchronise(sync: &mut TimeSync, samples: &[Sample]) -> Option<f64> {
    let best = samples
        .iter()
        .copied()
        .min_by(|a, b| a.rtt().total_cmp(&b.rtt()))?;
    sync.reset();
    sync.update(best.tick, best.mid());
    let good: Vec<Sample> = samples
        .iter()
        .copied()
        .filter(|s| s.rtt() <= best.rtt() + RTT_SLACK)
        .collect();
    if good.len() > 1 {
        let weight = |s: &Sample| 1.0 / s.rtt().max(1e-9);
        let total: f64 = good.iter().map(weight).sum();
        let mean = good
            .iter()
            .map(|s| weight(s) * (s.tick as f64 / 1000.0 - s.mid()))
            .sum::<f64>()
            / total;
        sync.set_offset(mean);
    }
    sync.offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_across_wraps() {
        // belay tests/test_time_sync.py::test_tick_wrap_detection (period 101 ms).
        let mut s = TimeSync::new(100);
        let base = 1000.0;
        assert_eq!(s.unwrap_tick(95, base), Ok(95));
        assert_eq!(s.unwrap_tick(97, base + 0.002), Ok(97));
        assert_eq!(s.unwrap_tick(5, base + 0.011), Ok(106));
        assert_eq!(s.unwrap_tick(10, base + 0.016), Ok(111));
        assert_eq!(s.unwrap_tick(95, base + 0.101), Ok(196));
        assert_eq!(s.unwrap_tick(2, base + 0.109), Ok(204));
    }

    #[test]
    fn detects_a_board_reset_and_re_anchors() {
        let mut s = TimeSync::new(0xFFFF_FFFF);
        let base = 1000.0;
        assert_eq!(s.unwrap_tick(50000, base), Ok(50000));
        assert_eq!(s.unwrap_tick(51000, base + 1.0), Ok(51000));
        assert!(s.unwrap_tick(100, base + 11.0).is_err());
        // The failed unwrap changed nothing; update() re-anchors at the new tick.
        assert_eq!(s.reference_tick, Some(50000));
        assert_eq!(s.update(100, base + 11.0), 100);
        assert_eq!(s.reference_tick, Some(100));
        assert_eq!(s.unwrap_tick(1100, base + 12.0), Ok(1100));
    }

    #[test]
    fn timestamps_stay_right_after_a_wrap() {
        // A 2^30 ms counter (12.4 days) that wraps between two calls.
        let max = (1u64 << 30) - 1;
        let mut s = TimeSync::new(max);
        let host0 = 1_700_000_000.0;
        s.update(max - 500, host0);
        let tick = s.update(499, host0 + 1.0);
        assert_eq!(tick, i128::from(max) + 500);
        let host = s.host_time(tick).unwrap();
        assert!((host - (host0 + 1.0)).abs() < 0.01, "{host}");
    }

    #[test]
    fn offset_is_an_exponential_average() {
        let mut s = TimeSync::new(u64::from(u32::MAX));
        s.update(1000, 10.0);
        assert!((s.offset().unwrap() - (1.0 - 10.0)).abs() < 1e-9);
        s.update(2100, 11.0); // sample offset -8.9
        assert!((s.offset().unwrap() - (-9.0 + 0.1 * 0.1)).abs() < 1e-9);
    }

    #[test]
    fn synchronise_weights_the_fast_samples() {
        let mut s = TimeSync::new(u64::from(u32::MAX));
        let samples = [
            Sample {
                sent: 10.0,
                tick: 5000,
                received: 10.010,
            },
            Sample {
                sent: 11.0,
                tick: 6001,
                received: 11.002,
            },
            Sample {
                sent: 12.0,
                tick: 7001,
                received: 12.002,
            },
        ];
        let offset = synchronise(&mut s, &samples).unwrap();
        // The two 2 ms samples agree on 6.001 - 11.001 = -5.0.
        assert!((offset - (-5.0)).abs() < 1e-6, "{offset}");
    }

    #[test]
    fn early_stop_rule() {
        let sample = |i: usize, rtt: f64| Sample {
            sent: i as f64,
            tick: 0,
            received: i as f64 + rtt,
        };
        // A steady link, each sample a little faster than the last: 5 samples are enough.
        let steady: Vec<Sample> = (0..6).map(|i| sample(i, 0.010 - i as f64 * 1e-5)).collect();
        assert!(!enough(&steady[..4]));
        assert!(enough(&steady[..5]));
        // Only 2 samples near the fastest: keep going.
        let noisy: Vec<Sample> = [0.050, 0.001, 0.040, 0.0015, 0.030]
            .iter()
            .enumerate()
            .map(|(i, &r)| sample(i, r))
            .collect();
        assert!(!enough(&noisy));
        let mut more = noisy.clone();
        more.push(sample(5, 0.002));
        assert!(enough(&more));
    }
}
