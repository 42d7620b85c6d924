//! Opening the record: integrity check, quarantine of a damaged file, identity and schema checks,
//! and the connection settings every connection shares.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::busy::{BUSY_TIMEOUT, is_busy};
use super::error::StoreError;
use super::schema::{self, APPLICATION_ID};

/// Records a recorder of this process has open (each entry once per recorder). It checked the file
/// at its start, so a reader opened alongside it skips the integrity check, which reads the whole
/// file and takes about a second on a very large record.
static GUARDED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn guard_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Notes that a recorder of this process has `path` open and checked.
pub(crate) fn guard(path: &Path) {
    if let Ok(mut guarded) = GUARDED.lock() {
        guarded.push(guard_key(path));
    }
}

/// Undoes one [`guard`].
pub(crate) fn unguard(path: &Path) {
    let key = guard_key(path);
    if let Ok(mut guarded) = GUARDED.lock() {
        if let Some(i) = guarded.iter().position(|p| *p == key) {
            guarded.swap_remove(i);
        }
    }
}

fn is_guarded(path: &Path) -> bool {
    let key = guard_key(path);
    GUARDED.lock().map(|guarded| guarded.contains(&key)).unwrap_or(false)
}

/// An open, checked, migrated connection, plus anything the user should be told about it.
pub struct Opened {
    pub conn: Connection,
    /// Plain-language notices (a damaged file set aside, say) for the caller to show.
    pub notices: Vec<String>,
}

/// Why a file could not be used as it is.
enum Unusable {
    /// Damaged: set it aside and start afresh.
    Corrupt(String),
    /// Anything else: report it and leave the file alone.
    Fatal(StoreError),
}

/// What to do with a damaged record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDamage {
    /// Move it aside and start a new record (the app, `ask`, `eval`: they must be able to record).
    SetAside,
    /// Report it and leave it where it is (commands that only read the history).
    Refuse,
}

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// True if the file is missing, empty (SQLite starts a database in either), or begins with the
/// SQLite header. Anything else is someone's file that `--db` named by mistake: never move it.
fn looks_like_sqlite(path: &Path) -> Result<bool, StoreError> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(StoreError::Open { path: path.to_path_buf(), reason: e.to_string() }),
    };
    let mut head = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut head)
        .map_err(|e| StoreError::Open { path: path.to_path_buf(), reason: e.to_string() })?;
    Ok(head.is_empty() || head == SQLITE_HEADER)
}

/// Opens (creating if needed) the record at `path`, checked and migrated to the current schema.
/// A damaged file is moved aside (`ailab.db.corrupt-YYYYMMDD-HHMMSS`) and a new record started with
/// [`OnDamage::SetAside`], or reported with [`OnDamage::Refuse`]. A file that is not SQLite at all
/// is refused and left untouched either way.
pub fn open_db_with(path: &Path, on_damage: OnDamage) -> Result<Opened, StoreError> {
    // SQLite's busy timeout does not cover every lock conflict of a file being created: a
    // connection that would deadlock gets "busy" at once. Two ailab connections opening a new
    // record together (the live view's recorder and readers at first start) try again, within
    // the same patience as a lock held by another ailab.
    let started = std::time::Instant::now();
    loop {
        match open_db_once(path, on_damage) {
            Err(error) if is_transient(&error) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            result => return result,
        }
    }
}

/// A conflict with another connection creating the same record: busy, or FTS5 failing to load its
/// settings table mid-creation ("vtable constructor failed: search_index", seen when `ailab eval`'s
/// reader and recorder open a new record together). Trying again a moment later succeeds.
fn is_transient(error: &StoreError) -> bool {
    match error {
        StoreError::Locked { .. } => true,
        StoreError::Open { reason, .. } => reason.contains("vtable constructor failed"),
        StoreError::Sqlite(err) => err.to_string().contains("vtable constructor failed"),
        _ => false,
    }
}

fn open_db_once(path: &Path, on_damage: OnDamage) -> Result<Opened, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            reason: format!("cannot create the folder {}: {e}", dir.display()),
        })?;
    }
    if !looks_like_sqlite(path)? {
        return Err(StoreError::NotSqlite { path: path.to_path_buf() });
    }
    let mut notices = Vec::new();
    let check = !is_guarded(path);
    let mut conn = match open_checked(path, check) {
        Ok(conn) => conn,
        Err(Unusable::Fatal(err)) => return Err(err),
        Err(Unusable::Corrupt(reason)) if on_damage == OnDamage::Refuse => {
            return Err(StoreError::Damaged { path: path.to_path_buf(), reason });
        }
        Err(Unusable::Corrupt(reason)) => {
            let kept = quarantine(path)?;
            let notice = format!(
                "The record at {} was damaged ({reason}). It was kept aside as {} and a new record started.",
                path.display(),
                kept.display()
            );
            tracing::warn!("{notice}");
            notices.push(notice);
            match open_checked(path, true) {
                Ok(conn) => conn,
                Err(Unusable::Fatal(err)) => return Err(err),
                Err(Unusable::Corrupt(reason)) => {
                    return Err(StoreError::Open { path: path.to_path_buf(), reason });
                }
            }
        }
    };
    configure(&conn, path)?;
    schema::migrate(&mut conn, path)?;
    Ok(Opened { conn, notices })
}

