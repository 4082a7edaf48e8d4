//! Bulk enable/disable: see issue 11.
