//! Command-line arguments and what each command does.

mod prompt_run;
mod ui;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use promptdeck_server::Application;
use promptdeck_server::config::{DEFAULT_DATABASE, ServeArgs};

/// promptdeck: turn LLM prompts into apps.
#[derive(Debug, Parser)]
#[command(name = "promptdeck", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web app, REST API and Socket.IO (the default command).
    Serve(Box<ServeArgs>),
    /// Check or compile custom UIs.
    #[command(subcommand)]
    Ui(ui::UiCommand),
    /// Run a prompt from a JSON file and stream the answer to stdout.
    Run(prompt_run::RunArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Make an account an admin (admins may feature custom UIs).
    Promote {
        /// The account's email.
        email: String,
        /// The database to change.
        #[arg(long, env = "PROMPTDECK_DATABASE_URL", default_value = DEFAULT_DATABASE)]
        database: String,
    },
}

/// Runs the command the arguments name.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => serve(ServeArgs::parse_from(["serve"])).await,
        Some(Command::Serve(args)) => serve(*args).await,
        Some(Command::Ui(cmd)) => ui::run(cmd),
        Some(Command::Run(args)) => prompt_run::run(args).await,
        Some(Command::User(UserCommand::Promote { email, database })) => {
            let store = promptdeck_store::Store::connect(&database).await?;
            let email = email.trim().to_lowercase();
            if store.set_admin(&email, true).await? {
                println!("{email} is now an admin");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("no account with the email {email}");
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut config = args.into_config();
    config.jwt_secret = std::env::var("PROMPTDECK_JWT_SECRET").ok().filter(|s| !s.is_empty());
    if let Some(hex) = std::env::var("PROMPTDECK_KEY_ENCRYPTION_KEY").ok().filter(|s| !s.is_empty()) {
        config.key_encryption_key = Some(
            promptdeck_server::provider_keys::KeyEncryptionKey::from_hex(&hex).map_err(anyhow::Error::msg)?,
        );
    }
    let app = Application::build(config).await.context("starting the server")?;
    let addr = app.local_addr()?;
    // Tests and scripts read this exact line to learn the port.
    println!("listening on http://{addr}");
    println!("sandbox on http://{}", app.sandbox_addr()?);
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
