//! What a key can do. Actions are plain data: the keymap maps keys to them, the reducer performs
//! them, and tests replay them.

use serde::Deserialize;

/// Where a key is pressed: each context has its own bindings, and `global` applies everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    /// Typing in the prompt box.
    Prompt,
    /// A pane of the tree (or the answer panel) has focus.
    Panes,
    /// The zoom view of one node.
    Zoom,
    /// The message-flow view of the run.
    Flow,
    /// The help overlay.
    Help,
    /// The messages log.
    Messages,
    /// The server health panel.
    Health,
    /// The Lab tab's scoreboard and vote queue.
    Lab,
    /// Typing a prompt to compare in the Lab tab.
    LabAsk,
    /// The blind vote screen.
    Vote,
    /// Typing the reason for a vote.
    VoteReason,
    /// The History tab's list of past runs.
    History,
    /// Typing in the History tab's search box.
    HistorySearch,
    /// The Run tab showing a past run (checked before the panes' keys).
    PastRun,
    /// A yes/no question (deleting a run).
    Confirm,
    /// The Prompts tab's tree of members.
    PromptsTree,
    /// A field of the Prompts tab's form.
    PromptsField,
    /// A dialog of the Prompts tab.
    PromptsDialog,
    /// The welcome (first start, or from the help).
    Welcome,
}

impl Context {
    pub const ALL: &'static [Context] = &[
        Context::Prompt,
        Context::Panes,
        Context::Zoom,
        Context::Flow,
        Context::Health,
        Context::Help,
        Context::Messages,
        Context::Global,
        Context::Lab,
        Context::LabAsk,
        Context::Vote,
        Context::VoteReason,
        Context::History,
        Context::HistorySearch,
        Context::PastRun,
        Context::Confirm,
        Context::PromptsTree,
        Context::PromptsField,
        Context::PromptsDialog,
        Context::Welcome,
    ];

    /// The name shown in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Prompt => "Prompt box",
            Context::Panes => "Panes",
            Context::Zoom => "Zoom view",
            Context::Flow => "Message flow",
            Context::Help => "This help",
            Context::Messages => "Messages log",
            Context::Health => "Server check panel",
            Context::Lab => "Lab tab",
            Context::LabAsk => "Lab tab: the prompt to compare",
            Context::Vote => "Blind vote",
            Context::VoteReason => "Blind vote: typing the reason",
            Context::History => "History list",
            Context::HistorySearch => "History search box",
            Context::PastRun => "A past run in the Run tab",
            Context::Confirm => "Question (delete a run)",
            Context::PromptsTree => "Prompts tab: the members",
            Context::PromptsField => "Prompts tab: editing a field",
            Context::PromptsDialog => "Prompts tab: dialogs",
            Context::Welcome => "Welcome",
        }
    }
}

