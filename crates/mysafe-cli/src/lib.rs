//! `mysafe`, the command-line tool for the MySafe API: the library behind the
//! binary, so that its parts are tested on their own.
//!
//! Module map (see ARCHITECTURE.md):
//! - [`generated_cli`]: progenitor's per-operation commands (`Generator::cli`),
//!   written by `cargo xtask codegen`; never edited by hand.
//! - [`connect`]: credentials, config-file profiles, building the `Client`.
//! - [`bulk`]: enable/disable of many items: id input, concurrency, journal, Ctrl-C.
//! - the rest: nouns and verbs over the generated commands, output formats, exit codes.

pub mod bulk;
pub mod connect;

pub mod app;
pub mod completions;
pub mod exit;
/// progenitor's per-operation commands; see the module map above.
// Formatted by prettyplease in `cargo xtask codegen`; rustfmt would make it stale.
// The generated code clones `Copy` values and leaves trait defaults' parameters unused.
#[rustfmt::skip]
#[allow(unused_variables, unused_imports, clippy::clone_on_copy, clippy::all, missing_docs)]
pub mod generated_cli;
pub mod json_body;
pub mod output;
pub mod rotate;
pub mod stdin;
