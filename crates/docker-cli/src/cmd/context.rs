//! `dkr context ls|show|inspect|use|create|rm`: the docker CLI's contexts, read and
//! written as docker does (`$DOCKER_CONFIG/contexts/`, `currentContext` in `config.json`),
//! so that docker and dkr see the same contexts. Nothing here talks to an engine.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use docker_client::{
    ContextStore, DockerContext, NewContext, CONTEXT_NAME_PATTERN, DEFAULT_CONTEXT,
};

use crate::args::{ContextCommand, ContextCreateArgs, ContextRmArgs, Format};
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
    /// The default context's TLS, when `--tls`, `--tlsverify`, `DOCKER_TLS` or
    /// `DOCKER_TLS_VERIFY` turns it on: what `context create` copies from it.
    pub default_tls: Option<DefaultTls>,
}

/// The TLS of the default context: its files and whether the engine is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultTls {
    /// `ca.pem`, `cert.pem` and `key.pem`: `--tlscacert` and the like, else the files of
    /// `DOCKER_CERT_PATH` (default `~/.docker`) that exist.
    pub files: Vec<(String, PathBuf)>,
    /// `--tls` without `--tlsverify` (nor `DOCKER_TLS_VERIFY`).
    pub skip_verify: bool,
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
        ContextCommand::Create(args) => create(scope, args, out, err),
        ContextCommand::Rm(args) => remove(scope, args, out),
    }
}

/// A failure in docker's words, printed as they are (exit 1).
fn worded(message: String) -> Failure {
    Failure::Reported(vec![message])
}

/// `docker context create`: from `--docker`, else a copy of `--from` or of the current
/// context; the name on standard output, the confirmation on standard error.
fn create(
    scope: &Scope<'_>,
    args: &ContextCreateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let name = &args.name;
    if name == DEFAULT_CONTEXT {
        return Err(worded(format!("{name:?} is a reserved context name")));
    }
    if !ContextStore::is_valid_name(name) {
        return Err(worded(format!(
            "context name {name:?} is invalid, names are validated against regexp {CONTEXT_NAME_PATTERN:?}"
        )));
    }
    if scope.store.exists(name) {
        return Err(worded(format!("context {name:?} already exists")));
    }
    let description = args.description.clone().unwrap_or_default();
    let context = match (&args.from, args.docker.is_empty()) {
        (None, true) => copy(scope, &scope.current, &description)?,
        (Some(from), true) => copy(scope, from, &description)?,
        (Some(_), false) => {
            return Err(worded(
                "cannot use --docker flag when --from is set".to_owned(),
            ))
        }
        (None, false) => {
            let options = docker_options(&args.docker).map_err(Failure::Usage)?;
            endpoint(scope, &options, &description)
                .map_err(|e| worded(format!("unable to create docker endpoint config: {e}")))?
        }
    };
    scope
        .store
        .create(name, &context)
        .map_err(|e| worded(e.to_string()))?;
    writeln!(out, "{name}").map_err(Failure::Io)?;
    let _ = writeln!(err, "Successfully created context {name:?}");
    Ok(())
}

/// `docker context rm`: each name in turn; the names removed on standard output, the
/// refusals together at the end (exit 1).
fn remove(scope: &Scope<'_>, args: &ContextRmArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let mut refused = Vec::new();
    for name in &args.names {
        if name == DEFAULT_CONTEXT {
            refused.push(format!("context {name:?} cannot be removed"));
            continue;
        }
        if *name == scope.current {
            if !args.force {
                refused.push(format!(
                    "context {name:?} is in use, set -f flag to force remove"
                ));
                continue;
            }
            // As docker: the current context falls back to the default.
            scope
                .store
                .set_current(DEFAULT_CONTEXT)
                .map_err(|e| worded(e.to_string()))?;
        }
        if !args.force && !scope.store.exists(name) {
            refused.push(format!("context {name:?} does not exist"));
            continue;
        }
        scope
            .store
            .remove(name)
            .map_err(|e| worded(e.to_string()))?;
        writeln!(out, "{name}").map_err(Failure::Io)?;
    }
    match refused.is_empty() {
        true => Ok(()),
        false => Err(Failure::Reported(refused)),
    }
}

