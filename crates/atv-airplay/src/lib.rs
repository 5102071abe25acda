//! AirPlay support for atv.
#![warn(missing_docs)]

pub mod features;
pub mod scan;

pub use scan::scan;
