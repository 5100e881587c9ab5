//! Drawing the state with ratatui: a header (the connection and totals), the topic tree
//! beside the selected topic's details, presence beside the broker panel, and a footer with
//! the keys; `?` lays the help over it. A pure function of the state, the view's own state
//! and the time, so the test backend can check it.

use std::time::{Instant, SystemTime};

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::output::format::iso8601_millis;
use crate::presence::State;

use super::state::{short_duration, Link, TopState, TopicData};
use super::tree::Row;
use super::ui::{Mode, Ui};
use super::{numeric, payload};

/// Whether to colour (`--color`, `NO_COLOR`); without colour, emphasis is bold and reverse.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Colour on.
    pub color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
}

/// Everything a frame needs besides the state.
pub struct DrawContext<'a> {
    /// The view's state (its scroll is kept up to date here).
    pub ui: &'a mut Ui,
    /// Now, for ages and rates (frozen while paused).
    pub now: Instant,
    /// The wall clock of `now`.
    pub wall: SystemTime,
    /// Colours.
    pub theme: Theme,
    /// A line under the header (the demo's hint), if any.
    pub hint: Option<&'a str>,
}

/// Draws one frame.
pub fn draw(f: &mut Frame, state: &TopState, mut cx: DrawContext) {
    let area = f.area();
    let bottom = if area.height >= 20 { 7 } else { 0 };
    let hint = u16::from(cx.hint.is_some());
    let [header, hint_area, body, lower, footer] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Length(hint),
            Constraint::Min(3),
            Constraint::Length(bottom),
            Constraint::Length(1),
        ])
        .areas(area);
    f.render_widget(Paragraph::new(header_line(state, &cx)), header);
    if let Some(h) = cx.hint {
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(h, cx.theme.fg(Color::Cyan)))),
            hint_area,
        );
    }
    let tree_width = (body.width * 3 / 5).clamp(40.min(body.width), 84);
    let [tree_area, detail_area] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(tree_width), Constraint::Min(0)])
        .areas(body);
    let rows = cx.ui.rows(state);
    let selected = cx.ui.selected_index(&rows);
    draw_tree(f, state, &rows, selected, tree_area, &mut cx);
    draw_detail(f, state, detail_area, &cx);
    if bottom > 0 {
        let [presence_area, broker_area] = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(lower);
        draw_presence(f, state, presence_area, &cx);
        draw_broker(f, state, broker_area, &cx);
    }
    f.render_widget(Paragraph::new(footer_line(&cx)), footer);
    if cx.ui.mode == Mode::Help {
        draw_help(f, area);
    }
}

fn header_line<'a>(state: &TopState, cx: &DrawContext) -> Line<'a> {
    let t = cx.theme;
    let mut spans = vec![
        Span::styled(" top  ", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!("{} {}  ", state.conn.endpoint, state.conn.protocol)),
    ];
    let ago = |since: SystemTime| short_duration(cx.wall.duration_since(since).unwrap_or_default());
    match &state.conn.link {
        Link::Connecting => spans.push(Span::styled("connecting…", t.fg(Color::Yellow))),
        Link::Connected(since) => spans.push(Span::styled(
            format!("● connected {}", ago(*since)),
            t.fg(Color::Green),
        )),
        Link::Down {
            since,
            error,
            attempts,
        } => spans.push(Span::styled(
            format!(
                "✖ connection lost {} ago, reconnecting (attempt {}): {error}",
                ago(*since),
                attempts + 1
            ),
            t.fg(Color::Red).add_modifier(Modifier::BOLD),
        )),
    }
    if state.conn.outages > 0 {
        spans.push(Span::raw(format!("  outages {}", state.conn.outages)));
    }
    if cx.ui.paused {
        spans.push(Span::styled(
            "  PAUSED",
            t.fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ));
    }
    Line::from(spans)
}

fn footer_line<'a>(cx: &DrawContext) -> Line<'a> {
    let key = Style::default().add_modifier(Modifier::BOLD);
    match &cx.ui.mode {
        Mode::Filter => Line::from(vec![
            Span::styled(" filter: ", key),
            Span::raw(format!("{}█", cx.ui.filter)),
            Span::raw("   Enter keep · Esc clear"),
        ]),
        Mode::ConfirmClear(topic) => Line::from(vec![Span::styled(
            format!(" Clear the retained message on {topic}? y/N"),
            cx.theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )]),
        _ if cx.ui.message.is_some() => {
            Line::from(format!(" {}", cx.ui.message.as_deref().unwrap_or_default()))
        }
        _ => {
            let mut spans = Vec::new();
            let keys = [
                ("↑↓", "move"),
                ("←→", "fold"),
                ("/", "filter"),
                ("p", "pause"),
                ("c", "clear"),
                ("y", "copy"),
                ("?", "help"),
                ("q", "quit"),
            ];
            for (k, what) in keys {
                spans.push(Span::styled(format!(" {k}"), key));
                spans.push(Span::raw(format!(" {what} ")));
            }
            if !cx.ui.filter.is_empty() {
                spans.push(Span::raw(format!(" [filter: {}]", cx.ui.filter)));
            }
            Line::from(spans)
        }
    }
}

