//! Media Remote Protocol support for atv.
#![warn(missing_docs)]

pub mod framing;
pub mod message_builders;
pub mod protobuf;
pub mod scan;

pub use scan::scan;
