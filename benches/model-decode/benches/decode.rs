//! Decoding throughput of the large models, against a `serde_json::Value` of the same body,
//! and the allocations of one decode (counted by a global allocator, printed before the
//! timings).
//!
//! `cargo bench --manifest-path benches/model-decode/Cargo.toml`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use docker_models::{
    from_json, ContainerInspect, ContainerSummary, EventMessage, ImageInspect, SystemInfo,
};
use model_decode::{allocations_per_call, first_line, recorded_body, repeated_list, Counting};
use serde::de::DeserializeOwned;

#[global_allocator]
static ALLOC: Counting = Counting;

struct Input {
    name: &'static str,
    body: String,
}

fn inputs() -> Vec<Input> {
    vec![
        Input {
            name: "container_inspect",
            body: recorded_body("docker-20.10/inspect_container.http"),
        },
        Input {
            name: "image_inspect",
            body: recorded_body("docker-20.10/inspect_image.http"),
        },
        Input {
            name: "info",
            body: recorded_body("docker-20.10/info.http"),
        },
        Input {
            name: "list_200_containers",
            body: repeated_list(&recorded_body("docker-20.10/list_containers_all.http"), 200),
        },
        Input {
            name: "events_line",
            body: first_line(&recorded_body("docker-20.10/events.http")),
        },
    ]
}

fn decode(name: &str, body: &str) {
    fn typed<T: DeserializeOwned>(body: &str) {
        black_box(from_json::<T>(black_box(body)).expect("the recorded body decodes"));
    }
    match name {
        "container_inspect" => typed::<ContainerInspect>(body),
        "image_inspect" => typed::<ImageInspect>(body),
        "info" => typed::<SystemInfo>(body),
        "list_200_containers" => typed::<Vec<ContainerSummary>>(body),
        "events_line" => typed::<EventMessage>(body),
        other => unreachable!("no model for {other}"),
    }
}

fn decoding(c: &mut Criterion) {
    let inputs = inputs();
    for input in &inputs {
        let typed = allocations_per_call(1000, || decode(input.name, &input.body));
        let value = allocations_per_call(1000, || {
            serde_json::from_str::<serde_json::Value>(&input.body).unwrap()
        });
        println!(
            "allocations per decode: {:<20} {:>6} bytes  typed {:>7.1}  serde_json::Value {:>7.1}",
            input.name,
            input.body.len(),
            typed,
            value
        );
    }
    let mut group = c.benchmark_group("decode");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for input in &inputs {
        group.throughput(Throughput::Bytes(input.body.len() as u64));
        group.bench_function(format!("{}/typed", input.name), |b| {
            b.iter(|| decode(input.name, &input.body))
        });
        group.bench_function(format!("{}/serde_json_value", input.name), |b| {
            b.iter(|| {
                black_box(
                    serde_json::from_str::<serde_json::Value>(black_box(&input.body)).unwrap(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decoding);
criterion_main!(benches);
