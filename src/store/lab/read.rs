//! Reading the lab's rows back: which comparison a run belongs to, every comparison with its arms,
//! verdicts and votes (for the lab to score and to queue for blind votes).

use rusqlite::{Connection, OptionalExtension, params};

use super::codec::{arm, parse_earlier, parse_outcome, parse_pick};
use super::types::{LabLink, LabScope, LabVersion};
use crate::engine::RunStatus;
use crate::lab::levels::{LevelJudgement, LevelSide};
use crate::lab::{Arm, ArmResult, ComparisonRow, DEMO_BACKEND, Judgement, LabPrompt, LabRows, VoteRow};
use crate::store::error::StoreError;
use crate::store::read::Reader;

impl Reader {
    /// The comparison the run `run_id` answered or judged, if it is a lab run. A tree run's parts
    /// arm shares its run: the run is named for the tree.
    pub fn lab_link(&self, run_id: &str) -> Result<Option<LabLink>, StoreError> {
        let link = self
            .conn
            .query_row(
                "SELECT c.id, c.prompt, c.category, c.repeat, c.backend, l.role
                 FROM (SELECT comparison_id, 'the ' || arm || ' arm' AS role FROM comparison_arms WHERE run_id = ?1 AND arm != 'parts'
                       UNION ALL
                       SELECT comparison_id, 'the judge of ' || arm_x || ' vs ' || arm_y || ', ' || shown_first
                              || ' shown as A' FROM judgements WHERE run_id = ?1
                       UNION ALL
                       SELECT comparison_id, 'the judge of ' || node || ' against its parts, its ' || shown_first
                              || ' shown as A' FROM level_judgements WHERE judge_run = ?1) l
                 JOIN comparisons c ON c.id = l.comparison_id LIMIT 1",
                [run_id],
                |r| {
                    Ok(LabLink {
                        comparison: r.get(0)?,
                        prompt: r.get(1)?,
                        category: r.get(2)?,
                        repeat: r.get(3)?,
                        backend: r.get(4)?,
                        role: r.get(5)?,
                    })
                },
            )
            .optional()?;
        Ok(link)
    }

    /// Every comparison of `scope` with its arms, verdicts (of `judge_model`, or of any judge) and
    /// votes, as stored, read in one snapshot. The lab scores them (`crate::lab::score`).
    pub fn lab_rows(&self, judge_model: Option<&str>, scope: LabScope) -> Result<LabRows, StoreError> {
        self.lab_rows_of(judge_model, scope, None)
    }

    /// [`Reader::lab_rows`] of one organization version (hierarchy hash) only, or of all with `None`.
    pub fn lab_rows_of(
        &self,
        judge_model: Option<&str>,
        scope: LabScope,
        version: Option<&str>,
    ) -> Result<LabRows, StoreError> {
        let snapshot = self.conn.unchecked_transaction()?;
        let rows = LabRows {
            comparisons: comparisons(&snapshot, scope, version)?,
            judgements: judgements(&snapshot, judge_model, scope, version)?,
            votes: votes(&snapshot, scope, version)?,
            levels: levels(&snapshot, judge_model, scope, version)?,
            arm_models: arm_models(&snapshot, scope, version)?,
        };
        snapshot.commit()?;
        Ok(rows)
    }