/// A stored context, or the default one, copied as `docker context create --from` does:
/// its metadata (the description replaced when one is given), its docker endpoint and
/// its TLS files.
fn copy(scope: &Scope<'_>, from: &str, description: &str) -> Result<NewContext, Failure> {
    let mut context = match from == DEFAULT_CONTEXT {
        true => {
            let mut metadata = serde_json::Map::new();
            metadata.insert("Description".into(), DEFAULT_DESCRIPTION.into());
            let host = scope.docker_host.unwrap_or("unix:///var/run/docker.sock");
            let (tls, skip_tls_verify) = match &scope.default_tls {
                Some(t) => (t.files.clone(), t.skip_verify),
                None => (Vec::new(), false),
            };
            NewContext {
                metadata,
                host: host.to_owned(),
                skip_tls_verify,
                tls: read_files(&tls).map_err(worded)?,
            }
        }
        false => {
            if !scope.store.exists(from) {
                let meta = scope.store.meta_dir(from).join("meta.json");
                return Err(worded(format!(
                    "context {from:?}: context not found: open {}: no such file or directory",
                    meta.display()
                )));
            }
            let source = scope
                .store
                .get(from, None)
                .map_err(|e| worded(e.to_string()))?;
            let files: Vec<(String, PathBuf)> = match source.tls_dir() {
                Some(dir) => source
                    .tls_files
                    .iter()
                    .map(|f| (f.clone(), dir.join(f)))
                    .collect(),
                None => Vec::new(),
            };
            NewContext {
                metadata: source.metadata,
                host: source.host,
                skip_tls_verify: source.skip_tls_verify,
                tls: read_files(&files).map_err(worded)?,
            }
        }
    };
    if !description.is_empty() {
        context
            .metadata
            .insert("Description".into(), description.into());
    }
    Ok(context)
}

/// The keys of `--docker`.
const DOCKER_KEYS: &[&str] = &["from", "host", "ca", "cert", "key", "skip-tls-verify"];

/// `--docker` values as docker's `stringToString` flag reads them: `KEY=VALUE` pairs
/// separated by commas (CSV, so a pair may be quoted), a value with a single `=` taken
/// whole; the values of repeated flags are merged, later keys winning.
pub fn docker_options(values: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut options = BTreeMap::new();
    for value in values {
        let malformed = |pair: &str| {
            format!("invalid argument {value:?} for \"--docker\" flag: {pair} must be formatted as key=value")
        };
        let pairs = match value.matches('=').count() {
            0 => return Err(malformed(value)),
            1 => vec![value.trim_matches('"').to_owned()],
            _ => csv_fields(value)
                .map_err(|e| format!("invalid argument {value:?} for \"--docker\" flag: {e}"))?,
        };
        for pair in pairs {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(malformed(&pair));
            };
            options.insert(k.to_owned(), v.to_owned());
        }
    }
    Ok(options)
}

/// The fields of one CSV record, as Go's `encoding/csv` reads them: a field that starts
/// with `"` is quoted (`""` inside is a quote); a quote inside an unquoted field is an
/// error.
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    let mut column = 0;
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            column += 1;
            loop {
                column += 1;
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => {
                        return Err(format!(
                            "parse error on line 1, column {column}: extraneous or missing \" in quoted-field"
                        ))
                    }
                }
            }
            if !matches!(chars.peek(), None | Some(',')) {
                return Err(format!(
                    "parse error on line 1, column {column}: extraneous or missing \" in quoted-field"
                ));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                column += 1;
                if c == '"' {
                    return Err(format!(
                        "parse error on line 1, column {column}: bare \" in non-quoted-field"
                    ));
                }
                field.push(c);
                chars.next();
            }
        }
        fields.push(field);
        match chars.next() {
            Some(',') => column += 1,
            _ => return Ok(fields),
        }
    }
}

/// The context of `--docker` options, checked as docker checks them, in its order: the
/// keys, the TLS files (read), `skip-tls-verify`, the PEM of the files, then the host.
/// The errors are docker's words.
fn endpoint(
    scope: &Scope<'_>,
    options: &BTreeMap<String, String>,
    description: &str,
) -> Result<NewContext, String> {
    if let Some(key) = options.keys().find(|k| !DOCKER_KEYS.contains(&k.as_str())) {
        return Err(format!("unrecognized config key: {key}"));
    }
    let mut metadata = serde_json::Map::new();
    if !description.is_empty() {
        metadata.insert("Description".into(), description.into());
    }
    if let Some(from) = options.get("from") {
        // Only the endpoint is copied: no TLS files, no metadata.
        if from != DEFAULT_CONTEXT && !scope.store.exists(from) {
            let meta = scope.store.meta_dir(from).join("meta.json");
            return Err(format!(
                "context {from:?}: context not found: open {}: no such file or directory",
                meta.display()
            ));
        }
        let source = scope
            .store
            .get(from, scope.docker_host)
            .map_err(|e| e.to_string())?;
        return Ok(NewContext {
            metadata,
            host: source.host,
            skip_tls_verify: source.skip_tls_verify,
            tls: Vec::new(),
        });
    }
    let files: Vec<(String, PathBuf)> =
        [("ca", "ca.pem"), ("cert", "cert.pem"), ("key", "key.pem")]
            .into_iter()
            .filter_map(|(key, file)| {
                let path = options.get(key).filter(|p| !p.is_empty())?;
                Some((file.to_owned(), PathBuf::from(path)))
            })
            .collect();
    let tls = read_files(&files)?;
    let skip_tls_verify = match options.get("skip-tls-verify") {
        None => false,
        Some(v) => match v.as_str() {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
            "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
            _ => return Err(format!("skip-tls-verify: parsing {v:?}: invalid syntax")),
        },
    };
    let pem = |name: &str| {
        tls.iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    };
    let invalid = |what: &str| format!("invalid docker endpoint options: {what}");
    let has =
        |bytes: &[u8], marker: &str| bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
    if pem("ca.pem").is_some_and(|ca| !has(ca, "-----BEGIN CERTIFICATE-----")) {
        return Err(invalid(
            "failed to retrieve context tls info: ca.pem seems invalid",
        ));
    }
    if let (Some(cert), Some(key)) = (pem("cert.pem"), pem("key.pem")) {
        if !has(key, "-----BEGIN ") {
            return Err(invalid("no valid private key found"));
        }
        if !has(cert, "-----BEGIN ") {
            return Err(invalid(
                "failed to retrieve context tls info: tls: failed to find any PEM data in certificate input",
            ));
        }
    }
    let host = options.get("host").cloned().unwrap_or_default();
    check_host(&host)?;
    Ok(NewContext {
        metadata,
        host,
        skip_tls_verify,
        tls,
    })
}

