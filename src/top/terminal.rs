//! The terminal while `top` runs: raw mode, the alternate screen and a hidden cursor, and
//! their undoing on every way out — a normal return, an error (a lost connection given up),
//! and a panic (a hook restores the terminal before the panic message is printed).

use std::io::{self, Stdout, Write};
use std::sync::Once;

use base64::Engine;
use crossterm::{cursor, execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// The terminal, set up; restored when dropped.
pub struct Screen {
    /// The ratatui terminal drawing on stdout.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    /// Enters raw mode and the alternate screen; colours are written if `color` (crossterm
    /// leaves them out by itself when `NO_COLOR` is set, which `--color always` overrides).
    pub fn open(color: bool) -> io::Result<Screen> {
        install_panic_hook();
        crossterm::style::force_color_output(color);
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(Screen { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen and raw mode and shows the cursor (harmless when they are
/// not on).
pub fn restore() {
    let _ = execute!(io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
    let _ = terminal::disable_raw_mode();
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// The OSC 52 sequence that asks the terminal to put `bytes` on the system clipboard.
pub fn osc52(bytes: &[u8]) -> String {
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Writes [`osc52`] to the terminal. Terminals that do not support it ignore it (tmux
/// passes it on with `set-clipboard on`).
pub fn copy(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(osc52(bytes).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_the_bytes_in_base64() {
        assert_eq!(super::osc52(b"hi\n"), "\x1b]52;c;aGkK\x07");
    }
}
