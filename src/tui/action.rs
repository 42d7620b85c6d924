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
    /// The server health panel.
    Health,
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
        Context::Global,
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
            Context::Health => "Server check panel",
            Context::PromptsTree => "Prompts tab: the members",
            Context::PromptsField => "Prompts tab: editing a field",
            Context::PromptsDialog => "Prompts tab: dialogs",
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
    CycleTheme => cycle_theme: "Switch to the next colour theme",
    Retry => retry: "Check the server again",
    UseDemo => use_demo: "Switch to the offline demo",
    AssignModel => assign_model: "Give the selected served model to every node that lacks one",
    SelectPrev => select_prev: "Select the previous item",
    SelectNext => select_next: "Select the next item",
    Health => health: "Show the server check panel",
    NextTab => next_tab: "Show the next tab",
    PrevTab => prev_tab: "Show the previous tab",
    PromptsTab => prompts_tab: "Show the Prompts tab (from it, back to the Run tab)",
    RunTab => run_tab: "Back to the Run tab",
    EditFields => edit_fields: "Edit the selected member's fields",
    ToTree => to_tree: "Back to the list of members",
    Save => save: "Save the prompts to your hierarchy.toml (the next run uses them)",
    Revert => revert: "Discard every unsaved edit",
    ResetNode => reset_node: "Give the selected member ailab's shipped prompts and settings",
    AddChild => add_child: "Add a member under the selected one",
    RemoveNode => remove_node: "Remove the selected member and everyone under it",
    Rename => rename: "Rename the selected member",
    ChangeId => change_id: "Change the selected member's id",
    MoveNode => move_node: "Move the selected member under another one",
    ShiftUp => shift_up: "Move the selected member before its previous sibling",
    ShiftDown => shift_down: "Move the selected member after its next sibling",
    Compare => compare: "Compare the prompts with the ones a past run used",
    ExternalEditor => external_editor: "Edit this field in your $EDITOR",
    Undo => undo: "Undo the last change to this field",
    Redo => redo: "Redo what was undone",
    Choose => choose: "Choose: a served model, on/off, the selected entry (in a prompt: new line)",
}
