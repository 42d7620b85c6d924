//! Where the Prompts tab's parts go, as a pure function of the state and the screen: the tree
//! of members on the left (above, on narrow screens), the selected member's form beside it,
//! one block per field. The reducer uses it for mouse hits and to keep the focused field in view.

use ratatui::layout::{Position, Rect};
use unicode_width::UnicodeWidthStr;

use super::form_rows as form;
use crate::config::edit::Field;
use crate::tui::screen::layout::inner;
use crate::tui::state::State;
use crate::tui::state::prompts::{FieldKind, kind_of};
use crate::tui::text::field_rows as textbox;

/// Width of the label column of one-line fields: the focus mark, the longest label ("Context
/// tokens"), the unsaved and problem marks (" ●", " ▲") and a space before the value.
pub const LABEL_WIDTH: u16 = 2 + 14 + 4 + 1;
/// Rows an unfocused prompt shows at most (the last says how many more lines there are).
pub const UNFOCUSED_ROWS: u16 = 6;
/// The form is wide enough for a column of placeholder meanings beside the focused prompt.
const SIDE_MIN_WIDTH: u16 = 90;
const SIDE_WIDTH: u16 = 34;
/// Prompt editors start under their label, past the focus mark.
const INDENT: u16 = 2;
/// Below this width the tree goes above the form.
const SIDE_BY_SIDE_MIN: u16 = 64;
/// Rows of the version and file summary under the tree.
pub const INFO_ROWS: u16 = 4;

/// The tab's regions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromptsLayout {
    /// Everything between the tab bar and the status bar.
    pub body: Rect,
    /// The tree's pane (bordered).
    pub tree: Rect,
    /// Visible tree rows: (index in the listed tree, row).
    pub tree_rows: Vec<(usize, Rect)>,
    /// The version and file summary, when there is room.
    pub info: Option<Rect>,
    /// The form's pane (bordered).
    pub form: Rect,
    /// The form's blocks on screen, from `top`.
    pub blocks: Vec<Block>,
    pub top: usize,
}

/// One field's place in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub field: Field,
    /// The whole block (clipped to the form).
    pub area: Rect,
    /// The label (a whole row for prompts, a column for one-line fields).
    pub label: Rect,
    /// Placeholder rows under a prompt's label (empty when they fit on the label row).
    pub placeholders: Rect,
    pub editor: Rect,
    /// The placeholders with their meanings, beside the focused prompt on wide screens.
    pub side: Option<Rect>,
    pub problems: Rect,
}

impl PromptsLayout {
    /// The tree row at a position, as an index in the listed tree.
    pub fn tree_row_at(&self, at: Position) -> Option<usize> {
        self.tree_rows.iter().find(|(_, r)| r.contains(at)).map(|(i, _)| *i)
    }

    /// The field whose block is at a position.
    pub fn field_at(&self, at: Position) -> Option<Field> {
        self.blocks.iter().find(|b| b.area.contains(at)).map(|b| b.field)
    }
}

/// The body of the tab on a screen of `area`: between the tab bar and the status bar.
pub fn body(area: Rect) -> Rect {
    Rect::new(area.x, area.y.saturating_add(1), area.width, area.height.saturating_sub(2))
}

/// Lays the tab out, with the form starting at the state's `form_top`.
pub fn compute(state: &State, area: Rect) -> PromptsLayout {
    let body = body(area);
    let rows = state.prompts.tree_rows();
    let (tree, form) = split(state, body, rows.len());
    let tree_inner = inner(tree);
    let info_room = tree_inner.height > rows.len() as u16 + INFO_ROWS;
    let list_h = if info_room { tree_inner.height - INFO_ROWS - 1 } else { tree_inner.height };
    let info = info_room
        .then(|| Rect::new(tree_inner.x, tree_inner.bottom() - INFO_ROWS, tree_inner.width, INFO_ROWS));
    let selected = rows.iter().position(|(id, _)| *id == state.prompts.selected).unwrap_or(0);
    let first = if selected >= list_h as usize { selected + 1 - list_h as usize } else { 0 };
    let tree_rows = (first..rows.len())
        .take(list_h as usize)
        .enumerate()
        .map(|(row, i)| (i, Rect::new(tree_inner.x, tree_inner.y + row as u16, tree_inner.width, 1)))
        .collect();
    let top = state.prompts.form_top.min(state.prompts.fields().len().saturating_sub(1));
    let blocks = blocks(state, inner(form), top);
    PromptsLayout { body, tree, tree_rows, info, form, blocks, top }
}

/// The tree's pane and the form's pane.
fn split(state: &State, body: Rect, rows: usize) -> (Rect, Rect) {
    let widest = state
        .prompts
        .draft()
        .map(|d| {
            let h = d.hierarchy();
            h.nodes.iter().map(|n| h.depth_of(&n.id).unwrap_or(0) * 3 + n.name.width()).max().unwrap_or(0)
        })
        .unwrap_or(0) as u16;
    if body.width >= SIDE_BY_SIDE_MIN {
        let least = if body.width >= 110 { 32 } else { 26 };
        let tree_w = (widest + 8).clamp(least, (body.width * 2 / 5).max(least));
        let tree = Rect::new(body.x, body.y, tree_w, body.height);
        let form = Rect::new(body.x + tree_w, body.y, body.width - tree_w, body.height);
        (tree, form)
    } else {
        let tree_h = (rows as u16 + 2).min((body.height / 3).max(3)).min(body.height);
        let tree = Rect::new(body.x, body.y, body.width, tree_h);
        let form = Rect::new(body.x, body.y + tree_h, body.width, body.height - tree_h);
        (tree, form)
    }
}

