//! Credentials and profiles: see issue 11.
