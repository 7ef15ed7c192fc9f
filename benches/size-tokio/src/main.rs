//! Pings the engine of `DOCKER_HOST` and inspects the container named by the first argument.

use docker_client::tokio::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let ping = client.ping().await?;
    let id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench".to_owned());
    let info = client.inspect_container(&id).await?;
    println!(
        "API {}: {} is {}",
        ping.api_version, info.name, info.state.status
    );
    Ok(())
}
