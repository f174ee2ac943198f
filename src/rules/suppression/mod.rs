//! Suppression rules: the inline `# gatelint: ignore[…]` comments of a file, checked once every
//! other finding of the file is known.

pub mod require_suppression_reason;
pub mod unused_suppression;
