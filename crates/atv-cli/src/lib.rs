//! The `atvremote` and `atvscript` command-line tools: pyatv's flags, commands and
//! output, so that habits and scripts written for pyatv carry over.
//!
//! The binaries are thin: [`remote::main`] and [`script::main`] do the work. The
//! output formatting is pure ([`remote::scan::format_scan_results`],
//! [`script::scan::scan_result`], [`py_json`], [`timestamp`]) so it can be compared
//! with pyatv's own output byte for byte.
#![warn(missing_docs)]

mod args;
mod console;
mod discovery;
mod error;
mod logging;
pub mod py_json;
pub mod remote;
pub mod script;
mod settings_storage;
pub mod timestamp;
