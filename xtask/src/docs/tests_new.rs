//! Tests of what `docs check` reports as new: keys, documented fields, error codes
//! and outcome messages the spec does not know.
