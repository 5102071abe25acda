//! AirPlay support for atv.
#![warn(missing_docs)]
