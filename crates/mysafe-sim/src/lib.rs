//! A MySafe simulator: a real HTTP server that answers like a senhasegura (Segura)
//! installation behind its Kong gateway, in memory, with fault injection.
//!
//! It serves every operation of `openapi/mysafe.yaml` with the documented messages
//! and codes, issues client-credentials tokens and checks them, and answers Kong's
//! 404 to anything else. Bodies are built and parsed with the generated types of
//! [`mysafe_client::types`], so the simulator cannot drift from the spec.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use mysafe_sim::{Fault, FaultKind, Target};
//!
//! let sim = mysafe_sim::spawn().await?;
//! // Point the client under test at sim.url() with sim.client_id() and
//! // sim.client_secret(); then, for instance, make the next disable fail at the gateway:
//! sim.inject(Fault::once(
//!     Target::Operation("disable_password".into()),
//!     FaultKind::KongGatewayTimeout,
//! ));
//! // ... exercise the client ...
//! assert_eq!(sim.stats().token_requests, 1);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Items belong to the application whose token created them. Another application
//! gets 1006 unless the item is shared with it: sharing names users, and the
//! simulator takes an application's client id as its user name.
//!
//! # In a dependent's tests
//!
//! ```toml
//! [dev-dependencies]
//! mysafe-sim = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! Build the client with `mysafe_client::Client::builder()`, giving it
//! [`Sim::url`], [`Sim::client_id`] and [`Sim::client_secret`]. [`spawn_with`]
//! takes a [`SimConfig`] for other token lifetimes and several applications;
//! [`Sim::inject`] queues [`Fault`]s; [`Sim::stats`] counts what the client sent;
//! [`Sim::revoke_tokens`] makes every issued token fail with 401.
//!
//! The simulator is for state and behaviour across calls. For exact per-test
//! expectations on one request and its answer, without state, the
//! `mysafe-client-httpmock` crate has a typed httpmock mock for every operation.

mod answer;
mod auth;
mod config;
mod fault;
mod kong;
mod ops;
mod random;
mod request;
mod routes;
mod server;
mod stats;
mod store;
mod truncated;

pub use config::{Application, SimConfig};
pub use fault::{Fault, FaultKind, Target};
pub use server::{Sim, spawn, spawn_on, spawn_with};
pub use stats::Stats;
