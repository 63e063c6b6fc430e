//! Command-line arguments and what each command does.

mod prompt_run;
mod ui;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use promptdeck_server::{
    Application, Config, config::DEFAULT_MAX_BODY_BYTES, config::DEFAULT_MAX_MESSAGE_BYTES,
};

/// Default database for `cargo run`: a SQLite file in the working directory.
const DEFAULT_DATABASE: &str = "sqlite://promptdeck.db";

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

#[derive(Debug, Parser)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PROMPTDECK_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "PROMPTDECK_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    database: String,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PROMPTDECK_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Largest total message content of one task, in bytes.
    #[arg(long, env = "PROMPTDECK_MAX_MESSAGE_BYTES", default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    max_message_bytes: usize,
    /// TOML model catalogue (see crates/llm/README.md).
    #[arg(long, env = "PROMPTDECK_MODELS")]
    models: Option<PathBuf>,
    /// Address of the sandbox listener serving custom UI documents (default: the app's port + 1;
    /// a free port when the app's port is 0).
    #[arg(long, env = "PROMPTDECK_SANDBOX_ADDR")]
    sandbox_addr: Option<SocketAddr>,
    /// Public origin of the sandbox documents when a proxy serves the sandbox listener
    /// (e.g. `https://sandbox.example.com`); must differ from the app's origin.
    #[arg(long, env = "PROMPTDECK_SANDBOX_ORIGIN")]
    sandbox_origin: Option<String>,
    /// Origins the app is reached at (comma-separated), allowed to frame sandbox documents
    /// (default: the bound address, and `localhost` beside a loopback address).
    #[arg(long, env = "PROMPTDECK_APP_ORIGINS", value_delimiter = ',')]
    app_origin: Vec<String>,
    #[command(flatten)]
    auth: promptdeck_server::config::AuthLimits,
    #[command(flatten)]
    tasks: promptdeck_server::config::TaskLimits,
    #[command(flatten)]
    http: promptdeck_server::config::HttpLimits,
    #[command(flatten)]
    web: promptdeck_server::config::WebLimits,
    #[command(flatten)]
    runs: promptdeck_server::config::RunLimits,
    #[command(flatten)]
    compiler: promptdeck_server::config::CompilerLimits,
    #[command(flatten)]
    nodes: promptdeck_server::config::NodeSettings,
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
    let mut config = Config::new(args.addr, args.database);
    config.max_body_bytes = args.max_body_bytes;
    config.max_message_bytes = args.max_message_bytes;
    config.models_file = args.models;
    config.sandbox_addr = args.sandbox_addr;
    config.sandbox_origin = args.sandbox_origin;
    config.app_origins = (!args.app_origin.is_empty()).then_some(args.app_origin);
    config.auth = args.auth;
    config.tasks = args.tasks;
    config.http = args.http;
    config.web = args.web;
    config.runs = args.runs;
    config.compiler = args.compiler;
    config.nodes = args.nodes;
    config.jwt_secret = std::env::var("PROMPTDECK_JWT_SECRET").ok().filter(|s| !s.is_empty());
    let app = Application::build(config).await.context("starting the server")?;
    let addr = app.local_addr()?;
    // Tests and scripts read this exact line to learn the port.
    println!("listening on http://{addr}");
    println!("sandbox on http://{}", app.sandbox_addr()?);
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
