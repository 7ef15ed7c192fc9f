//! Pings the engine of `DOCKER_HOST` and inspects the container named by the first argument.

use bollard::Docker;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let docker = Docker::connect_with_unix_defaults()?
        .negotiate_version()
        .await?;
    let ping = docker.ping().await?;
    let id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench".to_owned());
    let info = docker.inspect_container(&id, None).await?;
    let status = info.state.and_then(|s| s.status).map(|s| s.to_string());
    println!(
        "{ping}: {} is {}",
        info.name.unwrap_or_default(),
        status.unwrap_or_default()
    );
    Ok(())
}
