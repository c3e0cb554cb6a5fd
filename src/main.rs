use std::process::ExitCode;

fn main() -> ExitCode {
    safecode::run(std::env::args_os())
}