/// Refuses a host docker's client would not take, in docker's words (an empty host is
/// the default one).
fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Ok(());
    }
    let unparsable =
        || format!("unable to apply docker endpoint options: unable to parse docker host `{host}`");
    let Some((scheme, rest)) = host.split_once("://") else {
        return Err(unparsable());
    };
    match scheme.to_ascii_lowercase().as_str() {
        "ssh" => {
            let authority = rest.split('/').next().unwrap_or("");
            let hostname = authority.rsplit('@').next().unwrap_or("");
            let hostname = hostname.split(':').next().unwrap_or("");
            match hostname.is_empty() {
                true => Err("invalid docker endpoint options: ssh host connection is not valid: invalid SSH URL: hostname is empty".into()),
                false => Ok(()),
            }
        }
        "tcp" | "http" | "https" | "unix" if !rest.is_empty() => Ok(()),
        "npipe" => Err("unable to apply docker endpoint options: protocol not available".into()),
        _ => Err(unparsable()),
    }
}

/// The files' contents, by name; a file that cannot be read is an error in Go's words.
fn read_files(files: &[(String, PathBuf)]) -> Result<Vec<(String, Vec<u8>)>, String> {
    files
        .iter()
        .map(|(name, path)| {
            std::fs::read(path)
                .map(|bytes| (name.clone(), bytes))
                .map_err(|e| format!("open {}: {}", path.display(), go_io_error(&e, path)))
        })
        .collect()
}

/// An IO error as Go's `os` package words it.
fn go_io_error(e: &std::io::Error, path: &Path) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ if path.is_dir() => "is a directory".into(),
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            text.to_lowercase()
        }
    }
}

/// `default` and the stored contexts, in docker's natural order of their names.
fn all(scope: &Scope<'_>) -> Result<Vec<DockerContext>, Failure> {
    let mut contexts = vec![scope
        .store
        .get(DEFAULT_CONTEXT, scope.docker_host)
        .map_err(Failure::Config)?];
    contexts.extend(scope.store.list().map_err(Failure::Config)?);
    contexts.sort_by(|a, b| natural_order(&a.name, &b.name));
    Ok(contexts)
}

/// The order of `sortorder.NaturalLess`, which `docker context ls` sorts by: bytes
/// compared one by one, except that a run of digits is compared as a number (digits come
/// before other bytes), and of two equal numbers the one with fewer leading zeros first.
pub fn natural_order(left: &str, right: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (a, b) = (left.as_bytes(), right.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        match (x.is_ascii_digit(), y.is_ascii_digit()) {
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {
                if x != y {
                    return x.cmp(&y);
                }
                i += 1;
                j += 1;
            }
            (true, true) => {
                let zeros = |s: &[u8], mut k: usize| {
                    while k < s.len() && s[k] == b'0' {
                        k += 1;
                    }
                    k
                };
                let digits = |s: &[u8], mut k: usize| {
                    while k < s.len() && s[k].is_ascii_digit() {
                        k += 1;
                    }
                    k
                };
                let (start_a, start_b) = (zeros(a, i), zeros(b, j));
                let (end_a, end_b) = (digits(a, start_a), digits(b, start_b));
                let by_number = (end_a - start_a)
                    .cmp(&(end_b - start_b))
                    .then_with(|| a[start_a..end_a].cmp(&b[start_b..end_b]))
                    .then_with(|| start_a.cmp(&start_b));
                if by_number != Ordering::Equal {
                    return by_number;
                }
                (i, j) = (end_a, end_b);
            }
        }
    }
    // Identical so far (and so `i == j`): the shorter is less.
    a.len().cmp(&b.len())
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
