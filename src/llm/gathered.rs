//! Streamed pieces that arrived together, handed on together. A server sends one chunk per token;
//! when several have gathered in the socket they are merged into one piece of text (per kind,
//! answer or reasoning, in order) that says how many it holds. Everything downstream (the engine's
//! event, every listener's wake-up, the recorder's write, the screen's reducer) then runs once per
//! read instead of once per token, while token counts stay exact.

use super::{Delta, DeltaSink};

/// Pieces read since the last hand-on, merged where they are of the same kind.
#[derive(Debug, Default)]
pub struct Gathered {
    pending: Vec<(Delta, u32)>,
}

impl Gathered {
    /// Adds one piece, merging it into the last one when both are answer text or both reasoning.
    pub fn push(&mut self, delta: Delta) {
        match (self.pending.last_mut(), delta) {
            (Some((Delta::Content(last), n)), Delta::Content(text))
            | (Some((Delta::Reasoning(last), n)), Delta::Reasoning(text)) => {
                last.push_str(&text);
                *n += 1;
            }
            (_, delta) => self.pending.push((delta, 1)),
        }
    }

    /// Hands every merged piece to `sink`, in the order they arrived.
    pub fn hand_on(&mut self, sink: DeltaSink<'_>) {
        for (delta, pieces) in self.pending.drain(..) {
            sink(delta, pieces);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handed(gathered: &mut Gathered) -> Vec<(Delta, u32)> {
        let mut out = Vec::new();
        gathered.hand_on(&mut |delta, pieces| out.push((delta, pieces)));
        out
    }

    #[test]
    fn pieces_of_one_kind_become_one_with_their_count() {
        let mut gathered = Gathered::default();
        for piece in ["The ", "sky ", "is ", "blue."] {
            gathered.push(Delta::Content(piece.into()));
        }
        assert_eq!(handed(&mut gathered), vec![(Delta::Content("The sky is blue.".into()), 4)]);
        assert!(gathered.pending.is_empty(), "handing on empties it");
        assert_eq!(handed(&mut gathered), vec![]);
    }

    #[test]
    fn a_change_of_kind_keeps_the_order() {
        let mut gathered = Gathered::default();
        gathered.push(Delta::Reasoning("hm ".into()));
        gathered.push(Delta::Reasoning("ok".into()));
        gathered.push(Delta::Content("Yes".into()));
        gathered.push(Delta::Reasoning("wait".into()));
        assert_eq!(
            handed(&mut gathered),
            vec![
                (Delta::Reasoning("hm ok".into()), 2),
                (Delta::Content("Yes".into()), 1),
                (Delta::Reasoning("wait".into()), 1),
            ]
        );
    }
}
