//! Baseline against candidate: the fixture replay of both sides and the exhaustive boundary
//! diff of the threshold gates.

pub mod collapse;
pub mod exhaustive;
pub mod gait_classes;
pub mod git;
pub mod verdicts;