fn rate_text(r: f64) -> String {
    if r >= 100_000.0 {
        format!("{:.0}k", r / 1000.0)
    } else if r >= 100.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn count_text(n: u64) -> String {
    match n {
        0..=99_999 => n.to_string(),
        100_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{}M", n / 1_000_000),
    }
}

/// `text` cut to `width` characters (with `…` when cut).
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

fn pane<'a>(title: String, cx: &DrawContext) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(cx.theme.fg(Color::DarkGray))
        .title(Span::styled(
            title,
            Style::default().add_modifier(Modifier::BOLD),
        ))
}

/// Columns right of the value: flags, messages, rate, age.
const NUMBERS: usize = 19;

/// The last payload in `width` columns: compact JSON when it fits, else its numbers (a
/// field named `value` first), else JSON cut short.
fn tree_value(payload: &[u8], width: usize) -> String {
    let whole = payload::one_line(payload);
    if whole.chars().count() <= width {
        return whole;
    }
    let mut numbers = numeric::extract(payload);
    if numbers.is_empty() {
        return fit(&whole, width);
    }
    numbers.sort_by_key(|(name, _)| name != "value");
    let text: Vec<String> = numbers
        .iter()
        .map(|(name, v)| match name.as_str() {
            "value" => number(*v),
            _ => format!("{name}={}", number(*v)),
        })
        .collect();
    fit(&text.join(" "), width)
}

fn draw_tree(
    f: &mut Frame,
    state: &TopState,
    rows: &[Row],
    sel: Option<usize>,
    area: Rect,
    cx: &mut DrawContext,
) {
    let rate = state
        .tree
        .roots()
        .fold(0.0, |sum, id| sum + state.rate(id, cx.now));
    let count: u64 = state.tree.roots().map(|id| state.tree.node(id).count).sum();
    let topics = state.tree.topic_count();
    let mut title = format!(
        " {topics} topic{} · {count} msgs · {}/s ",
        if topics == 1 { "" } else { "s" },
        rate_text(rate)
    );
    if !cx.ui.filter.is_empty() {
        title.push_str(&format!("· filter {:?} ", cx.ui.filter));
    }
    let block = pane(title, cx);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = usize::from(inner.width);
    let height = usize::from(inner.height).saturating_sub(1);
    if rows.is_empty() {
        let text = if state.tree.is_empty() {
            "waiting for messages…"
        } else {
            "no topic matches the filter"
        };
        f.render_widget(Paragraph::new(text), inner);
        return;
    }
    // Keep the selection in sight.
    if let Some(i) = sel {
        if i < cx.ui.scroll {
            cx.ui.scroll = i;
        } else if height > 0 && i >= cx.ui.scroll + height {
            cx.ui.scroll = i + 1 - height;
        }
    }
    cx.ui.scroll = cx.ui.scroll.min(rows.len().saturating_sub(height.max(1)));
    let left = width.saturating_sub(NUMBERS);
    let longest = rows[cx.ui.scroll..]
        .iter()
        .take(height)
        .map(|r| 2 * r.depth + 2 + state.tree.node(r.id).name.chars().count())
        .max()
        .unwrap_or(0);
    let name_w = longest.min(left * 2 / 3).max(left.min(8));
    let value_w = left.saturating_sub(name_w + 1);
    let dim = cx.theme.fg(Color::DarkGray);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<name_w$} {:<value_w$}{:>2} {:>5} {:>5} {:>3}",
            "topic", "last", "q", "msgs", "/s", "age"
        ),
        dim.add_modifier(Modifier::BOLD),
    ))];
    for (i, row) in rows.iter().enumerate().skip(cx.ui.scroll).take(height) {
        let node = state.tree.node(row.id);
        let marker = match (row.has_children, row.folded) {
            (false, _) => "  ",
            (true, true) => "▸ ",
            (true, false) => "▾ ",
        };
        let name = if node.name.is_empty() {
            "∅"
        } else {
            &node.name
        };
        let label = fit(&format!("{}{marker}{name}", "  ".repeat(row.depth)), name_w);
        let (value, flags, age) = match &node.data {
            Some(d) => {
                let last = d.last();
                let flags = format!("{}{}", last.qos, if last.retain { "r" } else { " " });
                let age = short_duration(cx.now.saturating_duration_since(d.last_at));
                (
                    tree_value(&last.payload, value_w.saturating_sub(1)),
                    flags,
                    age,
                )
            }
            None => (String::new(), String::new(), String::new()),
        };
        let text = format!(
            "{label:<name_w$} {:<value_w$}{flags:>2} {:>5} {:>5} {age:>3}",
            value,
            count_text(node.count),
            rate_text(state.rate(row.id, cx.now)),
        );
        let style = if Some(i) == sel {
            Style::default().add_modifier(Modifier::REVERSED)
        } else if node.data.is_none() {
            cx.theme.fg(Color::Blue)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(fit(&text, width), style)));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The sparkline of `values`, the newest at the right, at most `width` of them.
