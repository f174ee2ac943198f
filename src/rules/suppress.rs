//! Inline suppressions: `# gatelint: ignore[rule-id, other-id] reason`.
