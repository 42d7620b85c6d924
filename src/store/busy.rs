//! Lock contention: how long a connection waits for another ailab's write lock, and telling a
//! busy error apart from the rest. Its own file because both opening and the errors need it.

use std::time::Duration;

/// How long a connection waits for another ailab's write lock before saying the record is locked.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// True for "database is locked" / "database table is locked".
pub(crate) fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
    )
}