/// Opens the file and makes sure it is an intact ailab record (or a new, empty file). `quick_check`
/// false skips the full integrity check (the header is still read).
fn open_checked(path: &Path, quick_check: bool) -> Result<Connection, Unusable> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(e, path))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| classify(e, path))?;
    if quick_check {
        let verdict: String =
            conn.query_row("PRAGMA quick_check(1)", [], |row| row.get(0)).map_err(|e| classify(e, path))?;
        if verdict != "ok" {
            return Err(Unusable::Corrupt(format!("quick_check: {verdict}")));
        }
    }
    check_identity(&conn, path).map_err(Unusable::Fatal)?;
    Ok(conn)
}

/// Refuses a healthy SQLite file that belongs to something else: it must never be migrated or moved.
fn check_identity(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let at = |e| StoreError::from_sqlite_at(e, path);
    // Both readings in one snapshot: another ailab creating this record at the same moment must
    // not be caught between its first table and its application id.
    let snapshot = conn.unchecked_transaction().map_err(at)?;
    let app_id: i32 = snapshot.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(at)?;
    let objects: i64 =
        snapshot.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0)).map_err(at)?;
    snapshot.commit().map_err(at)?;
    if app_id == APPLICATION_ID || (app_id == 0 && objects == 0) {
        Ok(())
    } else {
        Err(StoreError::NotARecord { path: path.to_path_buf() })
    }
}

/// Settings of every connection.
fn configure(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let at = |e| StoreError::from_sqlite_at(e, path);
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(at)?;
    if !mode.eq_ignore_ascii_case("wal") {
        // Some network file systems cannot do WAL; the record still works, only less concurrently.
        tracing::warn!(mode, path = %path.display(), "the record is not in WAL mode");
    }
    // NORMAL, not FULL: in WAL mode NORMAL never loses a committed transaction when the process dies
    // (kill -9, a panic, a closed terminal), which is the crash this record guards against, and the
    // file stays consistent even on power loss (only the last commits can be lost then). FULL would add
    // an fsync to every half-second text flush, which costs battery and disk for no gain against the
    // crashes that actually happen to a terminal app.
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(at)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(at)?;
    Ok(())
}

/// Sorts an open error into "the file is damaged" and "something else is wrong".
fn classify(err: rusqlite::Error, path: &Path) -> Unusable {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            Unusable::Corrupt(err.to_string())
        }
        _ if is_busy(&err) => Unusable::Fatal(StoreError::from_sqlite_at(err, path)),
        _ => Unusable::Fatal(StoreError::Open { path: path.to_path_buf(), reason: err.to_string() }),
    }
}

/// Moves a damaged record (and its -wal/-shm files) aside with a timestamp; returns the new name.
fn quarantine(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = timestamp(crate::clock::now_ms());
    let name =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "ailab.db".into());
    let mut kept = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 2;
    while kept.exists() {
        kept = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &kept).map_err(|e| StoreError::Open {
        path: path.to_path_buf(),
        reason: format!("it is damaged and could not be moved aside to {}: {e}", kept.display()),
    })?;
    for suffix in ["-wal", "-shm"] {
        let side = sibling(path, suffix);
        if side.exists() {
            let _ = std::fs::rename(&side, sibling(&kept, suffix));
        }
    }
    Ok(kept)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `YYYYMMDD-HHMMSS` in UTC.
fn timestamp(ms: i64) -> String {
    let (y, mo, d, h, mi, s) = crate::clock::civil_from_unix(ms.div_euclid(1000));
    format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}{s:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_conflicts_with_a_connection_creating_the_record_are_tried_again() {
        let path = PathBuf::from("ailab.db");
        let fts =
            StoreError::Open { path: path.clone(), reason: "vtable constructor failed: search_index".into() };
        assert!(is_transient(&fts));
        assert!(is_transient(&StoreError::Locked { path: path.clone(), waited_secs: 5 }));
        let denied = StoreError::Open { path: path.clone(), reason: "unable to open database file".into() };
        assert!(!is_transient(&denied));
        assert!(!is_transient(&StoreError::NotARecord { path }));
    }
}