impl Action {
    /// What the action does in `context`, for help: a few actions mean something more precise
    /// in some places (Tab moves between fields in a form, not between panes).
    pub fn describe_in(self, context: Context) -> &'static str {
        match (self, context) {
            (Action::Move(Move::FocusNext), Context::PromptsField) => "Go to the next field",
            (Action::Move(Move::FocusPrev), Context::PromptsField) => "Go to the previous field",
            (Action::Move(Move::FocusNext), Context::Zoom) => "Zoom into the next node",
            (Action::Move(Move::FocusPrev), Context::Zoom) => "Zoom into the previous node",
            (Action::Run(Run::Zoom), Context::Flow) => {
                "Open the selected message: exactly what its call sent, and what came back"
            }
            (Action::Run(Run::Flow), Context::Flow) => "Close the flow view",
            (Action::App(App::Close), Context::Flow) => "Close the opened message, else the flow view",
            (Action::Move(Move::SelectPrev), Context::Flow) => "Select the previous message (or scroll up)",
            (Action::Move(Move::SelectNext), Context::Flow) => "Select the next message (or scroll down)",
            (Action::Run(Run::Copy), Context::Flow) => "Copy the messages (or the opened one) as text",
            (Action::Move(Move::FocusNext), Context::Prompt) => {
                "Leave the prompt box for the panes (the next pane)"
            }
            (Action::Move(Move::FocusPrev), Context::Prompt) => {
                "Leave the prompt box for the panes (the last one)"
            }
            (Action::Move(Move::PageUp), Context::Prompt) => {
                "Scroll the answer (or the first pane) up a page"
            }
            (Action::Move(Move::PageDown), Context::Prompt) => {
                "Scroll the answer (or the first pane) down a page"
            }
            (Action::Prompts(Prompts::Choose), Context::PromptsField) => {
                "In a prompt: a new line; on an on/off field: switch it; on the model: pick a served one"
            }
            (Action::Prompts(Prompts::Choose), Context::PromptsDialog) => {
                "Choose the selected entry or button"
            }
            (Action::Prompts(Prompts::Choose), Context::Welcome) => "Go where the selected choice says",
            (Action::App(App::UseDemo), Context::Welcome) => "Demo: try ailab with scripted answers",
            (Action::App(App::Health), Context::Welcome) => "Server: check that your server answers",
            (Action::Move(Move::SelectPrev), Context::Welcome) => "Select the previous choice",
            (Action::Move(Move::SelectNext), Context::Welcome) => "Select the next choice",
            (Action::App(App::Quit), _) => "Quit ailab (while a run is in flight, press it twice)",
            (action, _) => action.describe(),
        }
    }
}

/// Something the user can ask for with a key: an action of the whole app, a move, or an action of
/// one tab. Each tab's reducer matches its own enum, so which actions a tab knows is plain to see
/// and checked by the compiler; the keymap names every action by its key in `keymap.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    App(App),
    Move(Move),
    Run(Run),
    History(History),
    Lab(Lab),
    Prompts(Prompts),
}

/// Anywhere: quitting, help, themes, tabs, the server panel, the messages log, closing a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum App {
    Interrupt,
    Quit,
    Help,
    Close,
    CycleTheme,
    Retry,
    UseDemo,
    AssignModel,
    Health,
    Messages,
    Welcome,
    ChooseModels,
    NextTab,
    PrevTab,
    LabTab,
    Tab1,
    Tab2,
    Tab3,
    Tab4,
    PromptsTab,
    RunTab,
}

/// Moving and scrolling: what moves depends on where the keys are (panes, a list, a form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    FocusNext,
    FocusPrev,
    FocusUp,
    FocusDown,
    FocusLeft,
    FocusRight,
    FocusPrompt,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,
    SelectPrev,
    SelectNext,
}

/// The Run tab: the prompt box, the panes, the zoom view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Run {
    Send,
    NewConversation,
    AskMember,
    SendUp,
    Newline,
    HistoryPrev,
    HistoryNext,
    CancelOrBack,
    Zoom,
    Copy,
    Flow,
    Fold,
}

/// The History tab and a past run shown in the Run tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum History {
    Open,
    Replay,
    ReplayFaster,
    ReplayStop,
    BackToLive,
    Rerun,
    Continue,
    DeleteConversation,
    Threads,
    ExportMarkdown,
    ExportJson,
    CopyAnswer,
    Delete,
    ToggleLabRuns,
    Search,
    FocusList,
    Confirm,
    Keep,
    ClearSearch,
}

/// The Lab tab: comparing and the blind vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lab {
    Compare,
    Vote,
    VoteA,
    VoteB,
    VoteTie,
    VoteBothBad,
    VoteReason,
    VoteSkip,
    Refresh,
    OtherVersion,
}

/// The Prompts tab: editing the members and saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prompts {
    EditFields,
    ToTree,
    Save,
    Revert,
    ResetNode,
    AddChild,
    RemoveNode,
    Rename,
    ChangeId,
    MoveNode,
    ShiftUp,
    ShiftDown,
    CompareVersions,
    Presets,
    ExternalEditor,
    Undo,
    Redo,
    Choose,
}

