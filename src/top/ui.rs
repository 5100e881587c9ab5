//! What the user changed of the view: the selection, folded levels, the filter, the mode
//! (help, filter input, a question), and the keys that change them. No drawing here: keys
//! in, [`Action`]s out for what needs the network or the terminal.

use std::collections::HashSet;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::TopState;
use super::tree::{NodeId, Row};

/// Rows a page key moves.
const PAGE: usize = 10;

/// What the keys are doing now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Moving in the tree.
    Normal,
    /// Typing the filter.
    Filter,
    /// Asking whether to clear the retained message on this topic.
    ConfirmClear(String),
    /// The help overlay.
    Help,
}

/// What a key asks of the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Nothing beyond the view.
    None,
    /// Leave.
    Quit,
    /// Freeze or unfreeze what is shown.
    TogglePause,
    /// Publish an empty retained message on this topic.
    Clear(String),
    /// Put these bytes on the clipboard.
    Copy(Vec<u8>),
}

/// The view's own state.
#[derive(Debug, Clone)]
pub struct Ui {
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Folded levels.
    pub folded: HashSet<NodeId>,
    /// The topic filter (empty: none).
    pub filter: String,
    /// The mode.
    pub mode: Mode,
    /// Whether the view is frozen.
    pub paused: bool,
    /// A one-line message for the footer (until the next key).
    pub message: Option<String>,
    /// The first tree row drawn.
    pub scroll: usize,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            selected: None,
            folded: HashSet::new(),
            filter: String::new(),
            mode: Mode::Normal,
            paused: false,
            message: None,
            scroll: 0,
        }
    }
}

impl Ui {
    /// The rows of `state`'s tree as this view shows them.
    pub fn rows(&self, state: &TopState) -> Vec<Row> {
        let filter = (!self.filter.is_empty()).then_some(self.filter.as_str());
        state.tree.rows(&self.folded, filter)
    }

    /// The selected row's index in `rows`, selecting the first row when the selection is
    /// not among them.
    pub fn selected_index(&mut self, rows: &[Row]) -> Option<usize> {
        let found = self
            .selected
            .and_then(|id| rows.iter().position(|r| r.id == id));
        match found {
            Some(i) => Some(i),
            None => {
                self.selected = rows.first().map(|r| r.id);
                self.selected.map(|_| 0)
            }
        }
    }

