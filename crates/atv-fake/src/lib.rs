//! A fake Apple TV: the device side of atv's protocols, for tests, demos and benchmarks.
#![warn(missing_docs)]
