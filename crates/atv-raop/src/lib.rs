//! RAOP audio streaming support for atv.
#![warn(missing_docs)]

mod requirements;
pub mod scan;

pub use scan::scan;
