//! End-to-end and interop test support for atv.
