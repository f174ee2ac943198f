//! The Stella Ops vertical slice: the bound configuration model, the gate chain and the
//! Determinization gate.

pub mod bind;
pub mod chain;
pub mod config;
pub mod determinization;
pub mod gate_id;
pub mod gates;
pub mod input;
pub mod model;
pub mod semantics;
pub mod verdict;
