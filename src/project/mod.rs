//! The analysed files of a run with their typed models, as the project-level rules read them,
//! and which way each threshold tightens.

pub mod files;
pub mod strictness;

pub use files::{ProjectFile, ProjectFiles};
