//! Plugins: list, inspect, install, enable, disable, configure, upgrade, push and remove.
//! Not typed yet; use [`Client::request`](crate::Client::request) meanwhile.
