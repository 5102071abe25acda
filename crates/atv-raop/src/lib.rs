//! RAOP audio streaming support for atv.
#![warn(missing_docs)]

pub mod scan;

pub use scan::scan;
