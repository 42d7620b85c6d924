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
}

impl Context {
    pub const ALL: &'static [Context] = &[
        Context::Prompt,
        Context::Panes,
        Context::Zoom,
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
    ];

    /// The name shown in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Prompt => "Prompt box",
            Context::Panes => "Panes",
            Context::Zoom => "Zoom view",
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
        }
    }
}

impl Action {
    /// What the action does in `context`, for help: a few actions mean something more precise
    /// in some places (Tab moves between fields in a form, not between panes).
    pub fn describe_in(self, context: Context) -> &'static str {
        match (self, context) {
            (Action::FocusNext, Context::PromptsField) => "Go to the next field",
            (Action::FocusPrev, Context::PromptsField) => "Go to the previous field",
            (Action::FocusNext, Context::Zoom) => "Zoom into the next node",
            (Action::FocusPrev, Context::Zoom) => "Zoom into the previous node",
            (Action::FocusNext, Context::Prompt) => "Leave the prompt box for the panes (the next pane)",
            (Action::FocusPrev, Context::Prompt) => "Leave the prompt box for the panes (the last one)",
            (Action::PageUp, Context::Prompt) => "Scroll the answer (or the first pane) up a page",
            (Action::PageDown, Context::Prompt) => "Scroll the answer (or the first pane) down a page",
            (Action::Choose, Context::PromptsField) => {
                "In a prompt: a new line; on an on/off field: switch it; on the model: pick a served one"
            }
            (Action::Choose, Context::PromptsDialog) => "Choose the selected entry or button",
            (Action::Quit, _) => "Quit ailab (while a run is in flight, press it twice)",
            (action, _) => action.describe(),
        }
    }
}

