//! Markdown to styled, wrapped rows: headings, emphasis, lists, quotes, tables, and code blocks
//! with a light highlighter (keywords, strings, comments, numbers). Used once a phase's text is
//! complete; while a phase streams, the plain wrapper is cheaper.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use unicode_width::UnicodeWidthStr;

use super::highlight::highlight;
use super::wrap::Wrapper;
use crate::tui::theme::Role;

/// Renders `text` (already sanitized) as Markdown into `out`.
pub fn render_into(text: &str, out: &mut Wrapper) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut renderer = Renderer {
        out,
        inline: Vec::new(),
        lists: Vec::new(),
        items: Vec::new(),
        pending_bullet: None,
        quote_depth: 0,
        code: None,
        line_open: false,
        wrote_anything: false,
        need_blank: false,
        table: None,
    };
    for event in Parser::new_ext(text, options) {
        renderer.event(event);
    }
    renderer.end_line();
}

struct Renderer<'w> {
    out: &'w mut Wrapper,
    inline: Vec<Role>,
    /// Next number of each open list (`None` for bullets).
    lists: Vec<Option<u64>>,
    /// Width of each open item's bullet, for continuation indent.
    items: Vec<usize>,
    pending_bullet: Option<String>,
    quote_depth: usize,
    code: Option<String>,
    line_open: bool,
    wrote_anything: bool,
    need_blank: bool,
    /// The table being read: drawn whole at its end, so its columns line up.
    table: Option<Table>,
}

/// A table's cells as read, each a list of styled pieces.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<Vec<(String, Role)>>>,
    /// Rows of the header (drawn strong, with a rule under them).
    header_rows: usize,
}

impl Table {
    fn cell(&mut self) -> Option<&mut Vec<(String, Role)>> {
        self.rows.last_mut()?.last_mut()
    }

    /// Display width of every column.
    fn widths(&self) -> Vec<usize> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        (0..columns)
            .map(|c| {
                let width = |row: &Vec<Vec<(String, Role)>>| {
                    row.get(c).map_or(0, |cell| cell.iter().map(|(t, _)| t.width()).sum())
                };
                self.rows.iter().map(width).max().unwrap_or(0)
            })
            .collect()
    }
}

impl<'w> Renderer<'w> {
    fn w(&mut self) -> &mut Wrapper {
        self.out
    }

