//! DMAP/DAAP support for atv.
#![warn(missing_docs)]