pub fn sparkline(values: &[f64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let shown = &values[values.len().saturating_sub(width)..];
    let lo = shown.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = shown.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    shown
        .iter()
        .map(|v| {
            if hi > lo {
                BARS[(((v - lo) / (hi - lo)) * 7.0).round() as usize]
            } else {
                BARS[3]
            }
        })
        .collect()
}

/// A number as short as it reads: at most 4 decimals.
fn number(v: f64) -> String {
    let rounded = (v * 1e4).round() / 1e4;
    if rounded.is_finite() {
        format!("{rounded}")
    } else {
        format!("{v}")
    }
}

fn detail_lines<'a>(
    topic: &str,
    d: &TopicData,
    state: &TopState,
    id: usize,
    width: usize,
    cx: &DrawContext,
) -> Vec<Line<'a>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = cx.theme.fg(Color::DarkGray);
    let last = d.last();
    let node = state.tree.node(id);
    let mut lines = vec![
        Line::from(Span::styled(topic.to_owned(), bold)),
        Line::from(format!(
            "QoS {} · {} · {} msgs · {}/s · {} ago",
            last.qos,
            if last.retain {
                "retained"
            } else {
                "not retained"
            },
            node.count,
            rate_text(state.rate(id, cx.now)),
            short_duration(cx.now.saturating_duration_since(d.last_at)),
        )),
    ];
    if let Some(p) = &last.properties {
        let mut props = Vec::new();
        if let Some(v) = p.payload_format_indicator {
            props.push(format!("payload-format {v}"));
        }
        if let Some(v) = &p.content_type {
            props.push(format!("content-type {v}"));
        }
        if let Some(v) = p.message_expiry_interval {
            props.push(format!("expiry {v}s"));
        }
        if let Some(v) = &p.response_topic {
            props.push(format!("response-topic {v}"));
        }
        if let Some(v) = &p.correlation_data {
            props.push(format!("correlation {}", payload::one_line(v)));
        }
        if let Some(v) = p.topic_alias {
            props.push(format!("alias {v}"));
        }
        for (k, v) in &p.user_properties {
            props.push(format!("{k}={v}"));
        }
        if !p.subscription_identifiers.is_empty() {
            let ids: Vec<String> = p
                .subscription_identifiers
                .iter()
                .map(|i| i.to_string())
                .collect();
            props.push(format!("subscription-id {}", ids.join(",")));
        }
        lines.push(Line::from(vec![
            Span::styled("MQTT 5 ", dim),
            Span::raw(props.join(" · ")),
        ]));
    }
    let mut series: Vec<_> = d.series.iter().collect();
    series.sort_by_key(|(name, _)| name != "value");
    for (name, series) in series.into_iter().take(3) {
        let values: Vec<f64> = series.values().collect();
        let (lo, hi) = series.min_max().unwrap_or_default();
        let label = format!(
            "{name}: {} (min {} max {})",
            number(series.last().unwrap_or_default()),
            number(lo),
            number(hi)
        );
        lines.push(Line::from(fit(&label, width)));
        lines.push(Line::from(Span::styled(
            sparkline(&values, width),
            cx.theme.fg(Color::Cyan),
        )));
    }
    lines.push(Line::from(Span::styled("last payload", dim)));
    let pretty = payload::pretty(&last.payload);
    let shown = pretty.len().min(8);
    for l in &pretty[..shown] {
        lines.push(Line::from(fit(l, width)));
    }
    if pretty.len() > shown {
        lines.push(Line::from(Span::styled(
            format!("… {} more lines", pretty.len() - shown),
            dim,
        )));
    }
    lines.push(Line::from(Span::styled(
        format!("last {} messages", d.history.len()),
        dim,
    )));
    for r in d.history.iter().rev() {
        let time = iso8601_millis(r.at);
        let time = time.get(11..23).unwrap_or(&time).to_owned();
        lines.push(Line::from(vec![
            Span::styled(time, dim),
            Span::raw(format!(
                " {}",
                fit(&payload::one_line(&r.payload), width.saturating_sub(13))
            )),
        ]));
    }
    lines
}

