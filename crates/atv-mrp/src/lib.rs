//! Media Remote Protocol support for atv.
#![warn(missing_docs)]
