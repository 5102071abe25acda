//! The atvremote and atvscript command-line tools.
#![warn(missing_docs)]
