//! The sub-task checks against what small models really wrote (issue 14) and against good splits,
//! which must pass: a false rejection costs more than a weak sub-task.

use super::*;
use crate::config::{DEFAULT_HIERARCHY_TOML, Hierarchy, parse_hierarchy};

fn default_tree() -> Hierarchy {
    parse_hierarchy(DEFAULT_HIERARCHY_TOML, "default").unwrap_or_else(|e| panic!("{e}"))
}

/// The check Atlas's split runs with the default hierarchy, on `task` (also the user's question).
fn check_for(task: &str) -> SubtaskCheck {
    check_below(task, task)
}

/// The check a split below the root runs: dividing `task`, the user having asked `query`.
fn check_below(task: &str, query: &str) -> SubtaskCheck {
    let tree = default_tree();
    let team: Vec<Member> = tree
        .nodes
        .iter()
        .map(|n| Member { name: &n.name, role: &n.role, system: &n.prompts.system })
        .collect();
    SubtaskCheck::new(task, query, &tree.root().prompts.split, &team)
}

const LANGUAGE: &str = "What is the best way to learn a new language as an adult?";

#[test]
fn what_the_small_model_wrote_is_rejected_with_its_reason() {
    let check = check_for(LANGUAGE);
    let cases = [
        ("task_1", Rejection::Placeholder),
        ("nova_123", Rejection::Placeholder),
        ("Task 1", Rejection::Placeholder),
        ("Sub-task for member 2", Rejection::Placeholder),
        ("Vocabulary", Rejection::Placeholder),
        ("Nova (technical branch)", Rejection::NamesTeam),
        (
            "How to Learn a New Language: The 2014-2015 Study: 1. The 2014-2015 Study: 2. The 2014-2015 \
             Study: 3. The 2014-2015 Study:",
            Rejection::Loops,
        ),
        (
            "At the helm of a team, Quantum, I am a guiding mentor. Quantum, a brilliant mind of an AI, \
             is here to assist me.",
            Rejection::DescribesMember,
        ),
        (
            "You are Pixel, the patterns specialist of a small AI team. You spot structure: recurring \
             patterns, analogies",
            Rejection::DescribesMember,
        ),
        (
            "Divide the task below into exactly 2 sub-tasks, one per team member.",
            Rejection::EchoesInstructions,
        ),
        ("Part 1 of 2 of \"You lead a small team. Divide the task…\"", Rejection::EchoesInstructions),
        ("The weather in Paris was mild and the trains ran on time.", Rejection::Unrelated),
        ("I hope this helps.", Rejection::DescribesMember),
    ];
    for (task, why) in cases {
        assert_eq!(check.check(task, &[]), Some(why.clone()), "{task}");
    }
    assert_eq!(Rejection::Placeholder.explain("task_1"), "the sub-task \"task_1\" was a placeholder");
}

#[test]
fn a_near_duplicate_of_an_accepted_sibling_is_rejected_and_the_first_kept() {
    let check = check_for("Why do cats purr?");
    let tasks = vec![
        "Research the history of cats purring and what it signals".to_string(),
        "Research what cats purring signals and its history".to_string(),
    ];
    assert_eq!(
        check.check_all(&tasks, &["Nova", "Sage"]),
        vec![None, Some(Rejection::SameAs("Nova".into()))]
    );
    // Two sub-tasks that share the task's words but each add their own angle are not duplicates.
    let tasks = vec![
        "Explain the physical mechanism by which cats purr".to_string(),
        "Reflect on what purring means for the bond between cats and people".to_string(),
    ];
    assert_eq!(check.check_all(&tasks, &["Nova", "Sage"]), vec![None, None]);
    // A rejected sibling is no model for a duplicate: the second "task_1" is a placeholder itself.
    let tasks = vec!["task_1".to_string(), "task_1".to_string()];
    assert_eq!(check.check_all(&tasks, &["Nova", "Sage"]), vec![Some(Rejection::Placeholder); 2]);
}

