//! Full-text search (FTS5) over prompts and call texts. What the user types is never handed to FTS5
//! as syntax: every word becomes a quoted phrase, so `"`, `*`, `AND`, `-`, `(` … are just text.

use rusqlite::{OptionalExtension, params};

use super::error::{StoreError, is_busy};
use super::model::{RunCursor, SearchHit};
use super::read::{RUN_COLUMNS, Reader, run_row};

/// The FTS5 query for what the user typed: all words must match, the last one as a prefix (so results
/// come while typing). `None` if there is no word to search for (only spaces or punctuation).
pub fn fts_query(input: &str) -> Option<String> {
    let mut terms: Vec<String> = input
        .split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    let last = terms.last_mut()?;
    last.push('*');
    Some(terms.join(" "))
}

impl Reader {
    /// Runs whose prompt or call texts contain every word of `text`, newest first.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        self.search_page(text, None, limit)
    }

    /// Like [`Reader::search`], for the page after `before` (a hit's `run.cursor()`).
    pub fn search_page(
        &self,
        text: &str,
        before: Option<&RunCursor>,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let Some(query) = fts_query(text) else {
            return Err(StoreError::BadSearch(format!(
                "\"{}\" has no words to look for; type some letters or digits",
                text.trim()
            )));
        };
        let sql = format!(
            "SELECT {RUN_COLUMNS}, m.best FROM (
                 SELECT rowid >> 20 AS seq, min(rowid) AS best FROM search_index
                 WHERE search_index MATCH ?1 GROUP BY rowid >> 20
             ) m JOIN runs r ON r.seq = m.seq
             WHERE ?2 IS NULL OR r.started_ms < ?2 OR (r.started_ms = ?2 AND r.id < ?3)
             ORDER BY r.started_ms DESC, r.id DESC LIMIT ?4"
        );
        let limit = limit.min(i64::MAX as usize) as i64;
        let search_err = |e: rusqlite::Error| {
            if is_busy(&e) { self.err(e) } else { StoreError::BadSearch(e.to_string()) }
        };
        let mut stmt = self.conn.prepare_cached(&sql).map_err(search_err)?;
        let found = stmt
            .query_map(
                params![query, before.map(|c| c.started_ms), before.map(|c| c.id.as_str()), limit],
                |row| Ok((run_row(row)?, row.get::<_, i64>(13)?)),
            )
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(search_err)?;
        let mut snippet_stmt = self
            .conn
            .prepare_cached(
                "SELECT snippet(search_index, 0, '[', ']', '…', 12) FROM search_index
                 WHERE search_index MATCH ?1 AND rowid = ?2",
            )
            .map_err(search_err)?;
        let mut hits = Vec::with_capacity(found.len());
        for (run, best) in found {
            let snippet: Option<String> = snippet_stmt
                .query_row(params![query, best], |row| row.get(0))
                .optional()
                .map_err(search_err)?;
            hits.push(SearchHit { run, snippet: flatten(&snippet.unwrap_or_default()) });
        }
        Ok(hits)
    }
}

/// A snippet on one line.
fn flatten(snippet: &str) -> String {
    snippet.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_text_becomes_quoted_phrases() {
        assert_eq!(fts_query("quantum tunnel").as_deref(), Some("\"quantum\" \"tunnel\"*"));
        assert_eq!(fts_query("say \"hi\"").as_deref(), Some("\"say\" \"\"\"hi\"\"\"*"));
        assert_eq!(fts_query("a AND b").as_deref(), Some("\"a\" \"AND\" \"b\"*"));
        assert_eq!(fts_query("- * ( )"), None);
        assert_eq!(fts_query("   "), None);
    }
}
