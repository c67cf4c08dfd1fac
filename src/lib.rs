//! leakward finds AI provider API keys and other credentials in working trees and input.
//!
//! The flow is one-way: a [`source`] turns what the user asked to scan into blobs, the
//! [`scan::Scanner`] turns bytes into matches with a compiled [`rules::RuleSet`], [`blob`]
//! places them as [`finding::Finding`]s, [`filter`]s drop what the user accepted, and a
//! [`report`] formats the rest. [`app`] wires the stages for each command; [`hook`] and
//! [`ci`] decide what a git hook or a CI run scans.

#![warn(missing_docs)]

// zlib-rs stands in for zlib under libgit2 on Linux (see Cargo.toml); naming the crate is
// what links its exported C symbols into every binary.
#[cfg(target_os = "linux")]
use libz_rs_sys as _;

pub mod app;
pub mod audit;
pub mod blob;
pub mod cache;
pub mod ci;
pub mod cli;
pub mod config;
pub mod container;
pub mod dates;
pub mod error;
pub mod examples;
pub mod filter;
pub mod finding;
pub mod hook;
pub mod lines;
pub mod paths;
pub mod printable;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod stats;
pub mod verify;
