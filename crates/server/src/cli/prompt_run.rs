//! `promptdeck run --prompt FILE.json [--var k=v]... [--model ID] [--input TEXT]`: resolve a
//! prompt and stream its answer to stdout, no server needed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use futures::StreamExt;
use promptdeck_core::{MessageRole, NewPrompt, resolve_prompt};
use promptdeck_llm::{Catalogue, ChatMessage, ChatRequest, StreamEvent};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The prompt, as JSON in the seed's `PromptsData` shape.
    #[arg(long)]
    prompt: PathBuf,
    /// A variable value, `name=value`; repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Run with this model instead of the prompt's.
    #[arg(long)]
    model: Option<String>,
    /// A user message appended after the prompt's messages.
    #[arg(long)]
    input: Option<String>,
    /// TOML model catalogue.
    #[arg(long, env = "PROMPTDECK_MODELS")]
    models: Option<PathBuf>,
}

/// Runs the prompt and streams the answer.
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.prompt)
        .with_context(|| format!("reading {}", args.prompt.display()))?;
    let prompt: NewPrompt =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", args.prompt.display()))?;
    let mut given = BTreeMap::new();
    for pair in &args.vars {
        let Some((k, v)) = pair.split_once('=') else { bail!("--var expects NAME=VALUE, got `{pair}`") };
        given.insert(k.trim().to_owned(), v.to_owned());
    }
    let resolved = resolve_prompt(&prompt.messages, prompt.variable_defaults.as_deref(), &given);
    if !resolved.unknown.is_empty() {
        eprintln!("note: no value for {}", resolved.unknown.join(", "));
    }
    let mut messages: Vec<ChatMessage> =
        resolved.messages.into_iter().map(|m| ChatMessage::new(m.role, m.content)).collect();
    if let Some(input) = args.input {
        messages.push(ChatMessage::new(MessageRole::User, input));
    }
    let catalogue = Catalogue::load_with_process_env(args.models.as_deref())?;
    let model = args.model.unwrap_or_else(|| prompt.settings.model_id.clone());
    let request = ChatRequest::from_settings(&prompt.settings, messages);
    let mut stream = catalogue.stream(&model, request).await?;
    let mut out = std::io::stdout().lock();
    let mut usage = None;
    while let Some(event) = stream.next().await {
        match event? {
            StreamEvent::Text(t) => {
                out.write_all(t.as_bytes())?;
                out.flush()?;
            }
            StreamEvent::ToolUpdate(v) => eprintln!("[tool] {v}"),
            StreamEvent::Usage { input, output } => usage = Some((input, output)),
            StreamEvent::Done { .. } => break,
        }
    }
    writeln!(out)?;
    if let Some((i, o)) = usage {
        eprintln!("[{model}] tokens in {i}, out {o}, cost ${:.6}", catalogue.cost(&model, i, o));
    }
    Ok(ExitCode::SUCCESS)
}
