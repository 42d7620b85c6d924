//! `ailab eval`: the experiment from the command line. Resumable: finished arms and verdicts are
//! kept in the record and never redone; Ctrl-C stops after saving what finished.

mod output;

use std::io::{IsTerminal, Write};

use tokio_util::sync::CancellationToken;

use self::output::{ProgressBar, comparison_json, organizations_json, organizations_text, report_setup};
use super::args::EvalArgs;
use crate::engine::{EventSink, hierarchy_hash};
use crate::lab::eval::OrgEngine;
use crate::lab::organization::{self, Organization};
use crate::lab::{self, Arm, EvalOptions, mtbench, prompt_set};
use crate::session::stderr::tell;
use crate::session::{Settings, exit};
use crate::store::{self, LabRecord};

pub async fn run(settings: Settings, args: EvalArgs) -> u8 {
    match prepare(&settings, &args) {
        Ok(plan) => execute(settings, args, plan).await,
        Err(message) => {
            tell(message);
            exit::BAD_INPUT
        }
    }
}

struct Plan {
    prompts: Vec<lab::LabPrompt>,
    /// Without the other organizations' engines: they are built once the plan is sound.
    options: EvalOptions,
    /// The other organizations among the arms (`tree@seed`), loaded.
    orgs: Vec<Organization>,
    /// The judge is one of the models under test, of any organization compared.
    self_judged: bool,
}

fn prepare(settings: &Settings, args: &EvalArgs) -> Result<Plan, String> {
    if settings.no_record {
        return Err("eval keeps its results in the record so it can resume; leave out --no-record".into());
    }
    if args.limit == Some(0) {
        return Err("--limit 0 would compare no prompt: give at least 1, or leave --limit out for all".into());
    }
    let set = load_prompts(args)?;
    for warning in &set.warnings {
        tell(format_args!("warning: {warning}"));
    }
    let mut prompts = set.prompts;
    if let Some(limit) = args.limit {
        prompts.truncate(limit);
    }
    let specs = lab::arm::parse_specs(&args.arms)?;
    let (arms, orgs) = organization::resolve(&specs, &settings.hierarchy)?;
    if args.levels && !arms.contains(&Arm::Tree) {
        return Err("--levels judges the tree's members against their parts: add tree to --arms (e.g. \
                    --arms tree,solo --levels)"
            .into());
    }
    if args.repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    let judge_model = settings.judge_model();
    let self_judged = lab::self_judged(&judge_model, &settings.hierarchy)
        || orgs.iter().any(|org| lab::self_judged(&judge_model, &org.hierarchy));
    if !settings.demo && !args.allow_self_judge && self_judged {
        return Err(format!(
            "the judge ({judge_model}) is one of the models under test: a model judging its own team is weak \
             evidence (small models mostly prefer whichever answer they see first). Pass --judge MODEL with a \
             different, ideally stronger model your server has, or --allow-self-judge to run anyway (every \
             result will say \"self-judged\"). Nothing was run."
        ));
    }
    // Said now, before any work: there must be a place for the record the eval resumes from.
    store::db_path(settings.db_path.as_deref())?;
    let options =
        EvalOptions { arms, orgs: Vec::new(), repeat: args.repeat, judge_model, levels: args.levels };
    Ok(Plan { prompts, options, orgs, self_judged })
}

