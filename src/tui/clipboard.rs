//! Copying: the system clipboard through arboard when there is one, else OSC 52, which asks the
//! terminal itself to set the clipboard (works over SSH, in many terminals, and in tmux with
//! `set -g set-clipboard on`).

use std::sync::{Arc, Mutex};

use base64::Engine as _;

/// A system clipboard kept alive between copies: on X11 the owner must live for pastes to work.
#[derive(Clone, Default)]
pub struct SystemClipboard {
    inner: Arc<Mutex<Option<arboard::Clipboard>>>,
}

impl SystemClipboard {
    /// Puts `text` on the system clipboard (blocking: call from a blocking task).
    pub fn set(&self, text: &str) -> Result<(), String> {
        let mut slot = self.inner.lock().map_err(|_| "the clipboard is unavailable".to_string())?;
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        let clipboard = slot.as_mut().ok_or("the clipboard is unavailable")?;
        clipboard.set_text(text.to_string()).map_err(|e| e.to_string())
    }
}

/// The OSC 52 sequence that sets the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_base64() {
        assert_eq!(osc52("hello"), "\x1b]52;c;aGVsbG8=\x07");
    }
}
