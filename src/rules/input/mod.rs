//! Input rules: what the reader, the parser and the schema found in one file (syntax, encoding,
//! size limits, keys, types and values).

pub mod alias_limit;
pub mod byte_order_mark;
pub mod case_duplicate_key;
pub mod duplicate_key;
pub mod input_too_large;
pub mod invalid_type;
pub mod invalid_utf8;
pub mod invalid_value;
pub mod missing_required_key;
pub mod mixed_line_endings;
pub mod multiple_documents;
pub mod nesting_too_deep;
pub mod non_finite_number;
pub mod non_scalar_key;
pub mod out_of_range;
pub mod schema_violation;
pub mod syntax_error;
pub mod tab_before_key;
pub mod text_encoding;
pub mod unknown_key;
pub mod unreadable_file;