async fn execute(settings: Settings, args: EvalArgs, mut plan: Plan) -> u8 {
    let engine = match settings.engine() {
        Ok(engine) => engine,
        Err(message) => {
            tell(message);
            return exit::BAD_INPUT;
        }
    };
    for org in &plan.orgs {
        match settings.engine_for(org.hierarchy.clone()) {
            Ok(engine) => plan.options.orgs.push(OrgEngine { arm: org.arm(), engine }),
            Err(message) => {
                tell(format_args!("tree@{}: {message}", org.key.name()));
                return exit::BAD_INPUT;
            }
        }
    }
    if settings.demo {
        tell("DEMO MODE: scripted answers and a scripted judge; the scores mean nothing.");
    } else if let Err(message) = lab::check_judge(&engine, &plan.options.judge_model, lab::CLI_ADVICE).await {
        tell(message);
        return exit::FAILED;
    }
    let self_judged = plan.self_judged;
    if self_judged && !settings.demo {
        tell(format_args!(
            "note: the judge ({}) is a model under test (--allow-self-judge): the results are marked \"self-judged\".",
            plan.options.judge_model
        ));
    }
    let sink = EventSink::new();
    // The recorder opens in the background; the lab's steps go through its writer, which must be
    // able to write before the first step (a record that cannot be used stops the eval here).
    let recording = crate::session::record::start_opening(&settings, &sink);
    let writer = match recording.ready(crate::session::LOCKED_GRACE).await {
        Ok(writer) => writer,
        Err(message) => {
            tell(message);
            return exit::FAILED;
        }
    };
    let cancel = CancellationToken::new();
    tokio::spawn(super::interrupt::cancel_on_ctrl_c(cancel.clone(), "stopping after saving what finished…"));

    let mut store = LabRecord {
        writer,
        hierarchy_hash: hierarchy_hash(&settings.hierarchy),
        backend: lab::backend_label(settings.demo, &settings.hierarchy),
    };
    let mut bar = ProgressBar::new(std::io::stderr().is_terminal());
    let outcome = lab::run_eval(
        &engine,
        &sink,
        &mut store,
        &plan.prompts,
        &plan.options,
        &mut |p| bar.show(&p),
        &cancel,
    )
    .await;
    bar.finish();
    drop(sink);
    recording.finish(crate::session::LOCKED_GRACE).await;
    let results = match outcome {
        Ok(results) => results,
        Err(message) => {
            tell(format_args!("the evaluation stopped: {message}"));
            return exit::FAILED;
        }
    };
    let mut board = lab::scoreboard(&results);
    board.demo = settings.demo;
    board.self_judged = self_judged;
    let solo_model = settings.hierarchy.root().model.clone();
    let tree_name = organization::tree_name(&settings.hierarchy);
    let setting = lab::plain::Setting { solo_model: &solo_model, self_judged, tree_name: &tree_name };
    let verdict = lab::plain::verdict(&board, setting);
    let levels: Vec<lab::levels::LevelJudgement> = results.iter().flat_map(|r| r.levels.clone()).collect();
    let values = lab::levels::tally(&lab::levels::members(&settings.hierarchy), &levels);
    let table = lab::render_table(&board, &plan.options.judge_model);
    if let Some(path) = &args.report {
        let mut setup = report_setup(&settings, &args, plan.prompts.len(), &plan.options, &plan.orgs);
        setup.levels = plan.options.levels.then(|| values.clone());
        let text = lab::lab_report::markdown(&board, &setup, &table, &verdict);
        match std::fs::write(path, text) {
            Ok(()) => {
                let shown = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                tell(format_args!("lab report written to {}", shown.display()));
            }
            Err(e) => tell(format_args!(
                "could not write the lab report to {}: {e}. The results are kept in the record: run the same \
                 command again with another --report path to write it.",
                path.display()
            )),
        }
    }
    if args.json {
        let json = serde_json::json!({
            "judge_model": plan.options.judge_model,
            "demo": settings.demo,
            "organizations": organizations_json(&settings, &plan.orgs),
            "scoreboard": board,
            "levels": values,
            "verdict": verdict,
            "comparisons": results.iter().map(comparison_json).collect::<Vec<_>>(),
        });
        // Not `say!`: `--json` keeps the exact text (see `say::json`).
        let json = super::say::json(&json, true).unwrap_or_default();
        let _ = writeln!(std::io::stdout().lock(), "{json}");
    } else {
        if !plan.orgs.is_empty() {
            say!("{}\n", organizations_text(&settings, &plan.orgs).trim_end());
        }
        say!("{}", table.trim_end());
        if plan.options.levels {
            match lab::levels::render(&values) {
                text if text.is_empty() => say!("\nvalue added at each level: no parent judged yet"),
                text => say!("\n{}", text.trim_end()),
            }
        }
        if !verdict.is_empty() {
            say!("\nIn plain words:");
            for sentence in &verdict {
                say!("- {sentence}");
            }
        }
    }
    if cancel.is_cancelled() {
        tell("cancelled; finished work is saved: run the same command again to resume.");
        return exit::CANCELLED;
    }
    let failed_arms: usize = board.costs.iter().map(|c| c.failed).sum();
    if failed_arms > 0 {
        tell(format_args!(
            "warning: {failed_arms} arm run(s) gave no answer (see `ailab history list`); the pairs they \
             belong to are not counted. Run the same command again to retry them."
        ));
    }
    let not_judged = board.not_judged();
    if not_judged > 0 {
        let reason = results
            .iter()
            .flat_map(|r| &r.unscored)
            .find_map(|(_, why)| match why {
                lab::Unscored::NotJudged(reason) => Some(reason.as_str()),
                lab::Unscored::ArmFailed(_) => None,
            })
            .unwrap_or("no reason given");
        tell(format_args!(
            "{not_judged} comparison(s) have no verdict: the judge ({}) failed ({reason}). They are \
             not counted as ties; run the same command again to retry the judging.",
            plan.options.judge_model
        ));
        return exit::FAILED;
    }
    exit::OK
}

/// The prompt set: MT-Bench's question file (`.jsonl`, with `--references`), or ailab's own.
fn load_prompts(args: &EvalArgs) -> Result<prompt_set::PromptSet, String> {
    let path = &args.prompts_file;
    match &args.references {
        _ if mtbench::is_jsonl(path) => mtbench::load(path, args.references.as_deref()),
        Some(file) => Err(format!(
            "--references {} joins reference answers by MT-Bench question_id: it needs an MT-Bench question \
             file (.jsonl) as the prompts, not {} (give a TOML prompt its `reference` instead)",
            file.display(),
            path.display()
        )),
        None => prompt_set::load(path),
    }
}