fn draw_detail(f: &mut Frame, state: &TopState, area: Rect, cx: &DrawContext) {
    let block = pane(" detail ".into(), cx);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = usize::from(inner.width);
    let Some(id) = cx.ui.selected else {
        return;
    };
    let node = state.tree.node(id);
    let lines = match &node.data {
        Some(d) => detail_lines(&node.topic, d, state, id, width, cx),
        None => vec![
            Line::from(Span::styled(
                node.topic.clone(),
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Line::from(format!(
                "{} msgs · {}/s below this level, {} levels under it",
                node.count,
                rate_text(state.rate(id, cx.now)),
                node.children.len()
            )),
        ],
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn draw_presence(f: &mut Frame, state: &TopState, area: Rect, cx: &DrawContext) {
    let devices = state.presence.devices();
    let up = devices
        .values()
        .filter(|d| d.state == State::Online)
        .count();
    let block = pane(
        format!(" presence: {up} up, {} down ", devices.len() - up),
        cx,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    if devices.is_empty() {
        f.render_widget(
            Paragraph::new("no device status seen yet (…/status: online/offline)"),
            inner,
        );
        return;
    }
    let width = usize::from(inner.width);
    let lines: Vec<Line> = devices
        .iter()
        .map(|(name, d)| {
            let (mark, style) = match d.state {
                State::Online => ("●", cx.theme.fg(Color::Green)),
                State::Offline => ("○", cx.theme.fg(Color::Red)),
                State::Other(_) => ("?", cx.theme.fg(Color::Yellow)),
            };
            let since = short_duration(cx.wall.duration_since(d.since).unwrap_or_default());
            let name_w = width.saturating_sub(20).max(6);
            Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::raw(format!("{:<name_w$} ", fit(name, name_w))),
                Span::styled(format!("{:<8}", fit(d.state.as_str(), 8)), style),
                Span::raw(format!(" {since:>4}")),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_broker(f: &mut Frame, state: &TopState, area: Rect, cx: &DrawContext) {
    let block = pane(" broker ".into(), cx);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let b = &state.broker;
    if !b.seen() {
        f.render_widget(
            Paragraph::new("no $SYS from this broker yet").wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let opt = |v: Option<u64>| v.map_or("–".to_string(), |v| v.to_string());
    let rate = |r: Option<f64>| r.map_or("–".to_string(), rate_text);
    let uptime = b.uptime.map_or("–".to_string(), |s| {
        short_duration(std::time::Duration::from_secs(s))
    });
    let lines = vec![
        Line::from(format!("clients {}   uptime {uptime}", opt(b.clients))),
        Line::from(format!(
            "msgs/s in {}  out {}",
            rate(b.received.rate),
            rate(b.sent.rate)
        )),
        Line::from(format!(
            "total in {}  out {}",
            opt(b.received.value),
            opt(b.sent.value)
        )),
        Line::from(b.version.clone().unwrap_or_default()),
    ];
    f.render_widget(Paragraph::new(lines), inner);
}

/// The keys, as the help overlay lists them.
pub const HELP: &[(&str, &str)] = &[
    ("↑ ↓  j k", "move; PgUp PgDn, Home End (g G) jump"),
    ("← →  h l", "fold, unfold (← on a leaf: up a level)"),
    ("Enter Space", "fold or unfold"),
    ("/", "filter topics (Enter keeps it, Esc clears)"),
    ("Esc", "clear the filter"),
    ("p", "pause: freeze the view (messages still counted)"),
    ("c", "clear the selected retained message (asks)"),
    ("y", "copy the last payload (OSC 52 clipboard)"),
    ("?", "this help (any key closes it)"),
    ("q  Ctrl-C", "quit"),
];

fn draw_help(f: &mut Frame, area: Rect) {
    let width = 64.min(area.width);
    let height = (HELP.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let lines: Vec<Line> = HELP
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(
                    format!(" {k:<12}"),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" keys ")),
        rect,
    );
}
