//! The Lab tab's effects: reading the scores and the vote queue on the shared reader thread (the
//! UI never waits on SQLite), running a comparison exactly as `ailab eval` does for one prompt (its
//! runs go through the same event sink the Run tab listens to, and are recorded), and storing votes
//! through the recorder's writer.

mod sample;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use self::sample::NextSample;
use super::record::SharedReader;
use crate::engine::{Engine, EventSink, hierarchy_hash};
use crate::lab::ComparisonResult;
use crate::lab::PendingVote;
use crate::lab::{self, Arm, EvalOptions, LabPrompt};
use crate::session::Settings;
use crate::store::{LabRecord, LabScope, Reader, RecordWriter};
use crate::tui::msg::Msg;
use crate::tui::msg::lab::{ComparisonEnd, LabData, LabEffect, LabMsg, NO_RECORD, QueuedVote};

/// Pairs read into the vote queue at most.
const QUEUE_LIMIT: usize = 500;

/// The category given to prompts compared from the Lab tab.
pub const LIVE_CATEGORY: &str = "your prompts";

/// What the effects need from the shell.
pub struct LabContext<'a> {
    pub engine: &'a Engine,
    pub sink: &'a EventSink,
    pub settings: &'a Settings,
    pub tx: &'a UnboundedSender<Msg>,
}

/// Performs the Lab tab's effects.
pub struct LabShell {
    reader: SharedReader,
    /// The recorder's writer, or why the Lab cannot use the record (`--no-record`).
    writer: Result<RecordWriter, String>,
    comparing: Option<CancellationToken>,
}

impl LabShell {
    /// The Lab's effects on the shared reader and writer. With `--no-record` the Lab refuses
    /// everything (even reading a record that exists): it is about comparisons it keeps there.
    pub fn new(settings: &Settings, reader: SharedReader, writer: Result<RecordWriter, String>) -> LabShell {
        let writer = if settings.no_record { Err(NO_RECORD.to_string()) } else { writer };
        LabShell { reader, writer, comparing: None }
    }

    /// Stops the comparison in flight, if any (finished steps stay saved).
    pub fn cancel(&mut self) {
        if let Some(token) = self.comparing.take() {
            token.cancel();
        }
    }

    /// Performs one effect; every answer comes back on `cx.tx`.
    pub fn perform(&mut self, effect: LabEffect, cx: LabContext) {
        let judge_model =
            cx.settings.judge.clone().unwrap_or_else(|| cx.engine.hierarchy().root().model.clone());
        let tx = cx.tx.clone();
        let send = move |msg| {
            let _ = tx.send(Msg::Lab(msg));
        };
        match effect {
            LabEffect::Load { version } => {
                if let Err(why) = &self.writer {
                    return send(LabMsg::Loaded(Err(why.clone())));
                }
                let hierarchy = cx.engine.hierarchy();
                let query = LabQuery {
                    scope: LabScope::of(cx.settings.demo),
                    judge_in_tree: lab::self_judged(&judge_model, hierarchy),
                    solo_model: hierarchy.root().model.clone(),
                    tree_name: lab::organization::tree_name(hierarchy),
                    current_version: hierarchy_hash(hierarchy),
                    version,
                    judge_model,
                    members: lab::levels::members(hierarchy),
                };
                self.reader.submit(move |reader| {
                    let data = reader
                        .map_err(str::to_string)
                        .and_then(|reader| lab_data(reader, query, |_| rand::random::<bool>()));
                    send(LabMsg::Loaded(data.map(Box::new)));
                });
            }
            LabEffect::StartComparison { prompt } => self.start(prompt, judge_model, &cx),
            LabEffect::Cancel => {
                if let Some(token) = &self.comparing {
                    tracing::info!("comparison cancelled from the Lab tab");
                    token.cancel();
                }
            }
            LabEffect::CastVote { comparison, pair, shown_first, outcome, reason } => match &self.writer {
                Ok(writer) => writer.submit(move |writes| {
                    let result = writes
                        .and_then(|w| w.cast_vote(comparison, &pair, &shown_first, outcome, &reason))
                        .map_err(|e| e.to_string());
                    send(LabMsg::VoteSaved { comparison, pair, result });
                }),
                Err(why) => send(LabMsg::VoteSaved { comparison, pair, result: Err(why.clone()) }),
            },
        }
    }

