//! Swarm: the swarm itself, nodes, services, tasks, secrets and configs. Not typed yet; use
//! [`Client::request`](crate::Client::request) meanwhile.
