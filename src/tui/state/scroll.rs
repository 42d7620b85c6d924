//! Scrolling that follows new text until the user scrolls up, and resumes at the bottom.

/// Where a scrollable view stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scroll {
    /// Pinned to the bottom: new rows scroll into view.
    #[default]
    Follow,
    /// Held with this row at the top.
    At(usize),
    /// Held with the row the text marks as its anchor at the top (the answer panel: this turn's
    /// answer, below the conversation's earlier turns). Where there is no anchor, the top.
    Anchored,
}

impl Scroll {
    /// The first visible row for `total` rows in a view `height` rows tall.
    pub fn top(self, total: usize, height: usize) -> usize {
        self.top_from(0, total, height)
    }

    /// Like [`Scroll::top`], for text whose anchor is row `anchor`.
    pub fn top_from(self, anchor: usize, total: usize, height: usize) -> usize {
        let bottom = total.saturating_sub(height);
        match self {
            Scroll::Follow => bottom,
            Scroll::At(top) => top.min(bottom),
            Scroll::Anchored => anchor.min(bottom),
        }
    }

    /// Moves by `delta` rows; reaching the bottom resumes following.
    pub fn by(&mut self, delta: isize, total: usize, height: usize) {
        let bottom = total.saturating_sub(height);
        let top = self.top(total, height);
        let next = top.saturating_add_signed(delta).min(bottom);
        *self = if next >= bottom && delta > 0 { Scroll::Follow } else { Scroll::At(next) };
        if next >= bottom && total <= height {
            *self = Scroll::Follow;
        }
    }

    /// Jumps to the top.
    pub fn home(&mut self) {
        *self = Scroll::At(0);
    }

    /// Jumps to the bottom and follows.
    pub fn end(&mut self) {
        *self = Scroll::Follow;
    }

    pub fn is_following(self) -> bool {
        self == Scroll::Follow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_until_scrolled_and_resumes_at_bottom() {
        let mut s = Scroll::Follow;
        assert_eq!(s.top(100, 10), 90);
        s.by(-5, 100, 10);
        assert_eq!(s, Scroll::At(85));
        assert_eq!(s.top(120, 10), 85, "held while new text arrives");
        s.by(50, 120, 10);
        assert_eq!(s, Scroll::Follow);
        s.home();
        assert_eq!(s.top(120, 10), 0);
    }

    #[test]
    fn an_anchored_view_starts_at_its_anchor_and_scrolls_from_there() {
        let mut s = Scroll::Anchored;
        assert_eq!(s.top_from(40, 30, 10), 20, "short text: as far as it goes");
        assert_eq!(s.top_from(40, 100, 10), 40);
        assert_eq!(s.top_from(95, 100, 10), 90, "never past the bottom");
        assert_eq!(s.top(100, 10), 0, "without an anchor, the top");
        s = Scroll::At(s.top_from(40, 100, 10));
        s.by(-3, 100, 10);
        assert_eq!(s, Scroll::At(37));
    }

    #[test]
    fn short_text_never_scrolls() {
        let mut s = Scroll::Follow;
        s.by(-3, 5, 10);
        assert_eq!(s.top(5, 10), 0);
        assert!(s.is_following());
    }
}
