//! `atvremote`: discover, pair with and control Apple TVs from the command line.

fn main() -> std::process::ExitCode {
    atv_cli::remote::main()
}
