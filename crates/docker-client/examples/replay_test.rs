//! Testing your own code against a recorded engine, with no engine in CI.
//!
//! `running_per_image` is the code under test. Its test replays a transcript that
//! `cargo xtask fixtures record` took from a real Docker 20.10 (record your own with
//! `docker_replay::Recorder`, see the README): the client is pointed at the replay's
//! socket, and `finish` fails the test if a request differed from the recording or a
//! recorded one was never made.
//!
//! ```text
//! cargo test -p docker-client --example replay_test   # the test, on the recording
//! cargo run -p docker-client --example replay_test    # the same code on your engine
//! ```

use std::collections::BTreeMap;

use docker_client::blocking::Client;
use docker_client::ListContainersOptions;

/// How many containers run from each image.
fn running_per_image(client: &Client) -> docker_client::Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    for c in client.list_containers(&ListContainersOptions::default())? {
        *counts.entry(c.image).or_default() += 1;
    }
    Ok(counts)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    for (image, n) in running_per_image(&client)? {
        println!("{n} {image}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use docker_client::blocking::Client;
    use docker_client::Endpoint;
    use docker_replay::{Replay, Transcript};

    #[test]
    fn three_containers_run_from_busybox_in_the_recording() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/docker-20.10/list_containers.http"
        );
        let replay = Replay::start(&Transcript::read(path).unwrap()).unwrap();
        let client = Client::builder()
            .endpoint(Endpoint::Unix(replay.socket().into()))
            .api_version("1.41") // as recorded, so that no version ping is sent
            .build()
            .unwrap();
        let counts = super::running_per_image(&client).unwrap();
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            [("bb:latest".to_owned(), 3)]
        );
        replay.finish().unwrap();
    }
}
