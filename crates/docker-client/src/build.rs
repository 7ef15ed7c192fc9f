//! Build: `POST /build` and `POST /build/prune`. Not typed yet; use
//! [`Client::request`](crate::Client::request) meanwhile.
