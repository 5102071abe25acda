//! MRP protobuf messages, generated from `proto/mrp/*.proto`.
//!
//! Everything on the wire is a [`ProtocolMessage`]: its `type` field ([`MessageType`])
//! says which payload field is set. The payloads that the reference implementation
//! declares as proto2 extensions are plain optional (boxed) fields here, with the same
//! field numbers, so the bytes are identical. Fields keep proto2 presence: an unset field
//! is `None` and is not encoded.
//!
//! The code in `generated.rs` is written by `cargo xtask codegen`; do not edit it.

#[allow(
    missing_docs,
    unreachable_pub,
    unused_qualifications,
    clippy::all,
    clippy::pedantic,
    clippy::nursery,
    clippy::use_self,
    clippy::manual_let_else,
    rustdoc::all
)]
mod generated;

pub use generated::*;