    /// Handles a key press.
    pub fn key(&mut self, key: KeyEvent, state: &TopState) -> Action {
        self.message = None;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c')) {
            return Action::Quit;
        }
        match self.mode.clone() {
            Mode::Help => {
                match key.code {
                    KeyCode::Char('q') => return Action::Quit,
                    _ => self.mode = Mode::Normal,
                }
                Action::None
            }
            Mode::Filter => {
                match key.code {
                    KeyCode::Enter => self.mode = Mode::Normal,
                    KeyCode::Esc => {
                        self.filter.clear();
                        self.mode = Mode::Normal;
                    }
                    KeyCode::Backspace => {
                        self.filter.pop();
                    }
                    KeyCode::Char(c) if !ctrl => self.filter.push(c),
                    _ => {}
                }
                Action::None
            }
            Mode::ConfirmClear(topic) => {
                self.mode = Mode::Normal;
                if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    self.message = Some(format!("cleared the retained message on {topic}"));
                    Action::Clear(topic)
                } else {
                    self.message = Some("kept the retained message".into());
                    Action::None
                }
            }
            Mode::Normal => self.normal_key(key, state),
        }
    }

    fn normal_key(&mut self, key: KeyEvent, state: &TopState) -> Action {
        let rows = self.rows(state);
        let at = self.selected_index(&rows);
        let select = |ui: &mut Ui, i: usize| {
            if let Some(r) = rows.get(i.min(rows.len().saturating_sub(1))) {
                ui.selected = Some(r.id);
            }
        };
        match key.code {
            KeyCode::Char('q') => return Action::Quit,
            KeyCode::Char('?') => self.mode = Mode::Help,
            KeyCode::Char('/') => self.mode = Mode::Filter,
            KeyCode::Esc => self.filter.clear(),
            KeyCode::Char('p') => return Action::TogglePause,
            KeyCode::Up | KeyCode::Char('k') => select(self, at.unwrap_or(0).saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => select(self, at.map_or(0, |i| i + 1)),
            KeyCode::PageUp => select(self, at.unwrap_or(0).saturating_sub(PAGE)),
            KeyCode::PageDown => select(self, at.map_or(0, |i| i + PAGE)),
            KeyCode::Home | KeyCode::Char('g') => select(self, 0),
            KeyCode::End | KeyCode::Char('G') => select(self, usize::MAX),
            KeyCode::Left | KeyCode::Char('h') => {
                if let Some(row) = at.map(|i| rows[i]) {
                    if row.has_children && !row.folded && self.filter.is_empty() {
                        self.folded.insert(row.id);
                    } else if let Some(parent) = state.tree.node(row.id).parent {
                        self.selected = Some(parent);
                    }
                }
            }
            KeyCode::Right | KeyCode::Char('l') => {
                if let Some(row) = at.map(|i| rows[i]) {
                    self.folded.remove(&row.id);
                }
            }
            KeyCode::Enter | KeyCode::Char(' ') => {
                if let Some(row) = at.map(|i| rows[i]).filter(|r| r.has_children) {
                    if !self.folded.remove(&row.id) {
                        self.folded.insert(row.id);
                    }
                }
            }
            KeyCode::Char('c') => {
                let Some(id) = self.selected else {
                    return Action::None;
                };
                let node = state.tree.node(id);
                match &node.data {
                    Some(d) if d.last().retain && !d.last().payload.is_empty() => {
                        self.mode = Mode::ConfirmClear(node.topic.clone());
                    }
                    _ => {
                        self.message =
                            Some("the last message there is not retained: nothing to clear".into())
                    }
                }
            }
            KeyCode::Char('y') => {
                let data = self
                    .selected
                    .and_then(|id| state.tree.node(id).data.as_ref());
                match data {
                    Some(d) => {
                        let payload = d.last().payload.to_vec();
                        self.message = Some(format!(
                            "copied {} bytes to the clipboard (OSC 52)",
                            payload.len()
                        ));
                        return Action::Copy(payload);
                    }
                    None => self.message = Some("no message on this level to copy".into()),
                }
            }
            _ => {}
        }
        Action::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::Message;
    use crate::presence::Presence;
    use crate::top::state::{ConnInfo, Link};
    use bytes::Bytes;
    use std::time::{Instant, SystemTime};

    fn state(topics: &[(&str, &str, bool)]) -> TopState {
        let conn = ConnInfo {
            endpoint: "e".into(),
            protocol: "MQTT 5",
            link: Link::Connecting,
            outages: 0,
        };
        let now = Instant::now();
        let mut s = TopState::new(5, Presence::status_topics(), conn, now);
        for (topic, payload, retain) in topics {
            let m = Message {
                topic: (*topic).into(),
                payload: Bytes::copy_from_slice(payload.as_bytes()),
                qos: rumqttc::QoS::AtMostOnce,
                retain: *retain,
                pkid: 0,
                properties: None,
            };
            s.fold(&m, now, SystemTime::now());
        }
        s
    }

    fn press(ui: &mut Ui, s: &TopState, code: KeyCode) -> Action {
        ui.key(KeyEvent::new(code, KeyModifiers::NONE), s)
    }

    fn selected(ui: &Ui, s: &TopState) -> String {
        s.tree.node(ui.selected.unwrap()).topic.clone()
    }

    #[test]
    fn arrows_and_vi_keys_move_and_fold() {
        let s = state(&[("a/x", "1", false), ("a/y", "2", false), ("b", "3", false)]);
        let mut ui = Ui::default();
        press(&mut ui, &s, KeyCode::Char('j'));
        assert_eq!(
            selected(&ui, &s),
            "a/x",
            "from the first row, shown selected"
        );
        press(&mut ui, &s, KeyCode::Left);
        assert_eq!(selected(&ui, &s), "a", "left on a leaf goes to its level");
        press(&mut ui, &s, KeyCode::Left);
        assert_eq!(ui.rows(&s).len(), 2, "left on an open level folds it");
        press(&mut ui, &s, KeyCode::Down);
        assert_eq!(selected(&ui, &s), "b");
        press(&mut ui, &s, KeyCode::Char('k'));
        press(&mut ui, &s, KeyCode::Enter);
        assert_eq!(ui.rows(&s).len(), 4, "enter unfolds");
        press(&mut ui, &s, KeyCode::End);
        assert_eq!(selected(&ui, &s), "b");
        press(&mut ui, &s, KeyCode::Home);
        assert_eq!(selected(&ui, &s), "a");
    }

    #[test]
    fn slash_types_a_filter_that_escape_clears() {
        let s = state(&[("a/x", "1", false), ("b/y", "2", false)]);
        let mut ui = Ui::default();
        press(&mut ui, &s, KeyCode::Char('/'));
        for c in "y".chars() {
            press(&mut ui, &s, KeyCode::Char(c));
        }
        assert_eq!(
            press(&mut ui, &s, KeyCode::Char('q')),
            Action::None,
            "q is typed"
        );
        press(&mut ui, &s, KeyCode::Backspace);
        press(&mut ui, &s, KeyCode::Enter);
        assert_eq!((ui.filter.as_str(), &ui.mode), ("y", &Mode::Normal));
        assert_eq!(ui.rows(&s).len(), 2);
        press(&mut ui, &s, KeyCode::Esc);
        assert_eq!(ui.rows(&s).len(), 4);
    }

    #[test]
    fn clearing_asks_first_and_only_for_a_retained_message() {
        let s = state(&[("r", "on", true), ("n", "1", false)]);
        let mut ui = Ui::default();
        press(&mut ui, &s, KeyCode::Home);
        assert_eq!(selected(&ui, &s), "n");
        press(&mut ui, &s, KeyCode::Char('c'));
        assert_eq!(ui.mode, Mode::Normal);
        assert!(ui.message.as_deref().unwrap().contains("not retained"));
        press(&mut ui, &s, KeyCode::Down);
        press(&mut ui, &s, KeyCode::Char('c'));
        assert_eq!(ui.mode, Mode::ConfirmClear("r".into()));
        assert_eq!(press(&mut ui, &s, KeyCode::Char('n')), Action::None);
        press(&mut ui, &s, KeyCode::Char('c'));
        assert_eq!(
            press(&mut ui, &s, KeyCode::Char('y')),
            Action::Clear("r".into())
        );
    }

    #[test]
    fn quit_pause_copy_and_help() {
        let s = state(&[("t", "{\"a\":1}", false)]);
        let mut ui = Ui::default();
        assert_eq!(press(&mut ui, &s, KeyCode::Char('p')), Action::TogglePause);
        assert_eq!(
            press(&mut ui, &s, KeyCode::Char('y')),
            Action::Copy(b"{\"a\":1}".to_vec())
        );
        press(&mut ui, &s, KeyCode::Char('?'));
        assert_eq!(ui.mode, Mode::Help);
        press(&mut ui, &s, KeyCode::Esc);
        assert_eq!(ui.mode, Mode::Normal);
        assert_eq!(press(&mut ui, &s, KeyCode::Char('q')), Action::Quit);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        ui.mode = Mode::Filter;
        assert_eq!(ui.key(ctrl_c, &s), Action::Quit, "Ctrl-C quits in any mode");
    }
}
