//! Lending the terminal to `$EDITOR`: stop reading keys (or the editor would lose them to us),
//! give the screen back, run the editor, take the screen again, read keys again. The loop then
//! redraws everything.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::super::inputs;
use crate::tui::msg::Msg;
use crate::tui::terminal;

/// How long to wait for the key reader to let go of the terminal.
const LET_GO: Duration = Duration::from_secs(1);

/// The task that reads the terminal's keys, which can be paused while another program runs.
pub struct TerminalInput {
    tx: UnboundedSender<Msg>,
    /// Stops every input task at exit.
    stop: CancellationToken,
    reading: Option<(CancellationToken, JoinHandle<()>)>,
}

impl TerminalInput {
    /// Starts reading keys, mouse, paste and resizes as messages until `stop` fires.
    pub fn start(tx: UnboundedSender<Msg>, stop: &CancellationToken) -> TerminalInput {
        let mut input = TerminalInput { tx, stop: stop.clone(), reading: None };
        input.read();
        input
    }

    fn read(&mut self) {
        let token = self.stop.child_token();
        let handle = tokio::spawn(inputs::terminal_events(self.tx.clone(), token.clone()));
        self.reading = Some((token, handle));
    }

    /// Stops reading and waits (briefly) until the reader has let go of the terminal.
    fn pause(&mut self) {
        if let Some((token, handle)) = self.reading.take() {
            token.cancel();
            let start = Instant::now();
            while !handle.is_finished() && start.elapsed() < LET_GO {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
}

/// Runs `program` with the terminal handed over, then takes it back.
pub fn with_terminal_lent<T>(
    input: Option<&mut TerminalInput>,
    program: impl FnOnce() -> T,
) -> Result<T, String> {
    let mut input = input;
    if let Some(input) = input.as_deref_mut() {
        input.pause();
    }
    terminal::suspend();
    let out = program();
    let resumed = terminal::resume();
    if let Some(input) = input {
        input.read();
    }
    resumed.map(|()| out).map_err(|e| format!("cannot take the terminal back after the editor: {e}"))
}