    fn role(&self) -> Role {
        self.inline.last().copied().unwrap_or(Role::Text)
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match self.code.clone() {
                Some(lang) => self.code_text(&text, &lang),
                None => self.text(&text, self.role()),
            },
            Event::Code(code) => self.text(&code, Role::Code),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math, Role::Code),
            Event::Html(html) | Event::InlineHtml(html) => self.text(html.trim_end_matches('\n'), Role::Dim),
            Event::SoftBreak => self.text(" ", self.role()),
            Event::HardBreak => self.end_line(),
            Event::Rule => {
                self.block_start();
                let width = self.w().width();
                self.text(&"─".repeat(width.min(40)), Role::Rule);
                self.block_end();
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, Role::ListMarker),
            Event::FootnoteReference(name) => self.text(&format!("[{name}]"), Role::Link),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.block_start(),
            Tag::Heading { level, .. } => {
                self.block_start();
                let marker = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => "",
                    _ => "▸ ",
                };
                self.text(marker, Role::Heading);
                self.inline.push(Role::Heading);
            }
            Tag::BlockQuote(_) => {
                self.block_start();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(kind) => {
                self.block_start();
                self.code = Some(match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                });
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.block_start();
                } else {
                    self.end_line();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.end_line();
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => if self.lists.len() % 2 == 1 { "• " } else { "◦ " }.to_string(),
                };
                self.items.push(bullet.width());
                self.pending_bullet = Some(bullet);
            }
            Tag::Emphasis => self.inline.push(Role::Emphasis),
            Tag::Strong => self.inline.push(Role::Strong),
            Tag::TableHead => {
                self.inline.push(Role::Strong);
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                    table.header_rows = table.rows.len();
                }
            }
            Tag::Strikethrough => self.inline.push(Role::Dim),
            Tag::Link { .. } | Tag::Image { .. } => self.inline.push(Role::Link),
            Tag::Table(_) => {
                self.block_start();
                self.table = Some(Table::default());
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(Vec::new());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.block_end(),
            TagEnd::Heading(_) => {
                self.inline.pop();
                self.block_end();
            }
            TagEnd::BlockQuote(_) => {
                self.end_line();
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.need_blank = true;
            }
            TagEnd::CodeBlock => {
                self.code = None;
                self.block_end();
            }
            TagEnd::List(_) => {
                self.end_line();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.need_blank = true;
                }
            }
            TagEnd::Item => {
                self.end_line();
                self.items.pop();
                self.need_blank = false;
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::TableHead => {
                self.inline.pop();
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.draw_table(&table);
                }
                self.block_end();
            }
            _ => {}
        }
    }

    fn block_start(&mut self) {
        self.end_line();
        if self.need_blank && self.wrote_anything && self.pending_bullet.is_none() {
            self.w().newline();
        }
        self.need_blank = false;
    }

    fn block_end(&mut self) {
        self.end_line();
        self.need_blank = true;
    }

    /// Opens a logical line: quote bars, list indent and bullet, and the hanging indent.
    fn start_line(&mut self) {
        if self.line_open {
            return;
        }
        self.line_open = true;
        self.wrote_anything = true;
        let quote = "│ ".repeat(self.quote_depth);
        let bullet = self.pending_bullet.take();
        let outer: usize = match bullet {
            Some(_) => self.items.iter().rev().skip(1).sum(),
            None => self.items.iter().sum(),
        };
        if !quote.is_empty() {
            self.w().push_unbroken(&quote, Role::Quote);
        }
        if outer > 0 {
            self.w().push_unbroken(&" ".repeat(outer), Role::Text);
        }
        if let Some(bullet) = &bullet {
            self.w().push_unbroken(bullet, Role::ListMarker);
        }
        let hang = quote.width() + self.items.iter().sum::<usize>();
        let hang_role = if self.quote_depth > 0 { Role::Quote } else { Role::Text };
        self.w().set_hang(hang, hang_role);
    }

    fn end_line(&mut self) {
        if self.line_open {
            self.w().newline();
            self.line_open = false;
        }
    }

    fn text(&mut self, text: &str, role: Role) {
        if let Some(cell) = self.table.as_mut().and_then(Table::cell) {
            cell.push((text.replace('\n', " "), role));
            return;
        }
        let role = if self.quote_depth > 0 && role == Role::Text { Role::Quote } else { role };
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.end_line();
            }
            if !line.is_empty() {
                self.start_line();
                self.w().push_str(line, role);
            }
        }
    }

    /// A table with its columns padded to line up, a rule under the header. Too wide for the pane,
    /// its rows are written unpadded and wrap, which reads better than padding that wraps.
    fn draw_table(&mut self, table: &Table) {
        let widths = table.widths();
        let total = widths.iter().sum::<usize>() + 3 * widths.len().saturating_sub(1);
        let pad = total <= self.w().width();
        for (r, row) in table.rows.iter().enumerate() {
            self.start_line();
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    self.w().push_str(" │ ", Role::Rule);
                }
                let header = r < table.header_rows;
                for (text, role) in cell {
                    let role = if header && *role == Role::Text { Role::Strong } else { *role };
                    self.w().push_str(text, role);
                }
                let written: usize = cell.iter().map(|(t, _)| t.width()).sum();
                let last = c + 1 == row.len();
                if pad && !last {
                    let width = widths.get(c).copied().unwrap_or(written);
                    self.w().push_unbroken(&" ".repeat(width.saturating_sub(written)), Role::Text);
                }
            }
            self.end_line();
            if pad && r + 1 == table.header_rows {
                self.start_line();
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.w().push_unbroken(&rule.join("─┼─"), Role::Rule);
                self.end_line();
            }
        }
    }

    fn code_text(&mut self, text: &str, lang: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        for line in text.split('\n') {
            self.start_line();
            self.w().push_unbroken("  ", Role::CodeBlock);
            for (piece, role) in highlight(line, lang) {
                self.w().push_str(piece, role);
            }
            self.end_line();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::text::wrap::Row;

    fn render(text: &str, width: usize) -> Vec<Row> {
        let mut w = Wrapper::new(width);
        render_into(text, &mut w);
        w.all_rows()
    }

    fn texts(text: &str, width: usize) -> Vec<String> {
        render(text, width).iter().map(Row::text).collect()
    }

    #[test]
    fn paragraphs_headings_and_lists() {
        let md = "## Title\n\nSome *soft* text.\n\n- one\n- two is longer\n\n1. first\n2. second";
        assert_eq!(
            texts(md, 12),
            [
                "Title",
                "",
                "Some soft",
                "text.",
                "",
                "• one",
                "• two is",
                "  longer",
                "",
                "1. first",
                "2. second"
            ]
        );
    }

    #[test]
    fn styles_follow_the_markup() {
        let rows = render("a **b** *c* `d`", 40);
        let roles: Vec<Role> = rows[0].segs.iter().map(|s| s.role).collect();
        assert_eq!(roles, [Role::Text, Role::Strong, Role::Text, Role::Emphasis, Role::Text, Role::Code]);
    }

    #[test]
    fn code_blocks_are_indented_and_highlighted() {
        let rows = render("```python\nx = \"hi\"  # note\nreturn 42\n```", 40);
        assert_eq!(rows[0].text(), "  x = \"hi\"  # note");
        assert!(rows[0].segs.iter().any(|s| s.role == Role::CodeString && s.text == "\"hi\""));
        assert!(rows[0].segs.iter().any(|s| s.role == Role::CodeComment));
        assert!(rows[1].segs.iter().any(|s| s.role == Role::CodeKeyword && s.text == "return"));
        assert!(rows[1].segs.iter().any(|s| s.role == Role::CodeNumber && s.text == "42"));
    }

    #[test]
    fn quotes_and_nested_lists() {
        assert_eq!(texts("> quoted words here", 10), ["│ quoted", "  words", "  here"]);
        assert_eq!(texts("- a\n  - b\n- c", 20), ["• a", "  ◦ b", "• c"]);
    }

    #[test]
    fn tables_render_as_rows() {
        assert_eq!(texts("| a | b |\n|---|---|\n| 1 | 2 |", 20), ["a │ b", "──┼──", "1 │ 2"]);
    }

    #[test]
    fn table_columns_line_up_under_a_strong_header() {
        let text = "| Step | What to do |\n|---|---|\n| 1 | Plan **well** |\n| 10 | Ship |";
        assert_eq!(
            texts(text, 40),
            ["Step │ What to do", "─────┼───────────", "1    │ Plan well", "10   │ Ship"]
        );
        let rows = render(text, 40);
        let header = &rows[0];
        assert!(header.segs.iter().all(|s| s.role == Role::Strong || s.role == Role::Rule), "{header:?}");
        // Too wide for the pane: unpadded, wrapped.
        let wide = texts("| a | a long cell that will never fit |\n|---|---|\n| 1 | 2 |", 16);
        assert!(!wide.iter().any(|l| l.contains("─┼─")), "{wide:?}");
    }
}
