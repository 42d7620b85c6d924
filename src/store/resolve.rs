//! Naming a run: a whole id, a unique prefix of one (like git), or `last`. Shared by the reader
//! (show, export) and the writer (delete), so both accept the same ids.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::error::StoreError;

/// The full id of the run `id_or_prefix` names on `conn` (the record at `path`, for messages).
pub(crate) fn resolve_id(conn: &Connection, path: &Path, id_or_prefix: &str) -> Result<String, StoreError> {
    let at = |e| StoreError::from_sqlite_at(e, path);
    let wanted = id_or_prefix.trim();
    if wanted.is_empty() {
        return Err(StoreError::UnknownRun(String::new()));
    }
    if wanted.eq_ignore_ascii_case("last") || wanted.eq_ignore_ascii_case("latest") {
        // The order of the history's list, so `last` is the run shown first there.
        let newest = conn
            .query_row("SELECT id FROM runs ORDER BY started_ms DESC, id DESC LIMIT 1", [], |r| r.get(0))
            .optional()
            .map_err(at)?;
        return newest.ok_or(StoreError::NoRuns);
    }
    // U+10FFFF sorts after every character that can follow the prefix, so this is an index range.
    let upper = format!("{wanted}\u{10FFFF}");
    let mut stmt = conn
        .prepare_cached("SELECT id FROM runs WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 6")
        .map_err(at)?;
    let ids = stmt
        .query_map(params![wanted, upper], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(at)?;
    if ids.iter().any(|id| id == wanted) {
        return Ok(wanted.to_string());
    }
    match ids.len() {
        0 => Err(StoreError::UnknownRun(wanted.to_string())),
        1 => Ok(ids.into_iter().next().unwrap_or_default()),
        _ => {
            let mut candidates: Vec<String> = ids.into_iter().take(5).collect();
            if candidates.len() == 5 {
                candidates.push("…".into());
            }
            Err(StoreError::AmbiguousRun { prefix: wanted.to_string(), candidates })
        }
    }
}