macro_rules! actions {
    ($($variant:ident => $key:ident : $doc:literal,)*) => {
        /// Something the user can ask for with a key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $(#[doc = $doc] $variant,)*
        }

        impl Action {
            /// Every action, in the order help lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The action's name in `keymap.toml`.
            pub fn key(self) -> &'static str {
                match self {
                    $(Action::$variant => stringify!($key),)*
                }
            }

            /// What it does, for the help overlay.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Action::$variant => $doc,)*
                }
            }

            /// The action named `name` in a keymap file.
            pub fn from_key(name: &str) -> Option<Action> {
                match name {
                    $(stringify!($key) => Some(Action::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    Send => send: "Send the prompt to the team",
    Newline => newline: "Insert a new line in the prompt",
    HistoryPrev => history_prev: "Recall the previous prompt (on the first line)",
    HistoryNext => history_next: "Recall the next prompt (on the last line)",
    Interrupt => interrupt: "Cancel the run in flight; press again to quit",
    CancelOrBack => cancel_or_back: "Cancel the run in flight, else go back",
    Quit => quit: "Quit ailab",
    FocusNext => focus_next: "Focus the next pane",
    FocusPrev => focus_prev: "Focus the previous pane",
    FocusUp => focus_up: "Focus the pane above (the parent)",
    FocusDown => focus_down: "Focus the pane below (a child)",
    FocusLeft => focus_left: "Focus the pane to the left",
    FocusRight => focus_right: "Focus the pane to the right",
    FocusPrompt => focus_prompt: "Go to the prompt box",
    ScrollUp => scroll_up: "Scroll up a line",
    ScrollDown => scroll_down: "Scroll down a line",
    PageUp => page_up: "Scroll up a page",
    PageDown => page_down: "Scroll down a page (back at the bottom, it follows new text)",
    ScrollTop => scroll_top: "Scroll to the top",
    ScrollBottom => scroll_bottom: "Scroll to the bottom and follow new text",
    Zoom => zoom: "Zoom into the focused node: task, every phase, messages, timeline",
    Copy => copy: "Copy the focused pane's text to the clipboard",
    Help => help: "Show or hide this help",
    Close => close: "Close this view",
    CycleTheme => cycle_theme: "Switch to the next colour theme (kept for next time)",
    Retry => retry: "Check the server again",
    UseDemo => use_demo: "Switch to the offline demo",
    AssignModel => assign_model: "Give the selected served model to every node that lacks one",
    SelectPrev => select_prev: "Select the previous item",
    SelectNext => select_next: "Select the next item",
    Health => health: "Show the server check panel",
    Messages => messages: "Show the last messages in full (newest at the bottom)",
    NextTab => next_tab: "Show the next tab",
    PrevTab => prev_tab: "Show the previous tab",
    LabTab => lab_tab: "Show the Lab tab (from it, back to the Run tab)",
    Compare => compare: "Compare the tree with solo and compute on the prompt in the box (asks if empty)",
    Vote => vote: "Vote blind on the selected pair (after a vote: the next pair)",
    VoteA => vote_a: "Vote: answer A is better",
    VoteB => vote_b: "Vote: answer B is better",
    VoteTie => vote_tie: "Vote: a tie",
    VoteBothBad => vote_both_bad: "Vote: both answers are bad",
    VoteReason => vote_reason: "Write a one-line reason for the vote (optional)",
    VoteSkip => vote_skip: "Skip this pair for now (it stays in the queue)",
    Refresh => refresh: "Read the scoreboard and the queue from the record again",
    Tab1 => tab_1: "Go to the first tab (Run)",
    Tab2 => tab_2: "Go to the second tab (History)",
    Tab3 => tab_3: "Go to the third tab (Prompts)",
    Tab4 => tab_4: "Go to the fourth tab (Lab)",
    Open => open: "Open the selected run in the Run tab, as it ended",
    Replay => replay: "Replay the run at its recorded pace (again: from the start)",
    ReplayFaster => replay_faster: "Replay faster: 1×, 4×, 16×",
    ReplayStop => replay_stop: "Stop the replay and show the run as it ended",
    BackToLive => back_to_live: "Leave the past run and show the live view",
    Rerun => rerun: "Run the same prompt again with the current prompts",
    ExportMarkdown => export_markdown: "Export the run as Markdown (file in the current folder)",
    ExportJson => export_json: "Export the run as JSON with everything recorded (file in the current folder)",
    CopyAnswer => copy_answer: "Copy the run's final answer to the clipboard",
    Delete => delete: "Delete the selected run (asks first)",
    ToggleLabRuns => toggle_lab_runs: "Show or hide the lab's runs (comparison arms and judges) in the list",
    Search => search: "Search past runs: prompts and answers",
    FocusList => focus_list: "Go to the list of runs",
    Confirm => confirm: "Yes, do it",
    Keep => keep: "No, keep it",
    ClearSearch => clear_search: "Clear the search (with none, go back to the Run tab)",
    PromptsTab => prompts_tab: "Show the Prompts tab (from it, back to the Run tab)",
    RunTab => run_tab: "Back to the Run tab",
    EditFields => edit_fields: "Edit the selected member's fields",
    ToTree => to_tree: "Back to the list of members",
    Save => save: "Save the prompts to your hierarchy.toml (the next run uses them)",
    Revert => revert: "Discard every unsaved edit",
    ResetNode => reset_node: "Reset the selected member: ailab's shipped prompts and settings, or [defaults] for a member ailab does not ship",
    AddChild => add_child: "Add a member under the selected one",
    RemoveNode => remove_node: "Remove the selected member and everyone under it",
    Rename => rename: "Rename the selected member",
    ChangeId => change_id: "Change the selected member's id",
    MoveNode => move_node: "Move the selected member under another one",
    ShiftUp => shift_up: "Move the selected member before its previous sibling",
    ShiftDown => shift_down: "Move the selected member after its next sibling",
    CompareVersions => compare_versions: "Compare the prompts with the ones a past run used",
    ExternalEditor => external_editor: "Edit this field in your $EDITOR",
    Undo => undo: "Undo the last change to this field",
    Redo => redo: "Redo what was undone",
    Choose => choose: "Choose: a served model, on/off, the selected entry (in a prompt: new line)",
}
