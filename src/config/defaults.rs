//! Built-in values for whatever neither a node nor `[defaults]` sets, so that a file with only
//! ids, names and children is a working tree. The templates equal the `[defaults.prompts]` of the
//! repository's `hierarchy.toml` (a test keeps the two the same).

/// Sampling temperature.
pub const TEMPERATURE: f32 = 0.7;
/// Nucleus sampling share.
pub const TOP_P: f32 = 0.95;
/// Completion budget per call.
pub const MAX_TOKENS: u32 = 512;
/// Phi-3.1 mini's context window.
pub const CONTEXT_TOKENS: u32 = 4096;
/// Copies of a repeated unit (the first included) that make a loop the loop guard stops.
pub const LOOP_GUARD_REPEATS: u32 = 3;
/// What `loop_guard_repeats` may be: 2 stops at the first repeat; past 20 the guard saves little.
pub const LOOP_GUARD_REPEATS_RANGE: std::ops::RangeInclusive<i64> = 2..=20;
/// Role of a node with children that does not describe itself.
pub const PARENT_ROLE: &str = "coordinator";
/// Role of a leaf that does not describe itself.
pub const LEAF_ROLE: &str = "specialist";

/// System prompt for a node without one; `{name}` and `{role}` are filled in at load.
pub const SYSTEM: &str = "You are {name}, the {role} of a small team of AI assistants that answer a user's \
question together. You are clear, concrete and honest: you stay on your task and say when you are unsure.";

/// Parent: one sub-task per child, as a JSON array.
pub const SPLIT: &str = r#"
You lead a small team. Divide the task below into exactly {count} sub-tasks, one per team member.

Task:
{task}

The user's original question, for context:
{query}

Your team, in order:
{children}

Rules:
- Exactly {count} sub-tasks, in the same order as the team list.
- Each sub-task fits that member's role and is one or two sentences they can answer alone.
- Together the sub-tasks cover the whole task without repeating each other.

Reply with only a JSON array of {count} strings, one sub-task per team member in team order,
and no other text.
"#;

/// Leaf: answer the sub-task.
pub const ANSWER: &str = r#"
Your sub-task:
{task}

The user's original question, for context:
{query}

Answer your sub-task as the team's {role}.
- Stay on your sub-task; teammates cover the rest of the question.
- Be concrete: facts, steps, examples. No filler, no greetings.
- If you are unsure of something, say so in one short sentence.
- Length: 150 to 250 words. Plain text; short paragraphs or a short list.
"#;

/// Parent: combine the children's replies.
pub const SYNTHESIZE: &str = r#"
Your task:
{task}

The user's original question, for context:
{query}

Your team's replies:
{replies}

Combine these replies into one answer to your task:
1. Keep the strongest points of each reply and drop repetition.
2. Where replies disagree, decide which is right and say why in one sentence.
3. Add one insight of your own, as the team's {role}, that the replies missed.
4. If a reply is marked as missing or failed, name that branch and say what is not covered.
Length: 250 to 350 words. Write one coherent answer, not a summary of who said what.
"#;

/// Reflection: critique one's own draft.
pub const REFLECT: &str = r#"
Task:
{task}

Your draft:
{draft}

Review this draft as a strict critic. List its 2 to 4 most important problems: factual errors,
gaps, unclear parts, or anything off-task. Be specific. Do not rewrite the draft.
Length: at most 120 words.
"#;

/// Rewrite a draft given a critique (after reflect or a parent's critique).
pub const REVISE: &str = r#"
Task:
{task}

Your draft:
{draft}

Critique of the draft:
{critique}

Rewrite the draft so it fixes the problems named in the critique and keeps what was good.
Reply with only the improved answer, no longer than the draft.
"#;

/// Parent reviewing a child's reply.
pub const CRITIQUE: &str = r#"
You gave {child} this sub-task:
{child_task}

{child}'s reply:
{reply}

Review the reply as {child}'s lead. Name the most important things to fix: errors, missing
points, or drifting away from the sub-task. If the reply is already good, reply only
"No changes needed."
Length: at most 100 words.
"#;
