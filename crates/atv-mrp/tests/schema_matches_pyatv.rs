//! The .proto files in proto/mrp describe the same wire format as pyatv's protobuf
//! classes: every message, field number, label, wire type and enum value is compared by a
//! script running in the pyatv venv (tests/python/compare_schema.py). The few deliberate
//! differences are listed, with reasons, in that script and in the .proto files.

mod support;

use std::fs;

#[test]
fn proto_files_describe_pyatvs_wire_format() {
    let proto_root = atv_tests::workspace_root().join("proto");
    let mut files: Vec<_> = fs::read_dir(proto_root.join("mrp"))
        .expect("proto/mrp exists")
        .map(|entry| entry.expect("readable proto/mrp").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "proto"))
        .collect();
    files.sort();
    assert!(
        files.len() > 5,
        "expected the MRP .proto files, found {files:?}"
    );

    let mut compiler = protox::Compiler::new([&proto_root]).expect("proto/ is readable");
    compiler.include_imports(true);
    compiler
        .open_files(&files)
        .unwrap_or_else(|e| panic!("proto/mrp does not compile: {e}"));
    let descriptor_set = tempfile::NamedTempFile::new().expect("temp file");
    fs::write(descriptor_set.path(), compiler.encode_file_descriptor_set())
        .expect("write descriptor set");

    let Some(output) =
        support::run_pyatv_script("compare_schema.py", &[descriptor_set.path().as_os_str()])
    else {
        return;
    };
    output.assert_success("schema comparison with pyatv");
    assert!(
        output.stdout.contains(", 0 differences"),
        "unexpected output: {}",
        output.stdout
    );
    // How much was compared, so a vacuous pass would show.
    println!("{}", output.stdout.trim());
}
