//! Protobuf code generation for MRP (filled in by the MRP work).

/// Regenerates (or, with `check`, verifies) the checked-in protobuf code.
pub(crate) fn run(_check: bool) -> Result<(), String> {
    Err("codegen: no .proto files yet".into())
}
