//! Floats at the board's own precision (`docs/protocol.md` §3.3).
//!
//! Most MicroPython builds for microcontrollers (RP2040, ESP32, STM32) and CircuitPython compute
//! with 32-bit floats (24 significant bits); MicroPython's ESP8266 build keeps floats inside
//! 30-bit objects (`MICROPY_OBJ_REPR_C`: a 32-bit float whose 2 lowest bits are dropped, 22
//! significant bits); the unix port and some others use doubles. The board reports its
//! precision at connect (the helpers' last field). A board float means the shortest decimal that
//! the board reads back as the same value (what its own `repr` means): `21.6` on a 32-bit board is
//! exactly 21.600000381469727, and the host gives the user `21.6`. The other way, a host float is
//! sent as the value the board would make of it (what its own parser gives for the decimal),
//! written exactly (`m*2.0**e` with `m` small), so the board does no rounding of its own.

use super::literal::Literal;

/// Significant bits of a double.
const DOUBLE_BITS: u32 = 53;
/// Significant bits of a 32-bit float.
const SINGLE_BITS: u32 = 24;
/// Exponent range of a 32-bit float (the narrower formats share it).
const SINGLE_MIN_EXP: i32 = -126;
const SINGLE_MAX_EXP: i32 = 127;

/// How a board stores floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloatFormat {
    /// Significant bits (implicit leading bit included): 53, 24 or 22.
    bits: u32,
}

impl Default for FloatFormat {
    fn default() -> Self {
        FloatFormat::DOUBLE
    }
}

impl FloatFormat {
    /// IEEE 754 doubles: board and host values are the same.
    pub const DOUBLE: FloatFormat = FloatFormat { bits: DOUBLE_BITS };
    /// IEEE 754 single precision (32-bit floats).
    pub const SINGLE: FloatFormat = FloatFormat { bits: SINGLE_BITS };

    /// From the significant bits the board reported (None for a value no board has).
    pub fn from_bits(bits: u64) -> Option<FloatFormat> {
        match bits {
            // A double's 53, a single's 24, ESP8266's 22 and anything else in between a board
            // might have (fewer would not make a useful float).
            8..=53 => Some(FloatFormat { bits: bits as u32 }),
            _ => None,
        }
    }

    /// Significant bits.
    pub fn bits(self) -> u32 {
        self.bits
    }

    /// The value the board holds for host value `x` (what it makes of the decimal `x`): the
    /// nearest 32-bit float (ties to even, infinite beyond its range), then, for a narrower
    /// format, that float with its lowest bits dropped, as 30-bit objects do.
    pub fn board_value(self, x: f64) -> f64 {
        if self.bits >= DOUBLE_BITS || !x.is_finite() || x == 0.0 {
            return x;
        }
        let single = on_grid(x, SINGLE_BITS, f64::round_ties_even);
        let largest = (2.0 - (2.0f64).powi(1 - SINGLE_BITS as i32)) * (2.0f64).powi(SINGLE_MAX_EXP);
        if single.abs() > largest {
            return f64::INFINITY.copysign(x);
        }
        let held = if self.bits < SINGLE_BITS {
            on_grid(single, self.bits, f64::trunc)
        } else {
            single
        };
        if held == 0.0 {
            0.0f64.copysign(x)
        } else {
            held
        }
    }

    /// The host value for board value `x`: the shortest decimal the board reads back as `x`
    /// (`x` is first put on the board's grid, for a value that came as the board's inexact
    /// `repr`).
    pub fn host_value(self, x: f64) -> f64 {
        if self.bits >= DOUBLE_BITS || !x.is_finite() || x == 0.0 {
            return x;
        }
        let x = self.board_value(x);
        // The decimals of each length in turn, the nearest first, then its neighbours (the
        // values that read back as `x` need not lie evenly around it): the first the board
        // reads back as `x`.
        for digits in 1..=17 {
            let nearest: f64 = format!("{:.*e}", digits - 1, x).parse().unwrap_or(x);
            let unit = (10.0f64).powi(nearest.abs().log10().floor() as i32 - (digits as i32 - 1));
            for candidate in [nearest, nearest + unit, nearest - unit] {
                let text = format!("{:.*e}", digits - 1, candidate);
                if let Ok(y) = text.parse::<f64>()
                    && self.board_value(y) == x
                {
                    return y;
                }
            }
        }
        x
    }

