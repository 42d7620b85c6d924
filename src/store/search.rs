//! Full-text search (FTS5) over prompts and call texts. What the user types is never handed to FTS5
//! as syntax: every word becomes a quoted phrase, so `"`, `*`, `AND`, `-`, `(` … are just text.

use rusqlite::{OptionalExtension, params};

use super::busy::is_busy;
use super::error::StoreError;
use super::model::{RunCursor, RunScope, SearchHit};
use super::read::{IS_LAB_RUN, RUN_COLUMNS, Reader, run_row};

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
    ///
    /// Hits come in recording order, newest first: the index is walked backwards and stops as soon
    /// as `limit` runs are found, so a common word costs no more than a rare one.
    pub fn search_page(
        &self,
        text: &str,
        before: Option<&RunCursor>,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        self.search_page_in(RunScope::All, text, before, limit)
    }

    /// Like [`Reader::search_page`], for the runs of `scope` only: the filter is part of the index
    /// walk, so a page holds `limit` runs of the scope when there are that many.
    pub fn search_page_in(
        &self,
        scope: RunScope,
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
        let search_err = |e: rusqlite::Error| {
            if is_busy(&e) { self.err(e) } else { StoreError::BadSearch(e.to_string()) }
        };
        let below: i64 = match before {
            Some(cursor) => {
                let seq: Option<i64> = self
                    .conn
                    .query_row("SELECT seq FROM runs WHERE id = ?1", [&cursor.id], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?;
                seq.ok_or_else(|| StoreError::UnknownRun(cursor.id.clone()))? << 20
            }
            None => i64::MAX,
        };
        // (run seq, the lowest matching rowid of that run: its prompt if that matched, else its first call)
        let mut found: Vec<(i64, i64)> = Vec::new();
        {
            // Runs the index still holds but the table no longer has (deleted meanwhile) pass the filter
            // and are skipped below, as with no filter.
            let sql = match scope {
                RunScope::All => {
                    "SELECT rowid FROM search_index WHERE search_index MATCH ?1 AND rowid < ?2 ORDER BY rowid DESC"
                        .to_string()
                }
                RunScope::Own => format!(
                    "SELECT search_index.rowid FROM search_index
                     WHERE search_index MATCH ?1 AND search_index.rowid < ?2
                       AND NOT EXISTS (SELECT 1 FROM runs r
                                       WHERE r.seq = search_index.rowid >> 20 AND {IS_LAB_RUN})
                     ORDER BY search_index.rowid DESC"
                ),
            };
            let mut stmt = self.conn.prepare_cached(&sql).map_err(search_err)?;
            let mut rows = stmt.query(params![query, below]).map_err(search_err)?;
            while let Some(row) = rows.next().map_err(search_err)? {
                let rowid: i64 = row.get(0).map_err(search_err)?;
                let full = found.len() >= limit;
                match found.last_mut() {
                    Some((seq, best)) if *seq == rowid >> 20 => *best = rowid,
                    _ if full => break,
                    _ => found.push((rowid >> 20, rowid)),
                }
            }
        }
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs r WHERE r.seq = ?1");
        let mut run_stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        // Snippets are cut here rather than by FTS5's snippet(), which re-runs the whole query per hit.
        let mut body_stmt = self
            .conn
            .prepare_cached("SELECT body FROM search_index WHERE rowid = ?1")
            .map_err(|e| self.err(e))?;
        let terms = snippet_terms(text);
        let mut hits = Vec::with_capacity(found.len());
        for (seq, best) in found {
            // A run deleted since the index was read is simply skipped.
            let Some(run) = run_stmt.query_row([seq], run_row).optional().map_err(|e| self.err(e))? else {
                continue;
            };
            let body: Option<String> =
                body_stmt.query_row([best], |row| row.get(0)).optional().map_err(|e| self.err(e))?;
            hits.push(SearchHit { run, snippet: snippet(&body.unwrap_or_default(), &terms) });
        }
        Ok(hits)
    }
}

/// The words of a search as the index sees them: lowercase runs of letters and digits.
fn snippet_terms(input: &str) -> Vec<String> {
    input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// About a dozen words of `body` around the first match, on one line, matches in `[brackets]`.
/// The last term matches as a prefix, as in the query.
fn snippet(body: &str, terms: &[String]) -> String {
    const WORDS: usize = 12;
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in body.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, body.len()));
    }
    let is_hit = |word: &str| {
        let word = word.to_lowercase();
        terms
            .iter()
            .enumerate()
            .any(|(i, t)| word == *t || (i + 1 == terms.len() && word.starts_with(t.as_str())))
    };
    let first = words.iter().position(|&(a, b)| is_hit(&body[a..b])).unwrap_or(0);
    let from = first.saturating_sub(WORDS / 3);
    let to = (from + WORDS).min(words.len());
    if from >= to {
        return String::new();
    }
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = words[from].0;
    for &(a, b) in &words[from..to] {
        out.push_str(&body[at..a]);
        if is_hit(&body[a..b]) {
            out.push('[');
            out.push_str(&body[a..b]);
            out.push(']');
        } else {
            out.push_str(&body[a..b]);
        }
        at = b;
    }
    if to < words.len() {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::{fts_query, snippet, snippet_terms};

    #[test]
    fn snippets_mark_the_matches_around_the_first_one() {
        let terms = snippet_terms("Flash mem");
        let body = "One two three four five six seven. Flash memory uses it; flash drives too, and more words follow here.";
        assert_eq!(
            snippet(body, &terms),
            "…four five six seven. [Flash] [memory] uses it; [flash] drives too, and…"
        );
        assert_eq!(snippet("short text", &snippet_terms("nothing")), "short text");
        assert_eq!(snippet("", &terms), "");
    }

    #[test]
    fn user_text_becomes_quoted_phrases() {
        assert_eq!(fts_query("quantum tunnel").as_deref(), Some("\"quantum\" \"tunnel\"*"));
        assert_eq!(fts_query("say \"hi\"").as_deref(), Some("\"say\" \"\"\"hi\"\"\"*"));
        assert_eq!(fts_query("a AND b").as_deref(), Some("\"a\" \"AND\" \"b\"*"));
        assert_eq!(fts_query("- * ( )"), None);
        assert_eq!(fts_query("   "), None);
    }
}