    fn start(&mut self, prompt: String, judge_model: String, cx: &LabContext) {
        let tx = cx.tx.clone();
        let writer = match &self.writer {
            Ok(writer) => writer.clone(),
            Err(message) => {
                let _ = tx.send(Msg::Lab(LabMsg::Ended(ComparisonEnd::Failed(message.clone()))));
                return;
            }
        };
        self.cancel();
        let cancel = CancellationToken::new();
        self.comparing = Some(cancel.clone());
        tracing::info!(judge = %judge_model, "comparison started from the Lab tab");
        let backend = lab::backend_label(cx.settings.demo, cx.engine.hierarchy());
        let job = Comparison {
            engine: cx.engine.clone(),
            sink: cx.sink.clone(),
            writer,
            prompt,
            judge_model,
            backend,
            demo: cx.settings.demo,
        };
        let task = tokio::spawn(job.run(tx.clone(), cancel));
        tokio::spawn(async move {
            let end = task.await.unwrap_or_else(|err| {
                let reason = match err.try_into_panic() {
                    Ok(payload) => crate::panic::message(payload.as_ref()),
                    Err(err) => err.to_string(),
                };
                tracing::error!(%reason, "the comparison's task panicked");
                ComparisonEnd::Failed(format!(
                    "internal error: {reason}. This is a bug in ailab; the log file has details."
                ))
            });
            let _ = tx.send(Msg::Lab(LabMsg::Ended(end)));
        });
    }
}

/// One comparison, as `ailab eval` runs one prompt.
struct Comparison {
    engine: Engine,
    sink: EventSink,
    /// The record's writer: every step of the comparison is kept through it.
    writer: RecordWriter,
    prompt: String,
    judge_model: String,
    /// The demo or the server (see [`lab::backend_label`]).
    backend: String,
    /// The demo's scripted judge needs no check.
    demo: bool,
}

impl Comparison {
    async fn run(self, tx: UnboundedSender<Msg>, cancel: CancellationToken) -> ComparisonEnd {
        // As `ailab eval` does: a judge the server does not serve is refused before any arm runs.
        if !self.demo {
            let checked = tokio::select! {
                checked = lab::check_judge(&self.engine, &self.judge_model, lab::TUI_ADVICE) => checked,
                () = cancel.cancelled() => return ComparisonEnd::Cancelled,
            };
            if let Err(message) = checked {
                tracing::warn!(judge = %self.judge_model, "comparison refused: {message}");
                return ComparisonEnd::Failed(format!("nothing was compared: {message}"));
            }
        }
        let arms = Arm::ALL.to_vec();
        let record = LabRecord {
            writer: self.writer,
            hierarchy_hash: hierarchy_hash(self.engine.hierarchy()),
            backend: self.backend,
        };
        let started = tx.clone();
        let mut store = NextSample::new(
            record,
            arms.clone(),
            self.judge_model.clone(),
            Box::new(move |comparison, repeat, resumed| {
                let _ = started.send(Msg::Lab(LabMsg::Started { comparison, repeat, resumed }));
            }),
        );
        let prompts = [LabPrompt {
            category: LIVE_CATEGORY.into(),
            text: self.prompt,
            reference: None,
            earlier: Vec::new(),
        }];
        let options = EvalOptions {
            arms,
            orgs: Vec::new(),
            repeat: 1,
            judge_model: self.judge_model.clone(),
            levels: false,
        };
        let progress = tx.clone();
        let outcome = lab::run_eval(
            &self.engine,
            &self.sink,
            &mut store,
            &prompts,
            &options,
            &mut |p| {
                let _ = progress.send(Msg::Lab(LabMsg::Progress(p)));
            },
            &cancel,
        )
        .await;
        if cancel.is_cancelled() {
            return ComparisonEnd::Cancelled;
        }
        match outcome.map(|results| results.into_iter().next()) {
            Ok(Some(result)) if not_judged(&result).is_some() => {
                let reason = not_judged(&result).unwrap_or_default();
                ComparisonEnd::Failed(format!(
                    "the judge ({}) gave no verdict: {reason}. The answers are saved: compare the same prompt \
                     again to retry the judging, or start ailab with --judge MODEL to use another judge.",
                    self.judge_model
                ))
            }
            Ok(Some(result)) => ComparisonEnd::Finished {
                comparison: result.comparison,
                failed_arms: result
                    .arms
                    .iter()
                    .filter(|(_, r)| !r.answered())
                    .map(|(a, _)| a.clone())
                    .collect(),
                outcomes: result.outcomes,
            },
            Ok(None) => ComparisonEnd::Failed("nothing was run; try again".into()),
            Err(message) => ComparisonEnd::Failed(format!("the record could not be updated: {message}")),
        }
    }
}

