//! The Stella Ops vertical slice: the bound configuration model, the gate chain and the
//! Determinization gate.

pub mod chain;
pub mod config;
pub mod determinization;
pub mod gates;
pub mod input;
pub mod model;
pub mod semantics;
