//! `dkr context ls|show|inspect|use`: the docker CLI's contexts, read and written as docker
//! does (`$DOCKER_CONFIG/contexts/`, `currentContext` in `config.json`), so that docker
//! and dkr see the same current context. Nothing here talks to an engine.

use std::io::Write;

use docker_client::{ContextStore, DockerContext, DEFAULT_CONTEXT};

use crate::args::{ContextCommand, Format};
use crate::error::Failure;
use crate::text::Table;

/// The default context's description in `docker context ls`.
const DEFAULT_DESCRIPTION: &str = "Current DOCKER_HOST based configuration";

/// What the commands need from the command line and the environment.
#[derive(Debug)]
pub struct Scope<'a> {
    /// The store (`DOCKER_CONFIG`, else `~/.docker`).
    pub store: &'a ContextStore,
    /// The default context's host: `-H`, else `DOCKER_HOST`.
    pub docker_host: Option<&'a str>,
    /// The current context: `--context`, else `DOCKER_CONTEXT`, else `config.json`'s
    /// (`default` when `-H` or `DOCKER_HOST` is given, as in docker).
    pub current: String,
    /// `DOCKER_HOST` is set (not `-H`): docker warns that it overrides the stored context.
    pub env_docker_host: bool,
}

/// Runs a `context` subcommand.
pub fn run(
    scope: &Scope<'_>,
    command: &ContextCommand,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    match command {
        ContextCommand::Ls(args) => {
            let contexts = all(scope)?;
            let stored = scope.store.current().map_err(Failure::Config)?;
            if scope.env_docker_host && stored != DEFAULT_CONTEXT {
                let _ = writeln!(err, "Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.");
            }
            render_ls(&contexts, &scope.current, args.quiet, format, out).map_err(Failure::Io)
        }
        ContextCommand::Show => writeln!(out, "{}", scope.current).map_err(Failure::Io),
        ContextCommand::Inspect(args) => {
            let names = match args.names.is_empty() {
                true => vec![scope.current.clone()],
                false => args.names.clone(),
            };
            let mut contexts = Vec::new();
            for name in &names {
                contexts.push(
                    scope
                        .store
                        .get(name, scope.docker_host)
                        .map_err(Failure::Config)?,
                );
            }
            out.write_all(render_inspect(&contexts).as_bytes())
                .map_err(Failure::Io)
        }
        ContextCommand::Use(args) => {
            scope
                .store
                .set_current(&args.name)
                .map_err(Failure::Config)?;
            writeln!(out, "{}", args.name).map_err(Failure::Io)?;
            let _ = writeln!(err, "Current context is now {:?}", args.name);
            if scope.env_docker_host && args.name != DEFAULT_CONTEXT {
                let _ = writeln!(err, "Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.");
            }
            Ok(())
        }
    }
}

/// `default` first, then the stored contexts by name.
fn all(scope: &Scope<'_>) -> Result<Vec<DockerContext>, Failure> {
    let mut contexts = vec![scope
        .store
        .get(DEFAULT_CONTEXT, scope.docker_host)
        .map_err(Failure::Config)?];
    contexts.extend(scope.store.list().map_err(Failure::Config)?);
    Ok(contexts)
}

fn description(context: &DockerContext) -> &str {
    match context.name == DEFAULT_CONTEXT {
        true => DEFAULT_DESCRIPTION,
        false => context.description(),
    }
}

/// `docker context ls`: the table (the current one starred), `-q` names, or JSON lines.
pub fn render_ls(
    contexts: &[DockerContext],
    current: &str,
    quiet: bool,
    format: Format,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if quiet {
        for c in contexts {
            writeln!(out, "{}", c.name)?;
        }
        return Ok(());
    }
    if format == Format::Json {
        for c in contexts {
            let line = serde_json::json!({
                "Current": c.name == current,
                "Description": description(c),
                "DockerEndpoint": c.host,
                "Error": "",
                "Name": c.name,
            });
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    let mut table = Table::docker();
    table.row(["NAME", "DESCRIPTION", "DOCKER ENDPOINT", "ERROR"]);
    for c in contexts {
        let name = match c.name == current {
            true => format!("{} *", c.name),
            false => c.name.clone(),
        };
        table.row([name.as_str(), description(c), c.host.as_str(), ""]);
    }
    table.write_to(out)
}

/// `docker context inspect`: Go's indented JSON, `<`, `>` and `&` escaped as Go does.
pub fn render_inspect(contexts: &[DockerContext]) -> String {
    let mut s = String::from("[\n");
    for (i, c) in contexts.iter().enumerate() {
        let q = |v: &str| serde_json::Value::from(v).to_string();
        let metadata = match c.metadata.is_empty() {
            true => "{}".to_owned(),
            false => indent(&pretty(&serde_json::Value::Object(c.metadata.clone())), 8),
        };
        let tls = match c.tls_files.is_empty() {
            true => "{}".to_owned(),
            false => {
                let files: Vec<String> = c
                    .tls_files
                    .iter()
                    .map(|f| format!("                {}", q(f)))
                    .collect();
                format!(
                    "{{\n            \"docker\": [\n{}\n            ]\n        }}",
                    files.join(",\n")
                )
            }
        };
        let path = |p: &Option<std::path::PathBuf>| match p {
            Some(p) => q(&p.display().to_string()),
            None => q("<IN MEMORY>"),
        };
        s.push_str(&format!(
            "    {{\n        \"Name\": {},\n        \"Metadata\": {metadata},\n        \"Endpoints\": {{\n            \"docker\": {{\n                \"Host\": {},\n                \"SkipTLSVerify\": {}\n            }}\n        }},\n        \"TLSMaterial\": {tls},\n        \"Storage\": {{\n            \"MetadataPath\": {},\n            \"TLSPath\": {}\n        }}\n    }}",
            q(&c.name),
            q(&c.host),
            c.skip_tls_verify,
            path(&c.meta_path),
            path(&c.tls_path),
        ));
        s.push_str(if i + 1 < contexts.len() { ",\n" } else { "\n" });
    }
    s.push_str("]\n");
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut text, formatter);
    let _ = serde::Serialize::serialize(value, &mut ser);
    String::from_utf8(text).unwrap_or_default()
}

/// Indents every line but the first by `n` spaces.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => l.to_owned(),
            _ => format!("{pad}{l}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
