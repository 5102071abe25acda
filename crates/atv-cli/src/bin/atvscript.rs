//! `atvscript`: discover and control Apple TVs from scripts, with JSON output.

fn main() -> std::process::ExitCode {
    atv_cli::script::main()
}