/// The rows each part of a field's block needs.
#[derive(Debug, Clone, Copy)]
struct Shape {
    placeholder_rows: u16,
    editor_rows: u16,
    side: bool,
    problem_rows: u16,
}

impl Shape {
    fn height(&self, field: Field) -> u16 {
        let label = u16::from(kind_of(field) == FieldKind::Text);
        label + self.placeholder_rows + self.editor_rows + self.problem_rows
    }
}

fn shape(state: &State, field: Field, width: u16, room: u16) -> Shape {
    let id = &state.prompts.selected;
    let focused = state.prompts.focused_field() == Some(field);
    let problem_rows = form::problem_rows(state, id, field, width as usize).len() as u16;
    let Field::Prompt(prompt) = field else {
        return Shape { placeholder_rows: 0, editor_rows: 1, side: false, problem_rows };
    };
    let side = focused && width >= SIDE_MIN_WIDTH;
    let placeholder_rows = if side {
        0
    } else {
        let label_w =
            form::label_parts(state, field).iter().map(|(t, _)| t.width()).sum::<usize>() as u16 + 2;
        let list = form::placeholder_rows(prompt, width.saturating_sub(label_w) as usize);
        if list.len() <= 1 {
            0
        } else {
            form::placeholder_rows(prompt, width.saturating_sub(INDENT) as usize).len() as u16
        }
    };
    let editor_w = if side {
        width.saturating_sub(SIDE_WIDTH + 1 + INDENT)
    } else {
        width.saturating_sub(INDENT)
    }
    .max(1) as usize;
    let text = state.prompts.editors.text(id, field).unwrap_or_default();
    let text_rows = textbox::row_count(&text, editor_w);
    let editor_rows = if focused {
        let side_rows = if side { form::side_rows(prompt, SIDE_WIDTH as usize).len() } else { 0 };
        let fixed = 1 + placeholder_rows + problem_rows;
        let most = room.saturating_sub(fixed).max(3);
        (text_rows as u16 + 1).max(6).max(side_rows as u16).min(most)
    } else {
        (text_rows as u16).clamp(1, UNFOCUSED_ROWS)
    };
    Shape { placeholder_rows, editor_rows, side, problem_rows }
}

/// The form's blocks from `top`, as many as fit (the last one clipped).
fn blocks(state: &State, area: Rect, top: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut y = area.y;
    for field in state.prompts.fields().into_iter().skip(top) {
        if y >= area.bottom() {
            break;
        }
        let s = shape(state, field, area.width, area.height);
        let full = Rect::new(area.x, y, area.width, s.height(field));
        let clip = |r: Rect| r.intersection(area);
        let block = if kind_of(field) == FieldKind::Text {
            let label = Rect::new(area.x, y, area.width, 1);
            let placeholders = Rect::new(
                area.x + INDENT.min(area.width),
                y + 1,
                area.width.saturating_sub(INDENT),
                s.placeholder_rows,
            );
            let editor_y = placeholders.bottom();
            // Editors sit under their label's text, past the focus mark.
            let x = area.x + INDENT.min(area.width);
            let (editor, side) = if s.side {
                let editor_w = area.width.saturating_sub(SIDE_WIDTH + 1 + INDENT);
                let side = Rect::new(x + editor_w + 1, editor_y, SIDE_WIDTH, s.editor_rows);
                (Rect::new(x, editor_y, editor_w, s.editor_rows), Some(clip(side)))
            } else {
                (Rect::new(x, editor_y, area.width.saturating_sub(INDENT), s.editor_rows), None)
            };
            let problems = Rect::new(area.x, editor.bottom(), area.width, s.problem_rows);
            Block {
                field,
                area: clip(full),
                label: clip(label),
                placeholders: clip(placeholders),
                editor: clip(editor),
                side,
                problems: clip(problems),
            }
        } else {
            let label_w = LABEL_WIDTH.min(area.width / 2);
            Block {
                field,
                area: clip(full),
                label: clip(Rect::new(area.x, y, label_w, 1)),
                placeholders: Rect::new(area.x, y, 0, 0),
                editor: clip(Rect::new(area.x + label_w, y, area.width - label_w, 1)),
                side: None,
                problems: clip(Rect::new(area.x, y + 1, area.width, s.problem_rows)),
            }
        };
        y = y.saturating_add(full.height);
        out.push(block);
    }
    out
}

/// The first block to show so that the focused field is fully in view (kept when it already is).
pub fn form_top(state: &State, area: Rect) -> usize {
    let fields = state.prompts.fields();
    let top = state.prompts.form_top.min(fields.len().saturating_sub(1));
    let Some(focused) = state.prompts.focused_field() else { return top };
    let Some(at) = fields.iter().position(|f| *f == focused) else { return top };
    if at < top {
        return at;
    }
    let form = inner(compute_panes(state, area).1);
    let heights: Vec<u16> =
        fields.iter().map(|f| shape(state, *f, form.width, form.height).height(*f)).collect();
    let mut top = top;
    while top < at && heights[top..=at].iter().map(|h| u32::from(*h)).sum::<u32>() > u32::from(form.height) {
        top += 1;
    }
    top
}

/// The tree's pane and the form's pane on a screen of `area`.
pub fn compute_panes(state: &State, area: Rect) -> (Rect, Rect) {
    split(state, body(area), state.prompts.tree_rows().len())
}
