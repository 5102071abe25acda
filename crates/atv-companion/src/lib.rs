//! Companion link support for atv.
#![warn(missing_docs)]

mod codec_error;
pub mod frame;
pub mod opack;
pub mod scan;

pub use codec_error::CodecError;

pub use scan::scan;