/// Why the judge gave no verdict on some pair of `result`, if it did not.
fn not_judged(result: &ComparisonResult) -> Option<String> {
    result.unscored.iter().find_map(|(_, why)| match why {
        lab::Unscored::NotJudged(reason) => Some(reason.clone()),
        lab::Unscored::ArmFailed(_) => None,
    })
}

/// Which of the record's comparisons the Lab shows, and what it needs to say about them.
#[derive(Debug, Clone)]
pub struct LabQuery {
    /// The judge new comparisons use.
    pub judge_model: String,
    pub scope: LabScope,
    /// The judge is one of the models of the organization loaded now. The record's calls say the
    /// rest: which compared organization's runs (another one's too) the judge's model answered in.
    pub judge_in_tree: bool,
    /// The root's model: what "alone" means in the verdict.
    pub solo_model: String,
    /// The tree loaded now in words ("the lean tree"), set against other organizations.
    pub tree_name: String,
    /// The hierarchy hash of the organization loaded now.
    pub current_version: String,
    /// The version to show; `None` for the current one.
    pub version: Option<String>,
    /// The members of the organization loaded now as (id, name), in tree order: how the value
    /// added at each level names them.
    pub members: Vec<(String, String)>,
}

/// The scores and the queue of `scope` (the demo's, or real models'), for the Lab tab: the record's
/// rows, scored by the lab. `a_is_first` draws each pair's shown order: true shows the pair's
/// first arm as "A" (the shell draws it at random).
pub fn lab_data(
    reader: &Reader,
    query: LabQuery,
    mut a_is_first: impl FnMut(&PendingVote) -> bool,
) -> Result<LabData, String> {
    let LabQuery {
        judge_model,
        scope,
        judge_in_tree,
        solo_model,
        tree_name,
        current_version,
        version,
        members,
    } = query;
    let shown_version = version.unwrap_or_else(|| current_version.clone());
    let versions = reader.lab_versions(scope).map_err(|e| e.to_string())?;
    // One judge's verdicts (the one new comparisons use): results are keyed by judge as by
    // version, and the board says which other judges have verdicts kept apart.
    let rows =
        reader.lab_rows_of(Some(&judge_model), scope, Some(&shown_version)).map_err(|e| e.to_string())?;
    let judges = reader.lab_judges(scope, &shown_version).map_err(|e| e.to_string())?;
    let judged = lab::judged_comparisons(&rows);
    // The loaded tree only speaks for its own version (and for comparisons not made yet); what the
    // judge's model answered in any arm's run, of any organization, is in the record.
    let self_judged = !lab::trust::self_judged_comparisons(&rows, &judge_model).is_empty()
        || (judge_in_tree && shown_version == current_version);
    let voted = lab::voted_comparisons(&rows);
    let mut all: std::collections::BTreeMap<i64, ComparisonResult> =
        judged.iter().map(|r| (r.comparison, r.clone())).collect();
    for result in &voted {
        all.entry(result.comparison).or_insert_with(|| result.clone());
    }
    let all: Vec<ComparisonResult> = all.into_values().collect();
    let mut pending = lab::vote_queue(&rows, QUEUE_LIMIT + 1);
    let more_waiting = pending.len() > QUEUE_LIMIT;
    pending.truncate(QUEUE_LIMIT);
    let queue = pending
        .into_iter()
        .map(|pending| {
            let shown_first =
                if a_is_first(&pending) { pending.pair.0.clone() } else { pending.pair.1.clone() };
            QueuedVote { pending, shown_first }
        })
        .collect();
    let board = |results: &[ComparisonResult]| lab::Scoreboard {
        demo: scope == LabScope::Demo,
        self_judged,
        ..lab::scoreboard(results)
    };
    let judged_board = board(&judged);
    let verdict = lab::plain::verdict(
        &judged_board,
        lab::plain::Setting { solo_model: &solo_model, self_judged, tree_name: &tree_name },
    );
    Ok(LabData {
        levels: lab::levels::tally(&members, &rows.levels),
        tree_name,
        judges,
        judge_model,
        verdict,
        agreement: lab::agreement::agreement(&judged, &voted),
        versions,
        shown_version,
        current_version,
        judged: judged_board,
        voted: board(&voted),
        costs: lab::scoreboard(&all).costs,
        comparisons: all.len(),
        queue,
        more_waiting,
    })
}

#[cfg(test)]
mod tests;
