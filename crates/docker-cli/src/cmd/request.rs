//! `dkr request`: the escape hatch. Sends any request and prints the answer's body as it
//! arrives, chunk by chunk, flushing each (so streams like `/events` show live).
//!
//! The body goes to standard output whatever the status. A status of 400 or more then
//! fails with exit status 1 and `Error: the engine answered 404 Not Found` on standard
//! error.

use std::io::{Read, Write};

use docker_client::blocking::Client;
use docker_client::Method;

use crate::args::RequestArgs;
use crate::error::Failure;

/// The `--data` body: the text itself, `@FILE`, or `-` for standard input. It must be
/// JSON.
pub fn body(data: &str, stdin: &mut dyn Read) -> Result<Vec<u8>, Failure> {
    let bytes = if data == "-" {
        let mut buf = Vec::new();
        stdin
            .read_to_end(&mut buf)
            .map_err(|e| Failure::Other(format!("cannot read --data from standard input: {e}")))?;
        buf
    } else if let Some(path) = data.strip_prefix('@') {
        std::fs::read(path)
            .map_err(|e| Failure::Other(format!("cannot read --data {data}: {e}")))?
    } else {
        data.as_bytes().to_vec()
    };
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        return Err(Failure::Usage(format!("--data is not valid JSON: {e}")));
    }
    Ok(bytes)
}

/// Sends the request and copies the body to `out`.
pub fn run(
    client: &Client,
    args: &RequestArgs,
    out: &mut dyn Write,
    stdin: &mut dyn Read,
) -> Result<(), Failure> {
    let method = Method::parse(&args.method).ok_or_else(|| {
        Failure::Usage(format!(
            "unknown method {:?}: use GET, HEAD, POST, PUT, DELETE, PATCH or OPTIONS",
            args.method
        ))
    })?;
    if args.path.contains('?') && !args.query.is_empty() {
        return Err(Failure::Usage(
            "give the query in the path or with --query, not both".into(),
        ));
    }
    let data = args.data.as_deref().map(|d| body(d, stdin)).transpose()?;
    let query: Vec<(&str, &str)> = args
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut response = client.request(method, &args.path, &query, data)?;
    let status = response.status();
    let reason = response.head().reason.clone();
    while let Some(chunk) = response.next_chunk()? {
        out.write_all(chunk)?;
        out.flush()?;
    }
    if status >= 400 {
        return Err(Failure::Other(
            format!("the engine answered {status} {reason}")
                .trim_end()
                .to_owned(),
        ));
    }
    Ok(())
}
