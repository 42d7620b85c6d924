//! The record as the eval runner's store ([`LabStore`]): every step goes through the record's
//! writer, so a lab row waits for the run events sent before it and the runner reads back exactly
//! what it saved.

use crate::engine::PastTurn;
use crate::lab::levels::{LevelJudgement, LevelSide};
use crate::lab::{Arm, ArmResult, Judgement, LabPrompt, LabStore};
use crate::store::recorder::RecordWriter;

/// The record as the eval runner's store, for one hierarchy version on one backend. Each call waits
/// for the writer (see [`RecordWriter::run`]).
pub struct LabRecord {
    pub writer: RecordWriter,
    pub hierarchy_hash: String,
    /// [`crate::lab::DEMO_BACKEND`] or the server's base URL (see [`crate::lab::backend_label`]).
    pub backend: String,
}

impl LabStore for LabRecord {
    fn comparison(&mut self, prompt: &LabPrompt, repeat: u32) -> Result<i64, String> {
        let (prompt, hash, backend) = (prompt.clone(), self.hierarchy_hash.clone(), self.backend.clone());
        self.writer.run(move |w| w.comparison_id(&prompt, repeat, &hash, &backend)).map_err(text)
    }

    fn arm_result(&mut self, comparison: i64, arm: &Arm) -> Result<Option<ArmResult>, String> {
        let arm = arm.clone();
        self.writer.run(move |w| w.arm_result(comparison, &arm)).map_err(text)
    }

    fn save_arm(&mut self, comparison: i64, arm: &Arm, result: &ArmResult) -> Result<(), String> {
        let (arm, result) = (arm.clone(), result.clone());
        self.writer.run(move |w| w.save_arm(comparison, &arm, &result)).map_err(text)
    }

    fn judgement(
        &mut self,
        comparison: i64,
        pair: &(Arm, Arm),
        shown_first: &Arm,
        judge_model: &str,
    ) -> Result<Option<Judgement>, String> {
        let (pair, shown_first, judge_model) = (pair.clone(), shown_first.clone(), judge_model.to_string());
        self.writer.run(move |w| w.judgement(comparison, &pair, &shown_first, &judge_model)).map_err(text)
    }

    fn save_judgement(&mut self, comparison: i64, judgement: &Judgement) -> Result<(), String> {
        let judgement = judgement.clone();
        self.writer.run(move |w| w.save_judgement(comparison, &judgement)).map_err(text)
    }

    fn past_turn(&mut self, run_id: &str) -> Result<Option<PastTurn>, String> {
        let run_id = run_id.to_string();
        self.writer.run(move |w| w.past_turn(&run_id)).map_err(text)
    }

    fn level_judgement(
        &mut self,
        run_id: &str,
        node: &str,
        shown_first: LevelSide,
        judge_model: &str,
    ) -> Result<Option<LevelJudgement>, String> {
        let (run_id, node, judge_model) = (run_id.to_string(), node.to_string(), judge_model.to_string());
        self.writer.run(move |w| w.level_judgement(&run_id, &node, shown_first, &judge_model)).map_err(text)
    }

    fn save_level_judgement(&mut self, comparison: i64, judgement: &LevelJudgement) -> Result<(), String> {
        let judgement = judgement.clone();
        self.writer.run(move |w| w.save_level_judgement(comparison, &judgement)).map_err(text)
    }
}

fn text(e: crate::store::StoreError) -> String {
    e.to_string()
}
