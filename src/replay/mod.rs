//! Fixture suites and their replay.
