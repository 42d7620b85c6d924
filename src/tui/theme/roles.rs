//! The style roles a theme names. Views ask for a role (`Role::NodeAnswering`), never a colour.
//! One macro keeps the enum, its file names and the theme file's schema in step.

use serde::Deserialize;

use super::spec::StyleSpec;

macro_rules! roles {
    ($($variant:ident => $key:ident : $doc:literal,)*) => {
        /// A named place in the interface that a theme gives a style to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Role {
            $(#[doc = $doc] $variant,)*
        }

        impl Role {
            /// Every role, in theme-file order.
            pub const ALL: &'static [Role] = &[$(Role::$variant,)*];

            /// The role's key in a theme file.
            pub fn key(self) -> &'static str {
                match self {
                    $(Role::$variant => stringify!($key),)*
                }
            }
        }

        /// The `[roles]` table of a theme file: every role optional, unknown keys rejected.
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct RoleTable {
            $(#[serde(default)] pub $key: Option<StyleSpec>,)*
        }

        impl RoleTable {
            /// The roles this table sets, with their styles.
            pub fn entries(&self) -> Vec<(Role, &StyleSpec)> {
                let mut out = Vec::new();
                $(if let Some(spec) = &self.$key { out.push((Role::$variant, spec)); })*
                out
            }
        }
    };
}

roles! {
    Background => background: "The screen behind everything (a light theme paints it; \"reset\" keeps the terminal's).",
    Text => text: "Body text.",
    Dim => dim: "Secondary text: hints, idle panes, labels.",
    Title => title: "Pane titles (node names).",
    Accent => accent: "Highlights: the app name, selected items.",
    Border => border: "Pane borders.",
    BorderFocused => border_focused: "The focused pane's border.",
    TabActive => tab_active: "The selected tab.",
    TabInactive => tab_inactive: "Other tabs.",
    StatusBar => status_bar: "The status bar's background and text.",
    StatusOk => status_ok: "Healthy server, models present.",
    StatusWarn => status_warn: "Something to look at (missing models, degraded run).",
    StatusError => status_error: "Unreachable server, failed run.",
    Notice => notice: "Transient messages in the status bar.",
    NoticeWarn => notice_warn: "A warning in the messages log and the message box above the status bar.",
    NoticeError => notice_error: "An error in the messages log and the message box above the status bar.",
    KeyHint => key_hint: "Keys named in hints and the help overlay.",
    Selection => selection: "The selected row in lists.",
    Overlay => overlay: "Overlay (help, health, zoom) borders and titles.",
    NodeIdle => node_idle: "A node before any run.",
    NodeWaiting => node_waiting: "A node waiting for its turn.",
    NodeSplitting => node_splitting: "A parent dividing its task.",
    NodeDelegated => node_delegated: "A parent waiting for its children.",
    NodeAnswering => node_answering: "A leaf writing its answer.",
    NodeReflecting => node_reflecting: "A node critiquing its own draft.",
    NodeCritiquing => node_critiquing: "A parent reviewing its children's replies.",
    NodeRevising => node_revising: "A node rewriting after a critique.",
    NodeSynthesizing => node_synthesizing: "A parent combining replies.",
    NodeDone => node_done: "A node that has answered.",
    NodeFailed => node_failed: "A node that gave up, and error text.",
    NodeCancelled => node_cancelled: "A node stopped by a cancel.",
    FlowDown => flow_down: "Connectors carrying a task down to a working child.",
    FlowUp => flow_up: "Connectors carrying a reply up to the parent.",
    FlowIdle => flow_idle: "Connectors at rest.",
    Reasoning => reasoning: "A model's reasoning (thinking) text.",
    Heading => heading: "Markdown headings.",
    Emphasis => emphasis: "Markdown *emphasis*.",
    Strong => strong: "Markdown **strong** text.",
    Code => code: "Inline `code`.",
    CodeBlock => code_block: "Plain text inside code blocks.",
    CodeKeyword => code_keyword: "Keywords in code blocks.",
    CodeString => code_string: "String literals in code blocks.",
    CodeComment => code_comment: "Comments in code blocks.",
    CodeNumber => code_number: "Numbers in code blocks.",
    Quote => quote: "Block quotes.",
    ListMarker => list_marker: "List bullets and numbers.",
    Link => link: "Links.",
    Rule => rule: "Horizontal rules and section lines.",
    AnswerBorder => answer_border: "The final answer panel's border.",
    AnswerTitle => answer_title: "The final answer panel's title.",
    Metrics => metrics: "Token counts, speeds and times.",
    Unsaved => unsaved: "Prompts tab: the marker of unsaved edits.",
    Problem => problem: "Prompts tab: a field the engine would refuse, and why.",
    DiffAdded => diff_added: "Lines and values a newer version added.",
    DiffRemoved => diff_removed: "Lines and values a newer version removed.",
}
