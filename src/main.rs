fn main() -> std::process::ExitCode {
    ailab::cli::main()
}
