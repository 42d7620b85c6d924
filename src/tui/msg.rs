//! The one inbound message enum, and the effects the reducer asks the shell to perform.
//! Everything that happens to the UI arrives as a [`Msg`]; everything the UI wants done in the
//! world leaves as an [`Effect`]. Nothing else crosses between the loop and the tasks.

pub mod history;
pub mod lab;

use crossterm::event::{KeyEvent, MouseEvent};

use super::state::health::HealthReport;
use crate::engine::{Conversation, RunEvent, RunId, RunSummary};
pub use history::{HistoryEffect, HistoryMsg};
pub use lab::{LabEffect, LabMsg};

mod engine;
mod prompts;
pub use engine::EngineInfo;
pub use prompts::{OpenedFile, PresetWritten, PromptsEffect, PromptsMsg, SaveOutcome};

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// An event of the engine's one stream.
    Engine(RunEvent),
    /// The shell started a run with this id (before any of its events).
    RunLaunched {
        run_id: RunId,
    },
    /// The run's task ended: its summary, or the panic that killed it.
    RunTaskEnded {
        run_id: RunId,
        outcome: Result<RunSummary, String>,
    },
    /// The result of a server check.
    Health(HealthReport),
    /// How a copy went.
    Copied(CopyOutcome),
    /// Something the shell has to tell the user (a setting it could not save).
    Notify {
        text: String,
        level: super::state::Level,
    },
    /// The clock moved (for spinners, tok/s and elapsed times).
    Tick {
        now_ms: i64,
    },
    /// SIGTERM, SIGHUP or SIGINT: leave cleanly.
    Signal(&'static str),
    /// The next run's engine was rebuilt (demo mode, models reassigned, prompts reloaded), or
    /// why it could not be (runs keep the previous one).
    EngineReplaced(Result<EngineInfo, String>),
    /// Something for the Lab tab (the record's scores, a comparison's progress, a vote stored).
    Lab(LabMsg),
    /// The record answered (History tab, prompt history, notices).
    History(HistoryMsg),
    /// Something for the Prompts tab (file opened or saved, editor closed, record answers).
    Prompts(PromptsMsg),
}

/// What became of a copy request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The system clipboard took it.
    Clipboard { chars: usize },
    /// There is no system clipboard here (`reason`): the text should go out as OSC 52.
    NoClipboard { text: String, reason: String },
}

/// Something the reducer wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run `prompt` as the next turn of `conversation` (a new one when it has no turns).
    StartRun {
        prompt: String,
        conversation: Conversation,
    },
    /// Ask one member alone, as the next turn of `conversation` (an expansion).
    Expand {
        member: String,
        question: String,
        conversation: Conversation,
    },
    /// Send the conversation's latest turn, an expansion, up the tree.
    SendUp {
        conversation: Conversation,
    },
    CancelRun,
    /// Check the server again; `deep` also sends each model a test message (F2).
    CheckHealth {
        deep: bool,
    },
    /// Put text on the system clipboard (answered by `Msg::Copied`).
    Copy {
        text: String,
    },
    /// Ask the terminal to set its clipboard (OSC 52), written between frames.
    Osc52 {
        text: String,
    },
    UseDemo,
    /// Give `model` to the nodes named (for this session).
    AssignModel {
        model: String,
        nodes: Vec<String>,
    },
    Quit,
    /// Remember this theme for the next session.
    SaveTheme {
        name: String,
    },
    /// Remember that the welcome was shown, so the next start goes straight to work.
    RememberWelcome,
    /// Something the Lab tab needs done (read the scores, run a comparison, store a vote).
    Lab(LabEffect),
    /// A query or change for the record.
    History(HistoryEffect),
    /// Something the Prompts tab needs done (open, save, `$EDITOR`, record queries).
    Prompts(PromptsEffect),
}
