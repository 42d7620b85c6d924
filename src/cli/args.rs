//! Command-line arguments (clap). Every option that names a file or URL also has an env var.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A terminal lab for running a team of local language models as an organization.
///
/// With no command, opens the live view. LM Studio (or llama.cpp, Ollama, vLLM) must be serving
/// on the base URL, or use --demo for an offline first look.
// `--version` names the commit it was built from, when it was built from git (see build.rs).
#[derive(Debug, Parser)]
#[command(name = "ailab", version = env!("AILAB_VERSION"), about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command understands.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The hierarchy file to use (default: the one in your config dir, else the built-in tree).
    #[arg(long, global = true, env = "AILAB_HIERARCHY", value_name = "FILE")]
    pub hierarchy: Option<PathBuf>,
    /// Run with a shipped organization instead of a hierarchy file; no file is read or written.
    /// `ailab presets` lists them (lean, seed, flat, duo) with what each is for.
    #[arg(long, global = true, value_name = "NAME")]
    pub preset: Option<String>,
    /// The server's OpenAI-compatible base URL (overrides [server].base_url).
    #[arg(long, global = true, env = "AILAB_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Use the scripted offline demo instead of a real server (a first look, not real answers).
    #[arg(long, global = true)]
    pub demo: bool,
    /// The SQLite record to use (default: ailab.db in your data dir).
    #[arg(long, global = true, env = "AILAB_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Do not record runs in the database.
    #[arg(long, global = true)]
    pub no_record: bool,
    /// The lab's judge model, ideally not the one under test (default: the root's model).
    #[arg(long, global = true, env = "AILAB_JUDGE", value_name = "MODEL")]
    pub judge: Option<String>,
    /// Colour theme for the live view (dark, light, high-contrast, or one of your own).
    #[arg(long, global = true, env = "AILAB_THEME", value_name = "NAME")]
    pub theme: Option<String>,
}

impl GlobalArgs {
    /// The options as the session resolves them.
    pub fn asked(&self) -> crate::session::Asked {
        crate::session::Asked {
            hierarchy: self.hierarchy.clone(),
            preset: self.preset.clone(),
            base_url: self.base_url.clone(),
            demo: self.demo,
            db: self.db.clone(),
            no_record: self.no_record,
            judge: self.judge.clone(),
            theme: self.theme.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one prompt through the tree without the live view; the answer goes to stdout.
    Ask(AskArgs),
    /// Check the server: is it reachable, which models does it serve, does every node have its model?
    Check(CheckArgs),
    /// Browse, search, export and delete recorded runs.
    #[command(subcommand)]
    History(HistoryCommand),
    /// The experiment: run each prompt through the tree, its members' own answers, one model alone
    /// and the same compute spent another way (or another organization: --arms tree,tree@seed);
    /// judge the tree against each blind in both orders, and print the scoreboard and the verdict
    /// in plain words.
    Eval(EvalArgs),
    /// The shipped organizations: each one's name, calls per question and what it is for. Run one
    /// with --preset NAME, or write one to your hierarchy.toml from the Prompts tab (F3, then p).
    Presets,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Also send each model a test message of a few tokens: a server can list a model that does
    /// not answer (LM Studio, when it failed to load or was unloaded).
    #[arg(long)]
    pub deep: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The prompts: TOML (`[[prompt]]` with `category` and `text`, like lab/prompts.toml), plain
    /// text (prompts separated by blank lines, `## category` headings), or MT-Bench's question file
    /// as FastChat ships it (`question.jsonl`: a second turn is asked as a follow-up and judged on
    /// its own).
    pub prompts_file: PathBuf,
    /// MT-Bench's reference answers (FastChat's answer format: `question_id`, `choices[0].turns`),
    /// joined to the questions by id: the judge grades each turn against its reference.
    #[arg(long, value_name = "FILE.jsonl")]
    pub references: Option<PathBuf>,
    /// Also judge each parent of the tree's runs against its children's replies joined, on its own
    /// task, in both orders: the value each level adds ("Nova: better than its parts in 6 of 10").
    #[arg(long)]
    pub levels: bool,
    /// Which arms to compare: tree (the organization), parts (its members' own answers, not
    /// combined: read out of the tree's run), solo (the root's model alone), compute (the tree's
    /// number of calls spent as drafts of one model, combined), and tree@PRESET or tree@FILE:
    /// another organization run whole on the same server, judged against the tree (e.g.
    /// --arms tree,tree@seed or --arms tree,solo,tree@./my-team.toml).
    #[arg(long, default_value = "tree,parts,solo,compute")]
    pub arms: String,
    /// Run every prompt this many times.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Only the first N prompts of the file.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print the scoreboard and every comparison as JSON.
    #[arg(long)]
    pub json: bool,
    /// Let a model under test judge its own team (weak evidence; every result says so). Without
    /// it, eval refuses such a judge before spending any calls: pass --judge MODEL instead.
    #[arg(long)]
    pub allow_self_judge: bool,
    /// Also write the results as a Markdown lab report (setup, scores, cost, the verdict in plain
    /// words, and what the numbers cannot say) to this file.
    #[arg(long, value_name = "FILE.md")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The prompt (read from stdin when absent).
    pub prompt: Option<String>,
    /// Ask a follow-up in a recorded conversation: every member reads the earlier turns. Give a
    /// run id (any turn of the conversation, or a unique prefix), or nothing (or `last`) for your
    /// latest run's conversation.
    #[arg(long = "continue", value_name = "RUN", num_args = 0..=1, default_missing_value = "last")]
    pub continue_from: Option<String>,
    /// Ask one member alone (its id or name), about its part of the conversation's latest turn
    /// it answered: it reads its task, its answer and, for a parent, its team's replies.
    #[arg(long, value_name = "MEMBER")]
    pub member: Option<String>,
    /// Have the team take the member's reply up: each ancestor synthesizes again with it, up to
    /// a new final answer. With --member, right after the member answers; alone, the
    /// conversation's latest expansion.
    #[arg(long)]
    pub send_up: bool,
    /// Print every event as a JSON line on stdout instead of progress and the answer.
    #[arg(long)]
    pub json: bool,
    /// No progress lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// The latest runs, newest first (or, with --conversations, the conversations).
    List {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// One line per conversation: what it began with, its turns, its latest activity.
        #[arg(long)]
        conversations: bool,
        #[arg(long)]
        json: bool,
    },
    /// One run with all its calls and their parent links.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Runs whose prompt or answers match a full-text search.
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Write a run to a file as Markdown or JSON.
    Export {
        id: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
        /// The whole conversation the run is a turn of: the dialogue, each turn's run folded below
        /// its answer (default file: ailab-conversation-<id>.<md|json>).
        #[arg(long)]
        conversation: bool,
        /// Output file (default: ailab-<id>.<md|json> in the current directory; `-` for stdout).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Delete a run and its calls (a turn that later turns build on: with --conversation).
    Delete {
        id: String,
        /// Delete the whole conversation the run is a turn of, every turn.
        #[arg(long)]
        conversation: bool,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
}
