//! The binary: the command line runs the commands, and the live view when none is given. Here,
//! above both front ends, is the one place that names them together.

fn main() -> std::process::ExitCode {
    ailab::cli::main(ailab::tui::run)
}
