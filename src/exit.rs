//! Process exit codes, in one place.

/// Everything worked.
pub const OK: u8 = 0;
/// The run finished but `--strict` was given and some input records were rejected.
pub const REJECTED_STRICT: u8 = 1;
/// The run could not be done: bad arguments, an unreadable gold file, an unwritable output.
pub const ERROR: u8 = 2;
