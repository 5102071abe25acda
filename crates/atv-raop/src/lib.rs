//! RAOP audio streaming support for atv.
#![warn(missing_docs)]
