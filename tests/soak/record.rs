//! Reading the record back after the soak: runs, their status, their calls' text, and whether the
//! text each request streamed is there.

use rusqlite::{Connection, OpenFlags};

/// One call as the record holds it.
#[derive(Debug, Clone)]
pub struct Call {
    pub call: u32,
    pub status: String,
    pub text: String,
    pub reasoning: String,
}

/// A read-only connection to the record.
pub fn open(path: &std::path::Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("the record opens")
}

/// The id of every run after `after_seq`, in order, with its seq.
pub fn runs_after(conn: &Connection, after_seq: i64) -> Vec<(i64, String)> {
    let mut stmt = conn.prepare("SELECT seq, id FROM runs WHERE seq > ?1 ORDER BY seq").unwrap();
    stmt.query_map([after_seq], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect()
}

/// Every run's status, counted.
pub fn statuses(conn: &Connection) -> Vec<(String, i64)> {
    let mut stmt = conn.prepare("SELECT status, count(*) FROM runs GROUP BY status ORDER BY status").unwrap();
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect()
}

pub fn status_of(conn: &Connection, run: &str) -> String {
    conn.query_row("SELECT status FROM runs WHERE id = ?1", [run], |row| row.get(0)).unwrap_or_default()
}

pub fn calls(conn: &Connection, run: &str) -> Vec<Call> {
    let mut stmt = conn
        .prepare("SELECT call, status, text, reasoning FROM calls WHERE run_id = ?1 ORDER BY call")
        .unwrap();
    stmt.query_map([run], |row| {
        Ok(Call { call: row.get(0)?, status: row.get(1)?, text: row.get(2)?, reasoning: row.get(3)? })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// `PRAGMA integrity_check`'s answer ("ok" when the file is sound).
pub fn integrity(conn: &Connection) -> String {
    let mut stmt = conn.prepare("PRAGMA integrity_check").unwrap();
    let rows: Vec<String> = stmt.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
    rows.join("; ")
}

/// The requests whose owed text no call of the run holds. A finished run owes each request's text
/// exactly; a killed one owes a prefix (the call may hold more, streamed in its last half second).
/// Each call answers for one request at most.
pub fn missing(calls: &[Call], owed: &[(usize, String, String)], killed: bool) -> Vec<String> {
    let mut used = vec![false; calls.len()];
    let mut owed: Vec<_> = owed.iter().collect();
    // The longest first, so a short text never takes the call a longer one needs.
    owed.sort_by_key(|(_, content, reasoning)| std::cmp::Reverse(content.len() + reasoning.len()));
    let mut missing = Vec::new();
    for (index, content, reasoning) in owed {
        let holds = |c: &Call| {
            if killed {
                c.text.starts_with(content.as_str()) && c.reasoning.starts_with(reasoning.as_str())
            } else {
                c.text == *content && c.reasoning == *reasoning
            }
        };
        match calls.iter().enumerate().find(|(i, c)| !used[*i] && holds(c)) {
            Some((i, _)) => used[i] = true,
            None => {
                let closest = calls
                    .iter()
                    .max_by_key(|c| common_prefix(&c.text, content))
                    .map(|c| format!("call {} ({}): {:?}", c.call, c.status, excerpt(&c.text)))
                    .unwrap_or_else(|| "no call".into());
                missing.push(format!(
                    "request {index}: sent {:?} (+{} reasoning bytes); closest {closest}",
                    excerpt(content),
                    reasoning.len()
                ));
            }
        }
    }
    missing
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn excerpt(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 80 {
        return text.to_string();
    }
    let head: String = chars[..40].iter().collect();
    let tail: String = chars[chars.len() - 30..].iter().collect();
    format!("{head}…[{} chars]…{tail}", chars.len())
}
