//! Pulls an image and shows the progress of each layer, with the registry credentials
//! that `docker login` stored (`~/.docker/config.json`, or `DOCKER_CONFIG`).
//!
//! ```text
//! cargo run --example pull_progress -- registry.example.com/team/app:1.0
//! ```
//!
//! One line per layer and step (`Pulling fs layer`, `Downloading 40%`, `Pull complete`),
//! at most one per tenth of a layer's download, then the pulled image's ID.

use std::collections::HashMap;
use std::error::Error;

use docker_client::blocking::Client;
use docker_client::{DockerConfig, PullImageOptions};

fn main() -> Result<(), Box<dyn Error>> {
    let image = std::env::args()
        .nth(1)
        .ok_or("usage: pull_progress IMAGE[:TAG]")?;
    let client = Client::from_env()?;
    let mut options = PullImageOptions::default();
    if let Some(auth) = DockerConfig::load()?.credentials_for_image(&image)? {
        options = options.auth(auth);
    }
    // The last step shown for each layer: (status, tenths done).
    let mut shown: HashMap<String, (String, u64)> = HashMap::new();
    for message in client.pull_image(&image, &options)? {
        let message = message?; // an error in the stream (unknown image, refused) ends here
        let tenths = match &message.progress_detail {
            Some(p) if p.total > 0 => (p.current.clamp(0, p.total) * 10 / p.total) as u64,
            _ => 0,
        };
        let step = (message.status.clone(), tenths);
        if message.id.is_empty() {
            println!("{}", message.status);
        } else if shown.get(&message.id) != Some(&step) {
            match tenths {
                0 => println!("{}: {}", message.id, message.status),
                _ => println!("{}: {} {}0%", message.id, message.status, tenths),
            }
            shown.insert(message.id.clone(), step);
        }
    }
    let pulled = client.inspect_image(&image)?;
    println!("pulled {image} {}", pulled.id);
    Ok(())
}
