//! The `promptdeck` command: `serve` (the default), `ui check`, `ui compile`, `run` and
//! `user promote`. Only parses arguments and calls the library.

use clap::Parser;

mod cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
