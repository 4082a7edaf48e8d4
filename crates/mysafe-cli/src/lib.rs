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
