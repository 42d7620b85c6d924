//! Is the judge served? Asked before a comparison starts (`ailab eval`, the Lab tab's compare):
//! otherwise every judge call fails after the arms' work and the comparison ends with nothing judged.

use crate::engine::{Engine, describe_error};
use crate::llm::LlmError;

/// What to tell the user to do, in the words of where the check runs (a flag or a restart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JudgeAdvice {
    /// How to pick another judge.
    pub choose: &'static str,
    /// What to do when the server cannot be asked.
    pub check: &'static str,
}

/// For `ailab eval`.
pub const CLI_ADVICE: JudgeAdvice = JudgeAdvice {
    choose: "choose a served model with --judge MODEL or AILAB_JUDGE=MODEL (`ailab check` lists them)",
    check: "Run `ailab check`, or `ailab --demo eval …` to try the lab without a server.",
};

/// For the Lab tab, whose judge is set when ailab starts.
pub const TUI_ADVICE: JudgeAdvice = JudgeAdvice {
    choose: "choose a served model by starting ailab with --judge MODEL (or AILAB_JUDGE=MODEL)",
    check: "Press h for the server check, or start ailab with --demo to try the lab without a server.",
};

/// `Ok` when the server the judge calls go to (the root's) serves `judge`, or has no model list to
/// ask (a 404: the judge calls will tell); else why not, naming the judge and the served models.
pub async fn check_judge(engine: &Engine, judge: &str, advice: JudgeAdvice) -> Result<(), String> {
    let hierarchy = engine.hierarchy();
    // The judge calls the root's endpoint (see Engine::run_judge).
    let url = hierarchy.endpoint_of(hierarchy.root());
    let Some(endpoint) = engine.backends().get(url) else { return Ok(()) };
    match endpoint.backend.list_models().await {
        Ok(models) if models.iter().any(|m| m.id == judge) => Ok(()),
        Ok(models) if models.is_empty() => Err(format!(
            "the server at {url} serves no model, so the judge ({judge}) cannot run. Load a model in \
             LM Studio (Developer tab), then {}.",
            advice.choose
        )),
        Ok(models) => {
            let mut served: Vec<&str> = models.iter().map(|m| m.id.as_str()).take(8).collect();
            if models.len() > served.len() {
                served.push("…");
            }
            Err(format!(
                "the judge model \"{judge}\" is not served by {url} (it serves: {}). Load it in LM Studio, \
                 or {}.",
                served.join(", "),
                advice.choose
            ))
        }
        // A server without a model list (404) may still answer chats: let the judge calls tell.
        Err(LlmError::Http { status: 404, .. }) => Ok(()),
        Err(error) => Err(format!(
            "cannot check the judge model ({judge}): {}. {}",
            describe_error(&error),
            advice.check
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::DEFAULT_MODEL;
    use crate::engine::Backends;
    use crate::engine::testkit::{ScriptedBackend, echo_reply, six_node_tree};

    fn engine() -> Engine {
        let hierarchy = six_node_tree();
        Engine::new(Arc::new(hierarchy), Backends::single(ScriptedBackend::new(echo_reply), 4))
    }

    #[tokio::test]
    async fn a_served_judge_passes_and_another_is_refused_with_the_served_models() {
        let engine = engine();
        assert_eq!(check_judge(&engine, DEFAULT_MODEL, TUI_ADVICE).await, Ok(()));
        let refused = check_judge(&engine, "qwen-judge", TUI_ADVICE).await.unwrap_err();
        assert!(refused.contains("the judge model \"qwen-judge\" is not served by"), "{refused}");
        assert!(refused.contains(&format!("(it serves: {DEFAULT_MODEL})")), "{refused}");
        assert!(refused.contains("--judge MODEL (or AILAB_JUDGE=MODEL)"), "{refused}");
    }
}