    /// The judge's verdicts on the parents of the run `run_id` (`ailab eval --levels`), of every
    /// judge, oldest first: what a run's zoom says each parent added over its children.
    pub fn run_levels(&self, run_id: &str) -> Result<Vec<LevelJudgement>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.run_id, l.node, l.shown_first, l.judge_model, l.judge_run, l.pick, l.reason
             FROM level_judgements l WHERE l.run_id = ?1 ORDER BY l.created_ms, l.rowid",
        )?;
        let rows = stmt.query_map([run_id], level_row)?;
        rows.map(|row| level_judgement(row?)).collect()
    }

    /// The judges with verdicts on comparisons of `scope` and `version`, with how many comparisons
    /// each judged, most first: the Lab shows one judge's scores and says where the others are.
    pub fn lab_judges(&self, scope: LabScope, version: &str) -> Result<Vec<(String, u32)>, StoreError> {
        let sql = format!(
            "SELECT j.judge_model, count(DISTINCT j.comparison_id) FROM judgements j
             JOIN comparisons c ON c.id = j.comparison_id WHERE {}
             GROUP BY j.judge_model ORDER BY count(DISTINCT j.comparison_id) DESC, j.judge_model",
            in_scope(3)
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows =
            stmt.query_map(params![DEMO_BACKEND, scope.is_demo(), version], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The organization versions that have comparisons in `scope`, most recently used first: (hash,
    /// comparisons, when the latest was made).
    pub fn lab_versions(&self, scope: LabScope) -> Result<Vec<LabVersion>, StoreError> {
        let sql = format!(
            "SELECT c.hierarchy_hash, count(*), max(c.created_ms) FROM comparisons c WHERE {}
             GROUP BY c.hierarchy_hash ORDER BY max(c.created_ms) DESC",
            in_scope(3)
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![DEMO_BACKEND, scope.is_demo(), Option::<&str>::None], |r| {
            Ok(LabVersion { hash: r.get(0)?, comparisons: r.get(1)?, last_ms: r.get(2)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The arms of a comparison, in arm order.
pub(super) fn arms_of(conn: &Connection, comparison: i64) -> Result<Vec<(Arm, ArmResult)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT arm, run_id, status, answer, calls, tokens, wall_ms,
                (SELECT count(*) FROM calls c WHERE c.run_id = a.run_id AND c.flag IS NOT NULL)
         FROM comparison_arms a WHERE comparison_id = ?1",
    )?;
    let rows = stmt.query_map([comparison], |r| {
        Ok((
            r.get::<_, String>(0)?,
            ArmResult {
                run_id: r.get(1)?,
                status: RunStatus::parse(&r.get::<_, String>(2)?).unwrap_or(RunStatus::Failed),
                answer: r.get(3)?,
                calls: r.get(4)?,
                tokens: r.get::<_, i64>(5)? as u64,
                wall_ms: r.get(6)?,
                flagged: r.get(7)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, result) = row?;
        out.push((arm(&name)?, result));
    }
    out.sort_by(|(a, _), (b, _)| a.cmp(b));
    Ok(out)
}

/// The SQL condition on comparison `c` for the comparisons of a scope (`?1` the demo's label,
/// `?2` whether the demo's are wanted) and of one version (parameter `version`, NULL for all).
fn in_scope(version: u8) -> String {
    format!("(c.backend = ?1) = ?2 AND (?{version} IS NULL OR c.hierarchy_hash = ?{version})")
}

/// All comparisons of `scope` with their arms, oldest first.
fn comparisons(
    conn: &Connection,
    scope: LabScope,
    version: Option<&str>,
) -> Result<Vec<ComparisonRow>, StoreError> {
    let sql = format!(
        "SELECT c.id, c.prompt, c.category, c.repeat, c.reference, c.earlier FROM comparisons c WHERE {}
         ORDER BY c.id",
        in_scope(3)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![DEMO_BACKEND, scope.is_demo(), version], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (comparison, text, category, repeat, reference, earlier) = row?;
        let arms = arms_of(conn, comparison)?;
        let prompt = LabPrompt { category, text, reference, earlier: parse_earlier(&earlier) };
        out.push(ComparisonRow { comparison, prompt, repeat, arms });
    }
    Ok(out)
}

/// The verdicts on comparisons of `scope` (of one judge, if named), oldest first.
fn judgements(
    conn: &Connection,
    judge_model: Option<&str>,
    scope: LabScope,
    version: Option<&str>,
) -> Result<Vec<(i64, Judgement)>, StoreError> {
    let sql = format!(
        "SELECT j.comparison_id, j.arm_x, j.arm_y, j.shown_first, j.judge_model, j.run_id, j.pick, j.reason
         FROM judgements j JOIN comparisons c ON c.id = j.comparison_id
         WHERE {} AND (?3 IS NULL OR j.judge_model = ?3) ORDER BY j.created_ms, j.rowid",
        in_scope(4)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![DEMO_BACKEND, scope.is_demo(), judge_model, version], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (comparison, x, y, first, judge_model, run_id, pick, reason) = row?;
        let judgement = Judgement {
            pair: (arm(&x)?, arm(&y)?),
            shown_first: arm(&first)?,
            judge_model,
            run_id,
            pick: parse_pick(pick),
            reason,
        };
        out.push((comparison, judgement));
    }
    Ok(out)
}

/// The verdicts on the parents of tree runs of comparisons of `scope` (of one judge, if named),
/// oldest first.
fn levels(
    conn: &Connection,
    judge_model: Option<&str>,
    scope: LabScope,
    version: Option<&str>,
) -> Result<Vec<LevelJudgement>, StoreError> {
    let sql = format!(
        "SELECT l.run_id, l.node, l.shown_first, l.judge_model, l.judge_run, l.pick, l.reason
         FROM level_judgements l JOIN comparisons c ON c.id = l.comparison_id
         WHERE {} AND (?3 IS NULL OR l.judge_model = ?3) ORDER BY l.created_ms, l.rowid",
        in_scope(4)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![DEMO_BACKEND, scope.is_demo(), judge_model, version], level_row)?;
    rows.map(|row| level_judgement(row?)).collect()
}

/// A `level_judgements` row as selected above: run, node, side, judge, judge run, pick, reason.
type LevelRow = (String, String, String, String, String, Option<String>, String);

fn level_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LevelRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn level_judgement(row: LevelRow) -> Result<LevelJudgement, StoreError> {
    let (run_id, node, first, judge_model, judge_run, pick, reason) = row;
    // A side this build does not know makes the row unreadable rather than counted wrong.
    let shown_first = LevelSide::parse(&first)
        .ok_or_else(|| StoreError::Unreadable { id: first.clone(), reason: "unknown level side".into() })?;
    Ok(LevelJudgement { run_id, node, shown_first, judge_model, judge_run, pick: parse_pick(pick), reason })
}

/// The models the calls of the arms' runs of comparisons of `scope` asked for or were answered by,
/// by comparison. From the calls rather than the configuration: another organization's arm ran
/// models the hierarchy loaded now does not name. A deleted run leaves no calls to read.
fn arm_models(
    conn: &Connection,
    scope: LabScope,
    version: Option<&str>,
) -> Result<Vec<(i64, String)>, StoreError> {
    let sql = format!(
        "SELECT a.comparison_id, k.requested_model AS model
         FROM comparison_arms a JOIN comparisons c ON c.id = a.comparison_id JOIN calls k ON k.run_id = a.run_id
         WHERE {scope}
         UNION
         SELECT a.comparison_id, k.answering_model
         FROM comparison_arms a JOIN comparisons c ON c.id = a.comparison_id JOIN calls k ON k.run_id = a.run_id
         WHERE {scope} AND k.answering_model IS NOT NULL
         ORDER BY 1, 2",
        scope = in_scope(3)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows =
        stmt.query_map(params![DEMO_BACKEND, scope.is_demo(), version], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The votes on comparisons of `scope`, newest first.
fn votes(conn: &Connection, scope: LabScope, version: Option<&str>) -> Result<Vec<VoteRow>, StoreError> {
    let sql = format!(
        "SELECT v.comparison_id, v.arm_x, v.arm_y, v.outcome
         FROM votes v JOIN comparisons c ON c.id = v.comparison_id WHERE {} ORDER BY v.id DESC",
        in_scope(3)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![DEMO_BACKEND, scope.is_demo(), version], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (comparison, x, y, outcome) = row?;
        out.push(VoteRow { comparison, pair: (arm(&x)?, arm(&y)?), outcome: parse_outcome(&outcome) });
    }
    Ok(out)
}
