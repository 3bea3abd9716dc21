//! What the test binaries share, included by each as
//! `#[path = "../support/mod.rs"] mod support;`.
//!
//! Each binary uses a different part, so unused items are allowed here.
#![allow(dead_code)]

pub mod frame;
pub mod io;
pub mod net_types;
pub mod output;
pub mod tcp;
