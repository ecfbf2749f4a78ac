//! belay-run's wire format (`docs/protocol.md`): everything about the bytes that go to a board and
//! come back that does not need a host interpreter.
//!
//! - [`snippets`]: every piece of board-side code the host sends, one builder each, and the
//!   `_B*` names they define ([`snippets::names`]).
//! - [`encode`]: host values written as board source text (exact floats, base64 for binary data,
//!   packed int arrays, short strings padded out of the board parser's intern pool).
//! - [`pack`]: binary data and int lists packed (base64, DEFLATE, differences) for either way.
//! - [`filter`]: board → host frames (events, host function requests) taken out of everything a
//!   board sends; [`frames`]: their payloads, and the host's answers.
//! - [`splitter`]: a call's output and its result told apart by an unforgeable marker.
//! - [`reply`]: the result's
//!   framing (`T<ticks>|`, `B`/`A` base64, `P<n>` proxies, `S`) and its decoding.
//! - [`literal`]: the parser of the Python literals a board returns (never `eval`).
//! - [`precision`]: floats at the board's own precision (32-bit floats on most boards).
//! - [`traceback`]: board tracebacks rewritten to point at the host files the code came from.

pub mod encode;
pub mod filter;
pub mod firmware;
pub mod frames;
pub mod literal;
pub mod pack;
pub mod precision;
pub mod reply;
pub mod snippets;
pub mod splitter;
pub(crate) mod token;
pub mod traceback;

pub use encode::Encoder;
pub use firmware::Firmware;
pub use literal::{Literal, LiteralError, parse_literal};
pub use precision::FloatFormat;
pub use reply::{Reply, ReplyError, decode_reply, split_time};
pub use splitter::ReplySplitter;
pub use token::random_token;