    /// `literal` with each float read as the host value ([`FloatFormat::host_value`]).
    pub fn host_literal(self, literal: Literal) -> Literal {
        if self.bits >= DOUBLE_BITS {
            return literal;
        }
        let all = |items: Vec<Literal>| items.into_iter().map(|l| self.host_literal(l)).collect();
        match literal {
            Literal::Float(f) => Literal::Float(self.host_value(f)),
            Literal::Complex(re, im) => Literal::Complex(self.host_value(re), self.host_value(im)),
            Literal::Tuple(items) => Literal::Tuple(all(items)),
            Literal::List(items) => Literal::List(all(items)),
            Literal::Set(items) => Literal::Set(all(items)),
            Literal::Dict(pairs) => Literal::Dict(
                pairs
                    .into_iter()
                    .map(|(k, v)| (self.host_literal(k), self.host_literal(v)))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// `x` (finite) on the grid of `bits` significant bits and a 32-bit float's exponent range,
/// rounded by `round` (to the nearest, or towards zero).
fn on_grid(x: f64, bits: u32, round: fn(f64) -> f64) -> f64 {
    if x == 0.0 {
        return x;
    }
    let exponent = exponent_of(x).max(SINGLE_MIN_EXP);
    let quantum = (2.0f64).powi(exponent - (bits as i32 - 1));
    round(x / quantum) * quantum
}

/// The binary exponent of finite, non-zero `x`: `x = m * 2**e` with `1 <= |m| < 2`.
fn exponent_of(x: f64) -> i32 {
    let biased = ((x.to_bits() >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // A subnormal double: far below any narrower format's range.
        -1023
    } else {
        biased - 1023
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESP8266: FloatFormat = FloatFormat { bits: 22 };

    #[test]
    fn doubles_pass_unchanged() {
        for x in [0.1 * 3.0, 21.6, 1e300, 5e-324, -0.0, f64::INFINITY] {
            assert_eq!(FloatFormat::DOUBLE.host_value(x).to_bits(), x.to_bits());
            assert_eq!(FloatFormat::DOUBLE.board_value(x).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn single_precision_board_values_read_as_their_shortest_decimal() {
        let s = FloatFormat::SINGLE;
        // What a 32-bit board holds for 21.6, 0.1 * 3 and 0.3, read exactly (17 digits).
        assert_eq!(s.host_value(21.600000381469727), 21.6);
        assert_eq!(s.host_value(0.30000001192092896), 0.3);
        assert_eq!(s.host_value(1.5), 1.5);
        assert_eq!(s.host_value(-1.0e-45), -1e-45); // the smallest subnormal
        assert_eq!(s.host_value(3.4028234663852886e38), 3.4028235e38);
        // A repr with fewer digits than a board value needs (events) lands on the board's grid.
        assert_eq!(s.host_value(0.3000000), 0.3);
        assert_eq!(s.host_value(16777217.0), 16777216.0);
    }

    #[test]
    fn host_values_go_to_the_nearest_board_value() {
        let s = FloatFormat::SINGLE;
        assert_eq!(s.board_value(0.3), 0.30000001192092896);
        assert_eq!(s.board_value(1e39), f64::INFINITY);
        assert_eq!(s.board_value(-1e39), f64::NEG_INFINITY);
        assert_eq!(s.board_value(1e-50).to_bits(), 0.0f64.to_bits());
        assert_eq!(s.board_value(-1e-50).to_bits(), (-0.0f64).to_bits());
        assert_eq!(s.board_value(16777217.0), 16777216.0); // a tie: to even
        assert_eq!(s.board_value(16777219.0), 16777220.0);
        // 30-bit objects drop the 32-bit float's lowest bits: towards zero.
        assert_eq!(ESP8266.board_value(4194305.0), 4194304.0);
        assert_eq!(ESP8266.board_value(4194306.0), 4194306.0);
        assert_eq!(ESP8266.board_value(4194307.0), 4194306.0);
        assert_eq!(ESP8266.board_value(-4194307.0), -4194306.0);
        assert_eq!(ESP8266.board_value(1e-45), 0.0);
    }

    /// Against Rust's own shortest formatting of `f32` (exact, Ryu-style), over many values of
    /// every magnitude, subnormals included.
    #[test]
    fn single_precision_agrees_with_rusts_f32_for_many_values() {
        let s = FloatFormat::SINGLE;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let f = f32::from_bits(state as u32);
            if !f.is_finite() {
                continue;
            }
            assert_eq!(s.board_value(f as f64), f as f64, "{f:e}");
            let host = s.host_value(f as f64);
            // The host value goes back to the same board value, and it is as short as Rust's
            // (at a tie of two shortest decimals either may be taken: 312985.125 reads as
            // 312985.12 here, 312985.13 in Rust).
            assert_eq!(s.board_value(host), f as f64, "{f:e}");
            assert_eq!(
                digits(&format!("{host:e}")),
                digits(&format!("{f:e}")),
                "{f:e}"
            );
        }
    }

    /// The significant digits of `{:e}` text.
    fn digits(text: &str) -> usize {
        let mantissa = text.split('e').next().unwrap_or_default();
        mantissa.chars().filter(char::is_ascii_digit).count()
    }

    #[test]
    fn board_values_of_every_format_round_trip() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for format in [FloatFormat::SINGLE, ESP8266, FloatFormat { bits: 11 }] {
            for _ in 0..50_000 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let x = f64::from_bits(state) % 1e30;
                if !x.is_finite() {
                    continue;
                }
                let on_board = format.board_value(x);
                let host = format.host_value(on_board);
                assert_eq!(format.board_value(host), on_board, "{x:e} at {format:?}");
            }
        }
    }

    /// A 32-bit board's result as its float helpers (`snippets/floats.py`, `_Bw`) print it: 17
    /// digits of each exact value (computed here with the helper's own integer arithmetic on
    /// the 32-bit values), and as its `repr` prints events (7 digits).
    #[test]
    fn a_single_precision_boards_replies_read_as_the_user_wrote_them() {
        let s = FloatFormat::SINGLE;
        let read = |text: &[u8]| s.host_literal(super::super::parse_literal(text).unwrap());
        let exact = b"[21600000381469727e-15, 30000001192092896e-17, 15e-1, \
                      33999999521443642e22, 14012984643248171e-61, 10000000149011612e-17]";
        let expected = [21.6, 0.3, 1.5, 3.4e38, 1e-45, 0.1].map(Literal::Float);
        assert_eq!(read(exact), Literal::List(expected.to_vec()));
        let event = b"('reading', 21.6, 30007)";
        assert_eq!(
            read(event),
            Literal::Tuple(vec![
                Literal::Str("reading".into()),
                Literal::Float(21.6),
                Literal::Int(30007)
            ])
        );
    }

    /// An ESP8266-style board (30-bit float objects, `MICROPY_OBJ_REPR_C`; seen on MicroPython
    /// 1.28 for qemu MPS2-AN385 built so): the values it holds for decimals read back as those
    /// decimals.
    #[test]
    fn a_30_bit_boards_values_read_as_the_user_wrote_them() {
        // 21.6 as such a board holds it: the 32-bit float 21.600000381469727 less its 2 lowest
        // bits.
        let held = ESP8266.board_value(21.6);
        assert_eq!(held, 21.599998474121094);
        assert_eq!(ESP8266.host_value(held), 21.6);
        // Its exact text from the board's float helpers reads the same.
        let exact = b"[21599998474121094e-15]";
        let read = ESP8266.host_literal(super::super::parse_literal(exact).unwrap());
        assert_eq!(read, Literal::List(vec![Literal::Float(21.6)]));
        assert_eq!(ESP8266.host_value(ESP8266.board_value(0.3)), 0.3);
    }

    #[test]
    fn literals_are_read_through_and_through() {
        let s = FloatFormat::SINGLE;
        let board = Literal::List(vec![
            Literal::Float(21.600000381469727),
            Literal::Tuple(vec![Literal::Float(0.30000001192092896), Literal::Int(3)]),
            Literal::Dict(vec![(
                Literal::Str("t".into()),
                Literal::Set(vec![Literal::Float(1.5)]),
            )]),
        ]);
        let host = Literal::List(vec![
            Literal::Float(21.6),
            Literal::Tuple(vec![Literal::Float(0.3), Literal::Int(3)]),
            Literal::Dict(vec![(
                Literal::Str("t".into()),
                Literal::Set(vec![Literal::Float(1.5)]),
            )]),
        ]);
        assert_eq!(s.host_literal(board.clone()), host);
        assert_eq!(FloatFormat::DOUBLE.host_literal(board.clone()), board);
    }
}
