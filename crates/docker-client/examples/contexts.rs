//! One program against every engine the docker CLI knows: each context of the context
//! store (`docker context ls`), asked for its version at the same time, on tokio.
//!
//! ```text
//! cargo run --example contexts --features tokio,tls
//! ```
//!
//! One line per context: its name, its endpoint, and the engine's version or why it did
//! not answer. A context whose engine is down does not hold up the others.

use docker_client::tokio::Client;
use docker_client::ContextStore;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store = ContextStore::from_env();
    let docker_host = std::env::var("DOCKER_HOST").ok();
    let mut contexts = vec![store.get("default", docker_host.as_deref())?];
    contexts.extend(store.list()?);
    let mut tasks = Vec::new();
    for context in contexts {
        tasks.push(tokio::spawn(async move {
            // The built-in `default` is where `DOCKER_HOST` points; a stored context brings
            // its own host and TLS files.
            let builder = match context.meta_path {
                None => Client::builder().host(&context.host),
                Some(_) => Client::builder().context(&context.name),
            };
            let answer = match builder.build() {
                Ok(client) => match client.version().await {
                    Ok(v) => format!("Docker {} API {}", v.version, v.api_version),
                    Err(e) => format!("error: {e}"),
                },
                Err(e) => format!("error: {e}"),
            };
            format!("{} {} {answer}", context.name, context.host)
        }));
    }
    for task in tasks {
        println!("{}", task.await?);
    }
    Ok(())
}
