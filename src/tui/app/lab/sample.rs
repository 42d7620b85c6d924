//! Which sample of a prompt a comparison started from the Lab tab is. The record keys comparisons
//! by (prompt, sample number, prompts version), and `run_eval` resumes whatever it finds; asking
//! again for a prompt already compared should add a new sample, not replay the old one, while a
//! comparison left unfinished (cancelled, or an arm that failed) should resume.

use crate::engine::PastTurn;
use crate::lab::eval::pairs;
use crate::lab::levels::{LevelJudgement, LevelSide};
use crate::lab::{Arm, ArmResult, Judgement, LabPrompt, LabStore};

/// Samples of one prompt the Lab tab will make before saying so.
const MAX_SAMPLES: u32 = 1000;

/// Called with (comparison, sample number, resumed) once the sample is chosen.
pub type OnChosen = Box<dyn FnMut(i64, u32, bool) + Send>;

/// A store that hands `run_eval` the first unfinished sample of the prompt (or a new one).
pub struct NextSample<S> {
    inner: S,
    arms: Vec<Arm>,
    judge_model: String,
    on_chosen: OnChosen,
}

impl<S: LabStore> NextSample<S> {
    pub fn new(inner: S, arms: Vec<Arm>, judge_model: String, on_chosen: OnChosen) -> Self {
        Self { inner, arms, judge_model, on_chosen }
    }

    /// (anything saved, everything done) for a comparison, by the rules `run_eval` resumes by.
    fn progress(&mut self, comparison: i64) -> Result<(bool, bool), String> {
        let mut started = false;
        let mut done = true;
        for arm in self.arms.clone() {
            match self.inner.arm_result(comparison, &arm)? {
                Some(result) => {
                    started = true;
                    done &= result.answered();
                }
                None => done = false,
            }
        }
        for pair in pairs(&self.arms) {
            for shown_first in [&pair.0, &pair.1] {
                let judged =
                    self.inner.judgement(comparison, &pair, shown_first, &self.judge_model)?.is_some();
                started |= judged;
                done &= judged;
            }
        }
        Ok((started, done))
    }
}

impl<S: LabStore> LabStore for NextSample<S> {
    fn comparison(&mut self, prompt: &LabPrompt, _repeat: u32) -> Result<i64, String> {
        for repeat in 1..=MAX_SAMPLES {
            let id = self.inner.comparison(prompt, repeat)?;
            let (started, done) = self.progress(id)?;
            if !done {
                (self.on_chosen)(id, repeat, started);
                return Ok(id);
            }
        }
        Err(format!(
            "this prompt has already been compared {MAX_SAMPLES} times with the current prompts; \
             change the prompt (or the hierarchy) to compare again"
        ))
    }

    fn arm_result(&mut self, comparison: i64, arm: &Arm) -> Result<Option<ArmResult>, String> {
        self.inner.arm_result(comparison, arm)
    }

    fn save_arm(&mut self, comparison: i64, arm: &Arm, result: &ArmResult) -> Result<(), String> {
        self.inner.save_arm(comparison, arm, result)
    }

    fn judgement(
        &mut self,
        comparison: i64,
        pair: &(Arm, Arm),
        shown_first: &Arm,
        judge_model: &str,
    ) -> Result<Option<Judgement>, String> {
        self.inner.judgement(comparison, pair, shown_first, judge_model)
    }

    fn save_judgement(&mut self, comparison: i64, judgement: &Judgement) -> Result<(), String> {
        self.inner.save_judgement(comparison, judgement)
    }

    fn past_turn(&mut self, run_id: &str) -> Result<Option<PastTurn>, String> {
        self.inner.past_turn(run_id)
    }

    fn level_judgement(
        &mut self,
        run_id: &str,
        node: &str,
        shown_first: LevelSide,
        judge_model: &str,
    ) -> Result<Option<LevelJudgement>, String> {
        self.inner.level_judgement(run_id, node, shown_first, judge_model)
    }

    fn save_level_judgement(&mut self, comparison: i64, judgement: &LevelJudgement) -> Result<(), String> {
        self.inner.save_level_judgement(comparison, judgement)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::engine::RunStatus;
    use crate::lab::verdict::Pick;
    use crate::store::{LabRecord, Recorder};

    fn answered(answer: &str) -> ArmResult {
        ArmResult {
            run_id: "r".into(),
            status: RunStatus::Done,
            answer: Some(answer.into()),
            calls: 1,
            tokens: 5,
            wall_ms: 10,
            flagged: 0,
        }
    }

    #[test]
    fn a_finished_sample_gets_a_successor_and_an_unfinished_one_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let recorder = Recorder::start(&dir.path().join("lab.db")).unwrap();
        let chosen = Arc::new(Mutex::new(Vec::new()));
        let log = chosen.clone();
        let record =
            LabRecord { writer: recorder.writer(), hierarchy_hash: "v1".into(), backend: "demo".into() };
        let arms = vec![Arm::Tree, Arm::Solo];
        let mut store = NextSample::new(
            record,
            arms,
            "judge".into(),
            Box::new(move |id, repeat, resumed| log.lock().unwrap().push((id, repeat, resumed))),
        );
        let prompt = LabPrompt {
            category: "c".into(),
            text: "Is 17 prime?".into(),
            reference: None,
            earlier: Vec::new(),
        };

        let first = store.comparison(&prompt, 1).unwrap();
        store.save_arm(first, &Arm::Tree, &answered("yes")).unwrap();
        assert_eq!(store.comparison(&prompt, 1).unwrap(), first, "half done: resume it");
        store.save_arm(first, &Arm::Solo, &answered("yes.")).unwrap();
        for shown_first in [Arm::Tree, Arm::Solo] {
            let judgement = Judgement {
                pair: (Arm::Tree, Arm::Solo),
                shown_first,
                judge_model: "judge".into(),
                run_id: "j".into(),
                pick: Some(Pick::Tie),
                reason: String::new(),
            };
            store.save_judgement(first, &judgement).unwrap();
        }
        let second = store.comparison(&prompt, 1).unwrap();
        assert_ne!(second, first, "all done: a new sample");
        let log = chosen.lock().unwrap();
        assert_eq!(log.as_slice(), &[(first, 1, false), (first, 1, true), (second, 2, false)]);
    }
}
