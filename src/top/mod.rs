//! `mqttkit top`: a live terminal view of a broker's topics, values, devices and its own
//! `$SYS` figures.
//!
//! The state (`state`, `tree`, `rates`, `numeric`, `sys`, `payload`) knows nothing of the
//! screen; `view` draws it with ratatui and `ui` turns keys into changes of what is shown;
//! `terminal` owns the terminal (raw mode, alternate screen, restored on every exit path);
//! `app` runs the network on its own thread, folding messages into the state, and the
//! screen on the caller's at a bounded frame rate.

pub mod numeric;
pub mod payload;
pub mod rates;
pub mod state;
pub mod sys;
pub mod tree;
pub mod ui;
pub mod view;

mod app;
mod terminal;

pub use app::{run, run_until, TopConfig};

#[cfg(test)]
mod snapshots;
