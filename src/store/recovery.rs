//! Instances and crash recovery. Every recording process registers itself with a heartbeat; at
//! startup, runs still marked `running` whose owner is gone are marked `interrupted` (their partial
//! text stays), while runs of a second ailab that is still alive are left alone.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::clock::now_ms;

/// Why a run was interrupted, when its process died.
const CRASH_NOTE: &str = "ailab stopped before this run finished (the process ended or was killed)";

/// How often a recording process proves it is alive.
pub const HEARTBEAT_EVERY_MS: i64 = 2_000;
/// A heartbeat older than this means the owner is gone (when its process cannot be checked directly).
pub const STALE_AFTER_MS: i64 = 15_000;

/// Who this process is, as far as another ailab can check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub id: String,
    pub pid: u32,
    /// The Linux boot id; `None` where it cannot be read.
    pub host: Option<String>,
    /// The process start time (Linux `/proc/<pid>/stat` field 22).
    pub proc_start: Option<String>,
}

impl Instance {
    /// This process, with a fresh random id.
    pub fn current() -> Instance {
        let pid = std::process::id();
        Instance {
            id: format!("{:016x}", rand::random::<u64>()),
            pid,
            host: boot_id(),
            proc_start: process_start(pid),
        }
    }
}

/// Adds this instance to the record.
pub fn register(conn: &Connection, me: &Instance) -> rusqlite::Result<()> {
    let now = now_ms();
    conn.execute(
        "INSERT OR REPLACE INTO instances (id, pid, host, proc_start, app_version, started_ms, heartbeat_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![me.id, me.pid, me.host, me.proc_start, env!("CARGO_PKG_VERSION"), now],
    )?;
    Ok(())
}

/// Proves this instance is alive (registering it again if another ailab wrongly judged it gone).
pub fn heartbeat(conn: &Connection, me: &Instance) -> rusqlite::Result<()> {
    let changed =
        conn.execute("UPDATE instances SET heartbeat_ms = ?2 WHERE id = ?1", params![me.id, now_ms()])?;
    if changed == 0 {
        register(conn, me)?;
    }
    Ok(())
}

/// Removes this instance at a clean exit.
pub fn unregister(conn: &Connection, instance_id: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM instances WHERE id = ?1", [instance_id])?;
    Ok(())
}

/// A row of the instances table.
struct Owner {
    pid: u32,
    host: Option<String>,
    proc_start: Option<String>,
    heartbeat_ms: i64,
}

/// True while the owner can still be working on its runs.
fn is_alive(owner: &Owner, now: i64) -> bool {
    let local = owner.host.is_some() && owner.host == boot_id();
    if local {
        // Same machine, same boot: ask the operating system directly, no need to wait for staleness.
        // A live process is trusted even with a stale heartbeat (it may be suspended, not dead).
        return match process_start(owner.pid) {
            None => false,
            // Another start time means the pid was reused by another process.
            Some(start) => owner.proc_start.as_ref().is_none_or(|s| *s == start),
        };
    }
    now - owner.heartbeat_ms < STALE_AFTER_MS
}