/// The table of every action: its group, its name in `keymap.toml`, and what help says it does.
/// The order is the order help lists them in.
macro_rules! actions {
    ($($group:ident :: $variant:ident => $key:ident : $doc:literal,)*) => {
        impl Action {
            /// Every action, in the order help lists them.
            pub const ALL: &'static [Action] = &[$(Action::$group($group::$variant),)*];

            /// The action's name in `keymap.toml`.
            pub fn key(self) -> &'static str {
                match self {
                    $(Action::$group($group::$variant) => stringify!($key),)*
                }
            }

            /// What it does, for the help overlay.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Action::$group($group::$variant) => $doc,)*
                }
            }

            /// The action named `name` in a keymap file.
            pub fn from_key(name: &str) -> Option<Action> {
                match name {
                    $(stringify!($key) => Some(Action::$group($group::$variant)),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    Run::Send => send: "Send the prompt to the team (after a run: a follow-up to it)",
    Run::NewConversation => new_conversation: "Start a new conversation: the next prompt starts afresh",
    Run::AskMember => ask_member: "Ask the focused member alone about its part (its reply streams into its pane)",
    Run::SendUp => send_up: "Send the member's new reply up: its ancestors synthesize again, to a new final answer",
    Run::Newline => newline: "Insert a new line in the prompt",
    Run::HistoryPrev => history_prev: "Recall the previous prompt (on the first line)",
    Run::HistoryNext => history_next: "Recall the next prompt (on the last line)",
    App::Interrupt => interrupt: "Cancel the run in flight; press again to quit",
    Run::CancelOrBack => cancel_or_back: "Cancel the run in flight, else go back",
    App::Quit => quit: "Quit ailab",
    Move::FocusNext => focus_next: "Focus the next pane",
    Move::FocusPrev => focus_prev: "Focus the previous pane",
    Move::FocusUp => focus_up: "Focus the pane above (the parent)",
    Move::FocusDown => focus_down: "Focus the pane below (a child)",
    Move::FocusLeft => focus_left: "Focus the pane to the left",
    Move::FocusRight => focus_right: "Focus the pane to the right",
    Move::FocusPrompt => focus_prompt: "Go to the prompt box",
    Move::ScrollUp => scroll_up: "Scroll up a line",
    Move::ScrollDown => scroll_down: "Scroll down a line",
    Move::PageUp => page_up: "Scroll up a page",
    Move::PageDown => page_down: "Scroll down a page (back at the bottom, it follows new text)",
    Move::ScrollTop => scroll_top: "Scroll to the top",
    Move::ScrollBottom => scroll_bottom: "Scroll to the bottom and follow new text",
    Run::Zoom => zoom: "Zoom into the focused node: task, every phase, messages, timeline",
    Run::Copy => copy: "Copy the focused pane's text to the clipboard",
    Run::Flow => flow: "Show the message flow: every message of the run in order, who sent it to whom, when",
    Run::Fold => fold: "Fold the finished section at the top of the focused pane to its header row, or unfold it",
    App::Help => help: "Show or hide this help",
    App::Close => close: "Close this view",
    App::CycleTheme => cycle_theme: "Switch to the next colour theme (kept for next time)",
    App::Retry => retry: "Check the server again",
    App::UseDemo => use_demo: "Switch to the offline demo",
    App::AssignModel => assign_model: "Give the selected served model to every node that lacks one",
    Move::SelectPrev => select_prev: "Select the previous item",
    Move::SelectNext => select_next: "Select the next item",
    App::Health => health: "Show the server check panel",
    App::Messages => messages: "Show the last messages in full (newest at the bottom)",
    App::Welcome => welcome: "Show the welcome: the team in one picture, and where to start",
    App::ChooseModels => choose_models: "Choose the model a member (or every member) uses, from the server's list; saved at once",
    App::NextTab => next_tab: "Show the next tab",
    App::PrevTab => prev_tab: "Show the previous tab",
    App::LabTab => lab_tab: "Show the Lab tab (from it, back to the Run tab)",
    Lab::Compare => compare: "Compare the tree with solo and compute on the prompt in the box (asks if empty)",
    Lab::Vote => vote: "Vote blind on the selected pair (after a vote: the next pair)",
    Lab::VoteA => vote_a: "Vote: answer A is better",
    Lab::VoteB => vote_b: "Vote: answer B is better",
    Lab::VoteTie => vote_tie: "Vote: a tie",
    Lab::VoteBothBad => vote_both_bad: "Vote: both answers are bad",
    Lab::VoteReason => vote_reason: "Write a one-line reason for the vote (optional)",
    Lab::VoteSkip => vote_skip: "Skip this pair for now (it stays in the queue)",
    Lab::Refresh => refresh: "Read the scoreboard and the queue from the record again",
    Lab::OtherVersion => other_version: "Show the scores of another version of the organization (they are never mixed)",
    App::Tab1 => tab_1: "Go to the first tab (Run)",
    App::Tab2 => tab_2: "Go to the second tab (History)",
    App::Tab3 => tab_3: "Go to the third tab (Prompts)",
    App::Tab4 => tab_4: "Go to the fourth tab (Lab)",
    History::Open => open: "Open the selected run in the Run tab, as it ended",
    History::Replay => replay: "Replay the run at its recorded pace (again: from the start)",
    History::ReplayFaster => replay_faster: "Replay faster: 1×, 4×, 16×",
    History::ReplayStop => replay_stop: "Stop the replay and show the run as it ended",
    History::BackToLive => back_to_live: "Leave the past run and show the live view",
    History::Rerun => rerun: "Run the same prompt again with the current prompts",
    History::DeleteConversation => delete_conversation: "Delete the selected run's whole conversation, every turn (asks first)",
    History::Threads => threads: "Show the conversations, one line each (again: back to the runs)",
    History::Continue => continue: "Continue this run's conversation in the Run tab: the next prompt is a follow-up",
    History::ExportMarkdown => export_markdown: "Export the run as Markdown (file in the current folder)",
    History::ExportJson => export_json: "Export the run as JSON with everything recorded (file in the current folder)",
    History::CopyAnswer => copy_answer: "Copy the run's final answer to the clipboard",
    History::Delete => delete: "Delete the selected run (asks first)",
    History::ToggleLabRuns => toggle_lab_runs: "Show or hide the lab's runs (comparison arms and judges) in the list",
    History::Search => search: "Search past runs: prompts and answers",
    History::FocusList => focus_list: "Go to the list of runs",
    History::Confirm => confirm: "Yes, do it",
    History::Keep => keep: "No, keep it",
    History::ClearSearch => clear_search: "Clear the search (with none, go back to the Run tab)",
    App::PromptsTab => prompts_tab: "Show the Prompts tab (from it, back to the Run tab)",
    App::RunTab => run_tab: "Back to the Run tab",
    Prompts::EditFields => edit_fields: "Edit the selected member's fields",
    Prompts::ToTree => to_tree: "Back to the list of members",
    Prompts::Save => save: "Save the prompts to your hierarchy.toml (the next run uses them)",
    Prompts::Revert => revert: "Discard every unsaved edit",
    Prompts::ResetNode => reset_node: "Reset the selected member: ailab's shipped prompts and settings, or [defaults] for a member ailab does not ship",
    Prompts::AddChild => add_child: "Add a member under the selected one",
    Prompts::RemoveNode => remove_node: "Remove the selected member and everyone under it",
    Prompts::Rename => rename: "Rename the selected member",
    Prompts::ChangeId => change_id: "Change the selected member's id",
    Prompts::MoveNode => move_node: "Move the selected member under another one",
    Prompts::ShiftUp => shift_up: "Move the selected member before its previous sibling",
    Prompts::ShiftDown => shift_down: "Move the selected member after its next sibling",
    Prompts::CompareVersions => compare_versions: "Compare the prompts with the ones a past run used",
    Prompts::Presets => presets: "Choose a shipped organization (lean, seed, flat, duo) and write it to your hierarchy.toml",
    Prompts::ExternalEditor => external_editor: "Edit this field in your $EDITOR",
    Prompts::Undo => undo: "Undo the last change to this field",
    Prompts::Redo => redo: "Redo what was undone",
    Prompts::Choose => choose: "Choose: a served model, on/off, the selected entry (in a prompt: new line)",
}
