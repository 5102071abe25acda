//! Companion link support for atv.
#![warn(missing_docs)]