/// Marks the runs of owners that are gone as interrupted; returns their ids. Keeps their partial
/// text (and makes it searchable) and closes their unfinished calls.
pub fn recover(conn: &mut Connection) -> rusqlite::Result<Vec<String>> {
    let now = now_ms();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let orphans: Vec<(String, Option<String>)> = {
        let mut stmt = tx.prepare("SELECT id, instance_id FROM runs WHERE status = 'running'")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut interrupted = Vec::new();
    for (run_id, instance_id) in orphans {
        let owner = match &instance_id {
            Some(id) => tx
                .query_row(
                    "SELECT pid, host, proc_start, heartbeat_ms FROM instances WHERE id = ?1",
                    [id],
                    |row| {
                        Ok(Owner {
                            pid: row.get(0)?,
                            host: row.get(1)?,
                            proc_start: row.get(2)?,
                            heartbeat_ms: row.get(3)?,
                        })
                    },
                )
                .optional()?,
            None => None,
        };
        if owner.as_ref().is_some_and(|o| is_alive(o, now)) {
            continue;
        }
        interrupt_run(&tx, &run_id, CRASH_NOTE)?;
        interrupted.push(run_id);
    }
    // Owners that are gone have nothing left to say.
    let dead: Vec<String> = {
        let mut stmt = tx.prepare("SELECT id, pid, host, proc_start, heartbeat_ms FROM instances")?;
        let rows = stmt.query_map([], |row| {
            let owner = Owner {
                pid: row.get(1)?,
                host: row.get(2)?,
                proc_start: row.get(3)?,
                heartbeat_ms: row.get(4)?,
            };
            Ok((row.get::<_, String>(0)?, owner))
        })?;
        let all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        all.into_iter().filter(|(_, o)| !is_alive(o, now)).map(|(id, _)| id).collect()
    };
    for id in dead {
        tx.execute("DELETE FROM instances WHERE id = ?1", [id])?;
    }
    tx.commit()?;
    if !interrupted.is_empty() {
        tracing::warn!(runs = ?interrupted, "marked runs of a process that is gone as interrupted");
    }
    Ok(interrupted)
}

/// Closes one run whose process died: unfinished calls become `interrupted`, partial text is indexed.
/// Only a run still marked running is touched. `note` says why, for the user.
pub(crate) fn interrupt_run(conn: &Connection, run_id: &str, note: &str) -> rusqlite::Result<()> {
    let running: bool = conn
        .query_row("SELECT status = 'running' FROM runs WHERE id = ?1", [run_id], |row| row.get(0))
        .optional()?
        .unwrap_or(false);
    if !running {
        return Ok(());
    }
    conn.execute(
        "UPDATE calls SET status = 'interrupted', error = ?2,
             ended_ms = coalesce(last_token_ms, opened_ms)
         WHERE run_id = ?1 AND status = 'streaming'",
        params![run_id, "the call was cut off when ailab stopped"],
    )?;
    index_interrupted_calls(conn, run_id)?;
    conn.execute(
        "UPDATE runs SET status = 'interrupted', note = ?2, calls = (SELECT count(*) FROM calls WHERE run_id = ?1),
             ended_ms = max(started_ms, coalesce(
                 (SELECT max(coalesce(closed_ms, last_token_ms, opened_ms)) FROM calls WHERE run_id = ?1),
                 started_ms)),
             wall_ms = NULL
         WHERE id = ?1",
        params![run_id, note],
    )?;
    Ok(())
}

/// Adds the partial text of a run's interrupted calls to the search index (finished calls are
/// indexed as they finish).
pub(crate) fn index_interrupted_calls(conn: &Connection, run_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO search_index (rowid, body)
         SELECT (r.seq << 20) + c.call, c.text FROM calls c JOIN runs r ON r.id = c.run_id
         WHERE c.run_id = ?1 AND c.status = 'interrupted' AND c.text <> '' AND c.call < 1048576",
        [run_id],
    )?;
    Ok(())
}

/// The Linux boot id (changes at every boot), if this system has one.
fn boot_id() -> Option<String> {
    let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// The start time of a live process, or `None` if there is no such process (zombies count as gone).
/// Only meaningful where `/proc` exists; elsewhere the heartbeat decides.
fn process_start(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) can contain spaces and parentheses: read after the last ')'.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let state = *fields.first()?;
    if state == "Z" || state == "X" {
        return None;
    }
    // Field 22 (starttime) is the 20th field after the command name.
    fields.get(19).map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_is_alive_and_a_missing_pid_is_not() {
        let me = Instance::current();
        assert!(me.proc_start.is_some());
        let owner =
            |pid, proc_start| Owner { pid, host: me.host.clone(), proc_start, heartbeat_ms: now_ms() };
        assert!(is_alive(&owner(me.pid, me.proc_start.clone()), now_ms()));
        // pid_max on Linux is at most 2^22, so this pid cannot exist.
        assert!(!is_alive(&owner(4_194_305, None), now_ms()));
        // Our pid but another start time: the pid was reused.
        assert!(!is_alive(&owner(me.pid, Some("1".into())), now_ms()));
    }

    #[test]
    fn another_host_is_judged_by_its_heartbeat() {
        let now = now_ms();
        let owner =
            |heartbeat_ms| Owner { pid: 1, host: Some("elsewhere".into()), proc_start: None, heartbeat_ms };
        assert!(is_alive(&owner(now - 1_000), now));
        assert!(!is_alive(&owner(now - STALE_AFTER_MS - 1), now));
    }
}
