//! `promptdeck ui check FILE` and `promptdeck ui compile FILE...`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use promptdeck_compiler::{Compiler, UiSource, check};
use promptdeck_core::ComponentType;

#[derive(Debug, Subcommand)]
pub enum UiCommand {
    /// Validate one custom UI; prints `{"validated","validation_errors"}`, exit 0 only if valid.
    Check {
        /// The file to check.
        file: PathBuf,
        /// `react`, `template` or `json-schema` (default: from the extension).
        #[arg(long = "type")]
        kind: Option<String>,
    },
    /// Compile custom UIs; prints one JSON line per file with the compiled code or the errors.
    Compile {
        /// The files to compile.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// `react`, `template` or `json-schema` (default: from each extension).
        #[arg(long = "type")]
        kind: Option<String>,
    },
}

fn kind_of(path: &Path, given: Option<&str>) -> anyhow::Result<ComponentType> {
    if let Some(kind) = given {
        return Ok(kind.parse()?);
    }
    Ok(match path.extension().and_then(|e| e.to_str()) {
        Some("html" | "htm") => ComponentType::Template,
        Some("json") => ComponentType::JsonSchema,
        _ => ComponentType::React,
    })
}

/// Runs a `ui` subcommand.
pub fn run(cmd: UiCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UiCommand::Check { file, kind } => {
            let kind = kind_of(&file, kind.as_deref())?;
            let code =
                std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let schema = schema_of(kind, &code);
            let report = check(&UiSource {
                component_type: kind,
                code: &code,
                props_schema: schema.as_ref(),
                default_props: None,
                prompt_variables: None,
            });
            println!("{}", serde_json::to_string(&report)?);
            Ok(if report.validated { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        UiCommand::Compile { files, kind } => {
            let compiler = Compiler::new(0);
            let mut out = std::io::stdout().lock();
            let mut all_ok = true;
            for file in files {
                let kind = kind_of(&file, kind.as_deref())?;
                let code =
                    std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
                let schema = schema_of(kind, &code);
                let line = match compiler.compile(&UiSource {
                    component_type: kind,
                    code: &code,
                    props_schema: schema.as_ref(),
                    default_props: None,
                    prompt_variables: None,
                }) {
                    Ok(c) => serde_json::json!({"file": file, "ok": true, "hash": c.hash, "code": c.code}),
                    Err(e) => {
                        all_ok = false;
                        serde_json::json!({"file": file, "ok": false, "validation_errors": e.report().validation_errors})
                    }
                };
                writeln!(out, "{line}")?;
            }
            Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

/// A `json-schema` file holds the schema itself.
fn schema_of(kind: ComponentType, code: &str) -> Option<serde_json::Value> {
    (kind == ComponentType::JsonSchema).then(|| serde_json::from_str(code).ok()).flatten()
}