/// Splits as a capable model writes them (Phi-3 style), for the prompts of the real-server table:
/// none may be rejected, including sub-tasks that name their part in words the task never used.
#[test]
fn good_splits_pass() {
    let splits: &[(&str, &[&str])] = &[
        (
            LANGUAGE,
            &[
                "Explain the most effective methods and tools for adults learning a new language, such as \
                 spaced repetition and immersion.",
                "Reflect on the motivations and mindset that help adults keep learning a language.",
            ],
        ),
        (
            "Why do cats purr?",
            &[
                "Explain the physiology of the laryngeal muscles that produce the vibration.",
                "Consider what the behaviour means for the relationship between a cat and its owner.",
            ],
        ),
        (
            "How do vaccines work?",
            &[
                "Describe how the immune system responds to an antigen and builds memory cells.",
                "Discuss the ethical questions of vaccination for public health.",
            ],
        ),
        (
            "Is it better to rent or buy a home?",
            &[
                "Compare the monthly costs, interest rates and long-term equity of renting versus buying.",
                "What does owning a home mean for freedom, security and a sense of belonging?",
            ],
        ),
        (
            "How can I sleep better?",
            &[
                "List practical habits for a consistent bedtime routine: light, caffeine, screens.",
                "Why does rest matter for wellbeing beyond feeling tired?",
            ],
        ),
        (
            "What causes inflation?",
            &[
                "Technical: explain money supply, demand-pull and cost-push mechanisms with examples.",
                "Philosophical: who bears the burden when prices rise, and is that fair?",
            ],
        ),
        (
            "Should I learn Python or JavaScript first?",
            &[
                "Nova: weigh the syntax, tooling and job market of Python and JavaScript for a beginner.",
                "Sage: reflect on how a first language shapes the way someone thinks about programming.",
            ],
        ),
        (
            "How does a refrigerator keep food cold?",
            &[
                "Outline the refrigeration cycle: compressor, condenser, expansion valve and evaporator.",
                "Consider how cheap refrigeration changed what and how people eat.",
            ],
        ),
        (
            "Why is the sky blue?",
            &[
                "Explain Rayleigh scattering and why shorter wavelengths scatter more.",
                "The sky's colour as a question of perception: what does it mean that we see blue?",
            ],
        ),
        (
            "What are the pros and cons of remote work?",
            &[
                "Analyze productivity data, communication tools and costs of working from home.",
                "Explore the effect on loneliness, family life and the meaning of a workplace.",
            ],
        ),
    ];
    for (task, tasks) in splits {
        let check = check_for(task);
        let tasks: Vec<String> = tasks.iter().map(|t| t.to_string()).collect();
        assert_eq!(check.check_all(&tasks, &["Nova", "Sage"]), vec![None, None], "{task}");
    }
    // Below the root: Nova divides its own sub-task for Echo and Pixel.
    let nova_task = "Explain the most effective methods and tools for adults learning a new language.";
    let check = check_below(nova_task, LANGUAGE);
    let tasks = vec![
        "Give a weekly study plan with apps such as Anki and Duolingo and 30 minutes of speaking practice."
            .to_string(),
        "Identify the patterns shared by successful adult learners, compared with children.".to_string(),
    ];
    assert_eq!(check.check_all(&tasks, &["Echo", "Pixel"]), vec![None, None]);
}

#[test]
fn short_tasks_give_nothing_to_compare_with() {
    // "Q?" has no word to share: only the clear signs count.
    let check = check_for("Q?");
    assert_eq!(check.check("Something entirely different about trains", &[]), None);
    assert_eq!(check.check("task_1", &[]), Some(Rejection::Placeholder));
}

#[test]
fn a_part_named_in_two_words_is_too_short_to_call_off_topic() {
    let check = check_for("Why is the sky blue?");
    assert_eq!(check.check("the technical half", &[]), None);
    assert_eq!(check.check("the human half", &[]), None);
    assert_eq!(check.check("The weather in Paris was mild today", &[]), Some(Rejection::Unrelated));
}
