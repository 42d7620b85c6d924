//! What `ailab eval` writes besides its table: the lab report's setup, the `--json` document, and
//! the progress bar on standard error.

use std::io::Write;

use crate::cli::args::EvalArgs;
use crate::engine::hierarchy_hash;
use crate::lab::lab_report::{OtherOrganization, Setup};
use crate::lab::organization::{Organization, tree_name};
use crate::lab::{self, EvalOptions, Progress};
use crate::session::Settings;

/// (member, model) of every node, in tree order.
fn members(hierarchy: &crate::config::Hierarchy) -> Vec<(String, String)> {
    hierarchy.nodes.iter().map(|n| (n.name.clone(), n.model.clone())).collect()
}

/// What the lab report says about how the eval was set up: `prompts` asked with `options`, the
/// other organizations among its arms being `orgs`.
pub(super) fn report_setup(
    settings: &Settings,
    args: &EvalArgs,
    prompts: usize,
    options: &EvalOptions,
    orgs: &[Organization],
) -> Setup {
    let hierarchy = &settings.hierarchy;
    Setup {
        server: lab::backend_label(settings.demo, hierarchy),
        members: members(hierarchy),
        judge: options.judge_model.clone(),
        tree_name: tree_name(hierarchy),
        version: hierarchy_hash(hierarchy),
        others: orgs
            .iter()
            .map(|org| OtherOrganization {
                arm: org.key.as_str().to_string(),
                name: org.key.describe(),
                origin: org.origin(),
                version: org.version(),
                members: members(&org.hierarchy),
            })
            .collect(),
        prompt_set: args.prompts_file.display().to_string(),
        prompts,
        repeat: options.repeat,
        arms: options.arms.iter().map(|a| a.as_str().to_string()).collect(),
        written: format!("Written {}", crate::clock::local(crate::clock::now_ms()).full()),
        levels: None,
    }
}

/// The organizations compared, for `--json`: the tree under test and each other one, named as
/// the text does, with their arm and version.
pub(super) fn organizations_json(settings: &Settings, orgs: &[Organization]) -> serde_json::Value {
    let mut out = vec![serde_json::json!({
        "arm": lab::Arm::Tree,
        "name": tree_name(&settings.hierarchy),
        "origin": settings.hierarchy_source.to_string(),
        "version": hierarchy_hash(&settings.hierarchy),
    })];
    out.extend(orgs.iter().map(|org| {
        serde_json::json!({
            "arm": org.arm(),
            "name": org.key.describe(),
            "origin": org.origin(),
            "version": org.version(),
        })
    }));
    serde_json::Value::Array(out)
}

/// The organizations compared, one a line, for the text output: which arm is which.
pub(super) fn organizations_text(settings: &Settings, orgs: &[Organization]) -> String {
    let tested = hierarchy_hash(&settings.hierarchy);
    let mut rows = vec![(
        "tree".to_string(),
        format!("{}, version {}", tree_name(&settings.hierarchy), &tested[..tested.len().min(8)]),
    )];
    for org in orgs {
        rows.push((
            org.key.as_str().to_string(),
            format!("{} ({}), on the same server", org.key.describe(), org.origin()),
        ));
    }
    let width = rows.iter().map(|(arm, _)| arm.chars().count()).max().unwrap_or(0);
    let mut out = String::from("organizations compared:\n");
    for (arm, name) in rows {
        out.push_str(&format!("  {arm:<width$}  {name}\n"));
    }
    out
}

/// One comparison for `--json`: its arms, its outcomes with the judge's two picks and reasons, and
/// the pairs left out with why.
pub(super) fn comparison_json(r: &lab::ComparisonResult) -> serde_json::Value {
    let outcomes: Vec<serde_json::Value> = r
        .outcomes
        .iter()
        .map(|(pair, outcome)| {
            let judgements: Vec<&lab::Judgement> = r.judgements.iter().filter(|j| j.pair == *pair).collect();
            serde_json::json!({ "x": pair.0, "y": pair.1, "outcome": outcome, "judgements": judgements })
        })
        .collect();
    let unscored: Vec<serde_json::Value> = r
        .unscored
        .iter()
        .map(|((x, y), why)| serde_json::json!({ "x": x, "y": y, "unscored": why }))
        .collect();
    serde_json::json!({
        "comparison": r.comparison,
        "prompt": r.prompt,
        "repeat": r.repeat,
        "arms": r.arms.iter().map(|(a, res)| serde_json::json!({"arm": a, "result": res})).collect::<Vec<_>>(),
        "outcomes": outcomes,
        "unscored": unscored,
        "levels": r.levels,
    })
}

/// A one-line progress bar on a terminal; plain lines otherwise.
pub(super) struct ProgressBar {
    terminal: bool,
    drawn: bool,
}

impl ProgressBar {
    pub(super) fn new(terminal: bool) -> Self {
        Self { terminal, drawn: false }
    }

    pub(super) fn show(&mut self, p: &Progress) {
        let resumed = if p.resumed { " (saved)" } else { "" };
        // The lab gives the label on one line and clean (the bar redraws its line in place).
        let label = &p.label;
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let width = 24;
            let filled = (p.done * width) / p.total.max(1);
            let bar: String = "█".repeat(filled) + &"░".repeat(width - filled);
            let _ = write!(err, "\r\x1b[2K{bar} {}/{} {label}{resumed}", p.done, p.total);
            self.drawn = true;
        } else {
            let _ = writeln!(err, "[{}/{}] {label}{resumed}", p.done, p.total);
        }
        let _ = err.flush();
    }

    pub(super) fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}
