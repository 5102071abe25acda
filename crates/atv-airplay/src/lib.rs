//! AirPlay support for atv.
#![warn(missing_docs)]

pub mod features;
pub mod requirements;
pub mod scan;

pub use scan::scan;
