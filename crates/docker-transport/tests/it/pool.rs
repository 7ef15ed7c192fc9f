//! Keep-alive reuse, idle expiry, liveness checks and the stale-connection retry.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use docker_transport::blocking::Transport;
use docker_transport::{Body, Error, Method, Request};
use docker_wire::ProtocolError;

use crate::fake::{Fake, OK};

fn get(transport: &Transport) -> Vec<u8> {
    let res = transport.send(Request::new(Method::Get, "/_ping")).unwrap();
    assert_eq!(res.status(), 200);
    res.bytes().unwrap()
}

#[test]
fn ten_sequential_requests_share_one_connection() {
    let fake = Fake::ok();
    let transport = Transport::new(fake.config());
    for _ in 0..10 {
        assert_eq!(get(&transport), b"OK");
    }
    assert_eq!(fake.accepted(), 1);
}

#[test]
fn clones_share_the_pool() {
    let fake = Fake::ok();
    let transport = Transport::new(fake.config());
    let clone = transport.clone();
    get(&transport);
    get(&clone);
    assert_eq!(fake.accepted(), 1);
}

#[test]
fn connection_close_response_is_not_reused() {
    let fake = Fake::start(|_, mut peer| {
        if peer.read_request().is_some() {
            peer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOK");
            peer.hang();
        }
    });
    let transport = Transport::new(fake.config());
    get(&transport);
    get(&transport);
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn expired_idle_connection_is_not_reused() {
    let fake = Fake::ok();
    let mut config = fake.config();
    config.idle_expiry = Duration::from_millis(100);
    let transport = Transport::new(config);
    get(&transport);
    std::thread::sleep(Duration::from_millis(200));
    get(&transport);
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn zero_idle_connections_disables_reuse() {
    let fake = Fake::ok();
    let mut config = fake.config();
    config.max_idle_connections = 0;
    let transport = Transport::new(config);
    get(&transport);
    get(&transport);
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn idle_pool_keeps_at_most_max_idle_connections() {
    let fake = Fake::ok();
    let mut config = fake.config();
    config.max_idle_connections = 1;
    let transport = Transport::new(config);
    let held: Vec<_> = (0..3)
        .map(|_| transport.send(Request::new(Method::Get, "/_ping")).unwrap())
        .collect();
    assert_eq!(fake.accepted(), 3);
    for res in held {
        assert_eq!(res.bytes().unwrap(), b"OK");
    }
    // Only one of the three was kept: two concurrent requests need one new connection.
    let a = transport.send(Request::new(Method::Get, "/_ping")).unwrap();
    let b = transport.send(Request::new(Method::Get, "/_ping")).unwrap();
    assert_eq!(fake.accepted(), 4);
    drop((a, b));
}

#[test]
fn dropping_an_unfinished_response_closes_its_connection() {
    let fake = Fake::start(|_, mut peer| {
        while peer.read_request().is_some() {
            peer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nOK");
        }
    });
    let transport = Transport::new(fake.config());
    let res = transport.send(Request::new(Method::Get, "/x")).unwrap();
    drop(res);
    let _ = transport.send(Request::new(Method::Get, "/x")).unwrap();
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn a_dropped_response_whose_end_arrived_keeps_its_connection() {
    let fake = Fake::start(|_, mut peer| {
        while peer.read_request().is_some() {
            peer.write(b"HTTP/1.1 204 No Content\r\n\r\n");
            if peer.read_request().is_none() {
                return;
            }
            peer.write(OK);
        }
    });
    let transport = Transport::new(fake.config());
    for _ in 0..3 {
        let res = transport
            .send(Request::new(Method::Post, "/containers/x/start"))
            .unwrap();
        assert_eq!(res.status(), 204);
        drop(res);
        // The body arrived with the head: dropping it unread still pools the connection.
        let res = transport.send(Request::new(Method::Get, "/_ping")).unwrap();
        assert_eq!(res.status(), 200);
    }
    assert_eq!(fake.accepted(), 1);
}

#[test]
fn idle_connection_closed_by_the_engine_is_replaced_even_for_post() {
    let fake = Fake::start(|_, mut peer| {
        if peer.read_request().is_some() {
            peer.write(OK);
        }
    });
    let transport = Transport::new(fake.config());
    get(&transport);
    std::thread::sleep(Duration::from_millis(50));
    let res = transport
        .send(Request::new(Method::Post, "/containers/x/start"))
        .unwrap();
    assert_eq!(res.bytes().unwrap(), b"OK");
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn unsolicited_bytes_on_an_idle_connection_discard_it() {
    let fake = Fake::start(|_, mut peer| {
        if peer.read_request().is_some() {
            peer.write(OK);
            peer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL");
        }
        while peer.read_request().is_some() {
            peer.write(OK);
        }
    });
    let transport = Transport::new(fake.config());
    get(&transport);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(get(&transport), b"OK");
    assert_eq!(fake.accepted(), 2);
}

/// Answers the first request, then reads the second and closes without a byte: the race
/// a pooled connection loses when the engine drops it just as it is reused.
fn closes_after_one_answer() -> Fake {
    Fake::start(|idx, mut peer| {
        if idx == 0 {
            if peer.read_request().is_some() {
                peer.write(OK);
            }
            let _ = peer.read_request();
            return;
        }
        while peer.read_request().is_some() {
            peer.write(OK);
        }
    })
}

#[test]
fn stale_connection_is_retried_once_for_get() {
    let fake = closes_after_one_answer();
    let transport = Transport::new(fake.config());
    get(&transport);
    assert_eq!(get(&transport), b"OK");
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn stale_connection_is_retried_for_put_with_a_bytes_body() {
    let fake = closes_after_one_answer();
    let transport = Transport::new(fake.config());
    get(&transport);
    let req = Request::new(Method::Put, "/containers/x/archive?path=/").body(Body::from("tar"));
    assert_eq!(transport.send(req).unwrap().bytes().unwrap(), b"OK");
    assert_eq!(fake.accepted(), 2);
}

#[test]
fn stale_connection_is_not_retried_for_post() {
    let fake = closes_after_one_answer();
    let transport = Transport::new(fake.config());
    get(&transport);
    let err = transport
        .send(Request::new(Method::Post, "/containers/x/start"))
        .err()
        .unwrap();
    assert!(
        matches!(
            &err,
            Error::Protocol {
                source: docker_wire::Error::Protocol(ProtocolError::ClosedBeforeResponse),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.accepted(), 1);
}

#[test]
fn stale_connection_is_not_retried_for_a_streamed_body() {
    let fake = closes_after_one_answer();
    let transport = Transport::new(fake.config());
    get(&transport);
    let body = docker_transport::blocking::Body::Reader(Box::new(&b"tar"[..]));
    let req = Request::new(Method::Put, "/containers/x/archive?path=/").body(body);
    assert!(transport.send(req).is_err());
    assert_eq!(fake.accepted(), 1);
}

#[test]
fn a_fresh_connection_closed_before_the_response_is_not_retried() {
    let fake = Fake::start(|_, mut peer| {
        let _ = peer.read_request();
    });
    let transport = Transport::new(fake.config());
    let err = transport
        .send(Request::new(Method::Get, "/_ping"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("no response"), "{err}");
    assert_eq!(fake.accepted(), 1);
}

#[test]
fn concurrent_requests_from_threads_all_succeed() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let fake = Fake::start(move |_, mut peer| {
        while peer.read_request().is_some() {
            counter.fetch_add(1, Ordering::SeqCst);
            peer.write(OK);
        }
    });
    let transport = Transport::new(fake.config());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let transport = transport.clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    assert_eq!(get(&transport), b"OK");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(served.load(Ordering::SeqCst), 200);
    assert!(fake.accepted() <= 8 + 8 * 25 / 2, "{}", fake.accepted());
}

#[cfg(feature = "tokio")]
mod tokio_flavour {
    use super::*;
    use docker_transport::tokio::Transport;

    async fn get(transport: &Transport) -> Vec<u8> {
        let res = transport
            .send(Request::new(Method::Get, "/_ping"))
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.bytes().await.unwrap()
    }

    #[tokio::test]
    async fn ten_sequential_requests_share_one_connection() {
        let fake = Fake::ok();
        let transport = Transport::new(fake.config());
        for _ in 0..10 {
            assert_eq!(get(&transport).await, b"OK");
        }
        assert_eq!(fake.accepted(), 1);
    }

    #[tokio::test]
    async fn a_dropped_response_whose_end_arrived_keeps_its_connection() {
        let fake = Fake::ok();
        let transport = Transport::new(fake.config());
        for _ in 0..3 {
            let res = transport
                .send(Request::new(Method::Get, "/_ping"))
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
        }
        assert_eq!(fake.accepted(), 1);
    }

    #[tokio::test]
    async fn expired_idle_connection_is_not_reused() {
        let fake = Fake::ok();
        let mut config = fake.config();
        config.idle_expiry = Duration::from_millis(100);
        let transport = Transport::new(config);
        get(&transport).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        get(&transport).await;
        assert_eq!(fake.accepted(), 2);
    }

    #[tokio::test]
    async fn stale_connection_is_retried_once_for_get() {
        let fake = closes_after_one_answer();
        let transport = Transport::new(fake.config());
        get(&transport).await;
        assert_eq!(get(&transport).await, b"OK");
        assert_eq!(fake.accepted(), 2);
    }

    #[tokio::test]
    async fn stale_connection_is_not_retried_for_post() {
        let fake = closes_after_one_answer();
        let transport = Transport::new(fake.config());
        get(&transport).await;
        let res = transport
            .send(Request::new(Method::Post, "/containers/x/start"))
            .await;
        assert!(res.is_err());
        assert_eq!(fake.accepted(), 1);
    }

    #[tokio::test]
    async fn idle_connection_closed_by_the_engine_is_replaced() {
        let fake = Fake::start(|_, mut peer| {
            if peer.read_request().is_some() {
                peer.write(OK);
            }
        });
        let transport = Transport::new(fake.config());
        get(&transport).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let res = transport
            .send(Request::new(Method::Post, "/containers/x/start"))
            .await
            .unwrap();
        assert_eq!(res.bytes().await.unwrap(), b"OK");
        assert_eq!(fake.accepted(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_tasks_on_a_multi_thread_runtime_all_succeed() {
        let fake = Fake::ok();
        let transport = Transport::new(fake.config());
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let transport = transport.clone();
                tokio::spawn(async move {
                    for _ in 0..10 {
                        assert_eq!(get(&transport).await, b"OK");
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    }
}
