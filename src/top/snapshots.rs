//! The drawing, checked on ratatui's test backend at 80×24 and 160×48: what each pane
//! shows for a known state.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;
use rumqttc::QoS;

use crate::conn::{Message, PublishProperties};
use crate::presence::Presence;

use super::state::{ConnInfo, Link, TopState};
use super::ui::{Mode, Ui};
use super::view::{self, DrawContext, Theme};

/// The wall clock of the fixture: 2026-12-02T10:00:00Z.
fn wall(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_205_600 + secs)
}

fn message(topic: &str, payload: &str, retain: bool) -> Message {
    Message {
        topic: topic.into(),
        payload: Bytes::copy_from_slice(payload.as_bytes()),
        qos: QoS::AtLeastOnce,
        retain,
        pkid: 1,
        properties: None,
    }
}

/// Two devices, one online and one gone offline, readings, $SYS, a binary payload and an
/// MQTT 5 message; the clock at 20 s after the start.
fn fixture() -> (TopState, Instant) {
    let epoch = Instant::now();
    let conn = ConnInfo {
        endpoint: "127.0.0.1:1883".into(),
        protocol: "MQTT 5",
        link: Link::Connected(wall(0)),
        outages: 0,
    };
    let mut s = TopState::new(50, Presence::status_topics(), conn, epoch);
    let at = |t: u64| (epoch + Duration::from_secs(t), wall(t));
    let (now, w) = at(1);
    s.fold(&message("devices/dev-1/status", "online", true), now, w);
    s.fold(&message("devices/dev-2/status", "online", true), now, w);
    for i in 0..10u64 {
        let (now, w) = at(10 + i);
        let t = 20.0 + i as f64 / 2.0;
        let reading = format!(
            r#"{{"device":"dev-1","sensor":"temperature","value":{t},"unit":"C","seq":{i}}}"#
        );
        s.fold(
            &message("sensors/dev-1/temperature", &reading, false),
            now,
            w,
        );
        s.fold(
            &message("sensors/dev-2/pressure", &format!("{}", 1000 + i), false),
            now,
            w,
        );
    }
    let (now, w) = at(15);
    s.fold(&message("devices/dev-2/status", "offline", true), now, w);
    s.fold(&message("raw/blob", "\u{0}\u{1}\u{2}", false), now, w);
    let mut v5 = message("cmd/pump", r#"{"on":true}"#, false);
    v5.properties = Some(PublishProperties {
        content_type: Some("application/json".into()),
        user_properties: vec![("source".into(), "ci".into())],
        ..PublishProperties::default()
    });
    s.fold(&v5, now, w);
    for (topic, value) in [
        ("$SYS/broker/clients/connected", "3"),
        ("$SYS/broker/uptime", "125 seconds"),
        ("$SYS/broker/version", "mqttkit 0.1.0"),
        ("$SYS/broker/messages/received", "100"),
    ] {
        s.fold(&message(topic, value, true), at(10).0, wall(10));
    }
    s.fold(
        &message("$SYS/broker/messages/received", "150", true),
        at(20).0,
        wall(20),
    );
    (s, epoch + Duration::from_secs(20))
}

fn render(state: &TopState, ui: &mut Ui, now: Instant, w: u16, h: u16, color: bool) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            view::draw(
                f,
                state,
                DrawContext {
                    ui,
                    now,
                    wall: wall(20),
                    theme: Theme { color },
                    hint: None,
                },
            )
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

fn lines(b: &Buffer) -> Vec<String> {
    (0..b.area.height)
        .map(|y| {
            (0..b.area.width)
                .map(|x| b[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

fn select(ui: &mut Ui, state: &TopState, topic: &str) {
    ui.selected = state.tree.find(topic);
}

#[test]
fn at_80x24_every_pane_shows_its_part() {
    let (s, now) = fixture();
    let mut ui = Ui::default();
    select(&mut ui, &s, "sensors/dev-1/temperature");
    let screen = lines(&render(&s, &mut ui, now, 80, 24, false));
    let text = screen.join("\n");
    println!("{text}");
    let expected = include_str!("snapshots/80x24.txt");
    assert_eq!(text, expected.trim_end_matches('\n'));
}

#[test]
fn at_160x48_the_detail_pane_has_history_json_properties_and_a_sparkline() {
    let (s, now) = fixture();
    let mut ui = Ui::default();
    select(&mut ui, &s, "sensors/dev-1/temperature");
    let text = lines(&render(&s, &mut ui, now, 160, 48, false)).join("\n");
    println!("{text}");
    for want in [
        "sensors/dev-1/temperature",
        "QoS 1 · not retained · 10 msgs",
        "value: 24.5 (min 20 max 24.5)",
        "▁▂▃▃▄▅▆▆▇█",
        "\"sensor\": \"temperature\",",
        "last 10 messages",
        r#"10:00:19.000 {"device":"dev-1","sensor":"temperature","value":24.5,"unit"…"#,
        "10:00:10.000",
        "● devices/dev-1",
        "○ devices/dev-2",
        "offline",
        "clients 3   uptime 2m",
        "msgs/s in 5.0",
        "mqttkit 0.1.0",
    ] {
        assert!(text.contains(want), "missing {want:?}");
    }
    select(&mut ui, &s, "cmd/pump");
    let text = lines(&render(&s, &mut ui, now, 160, 48, false)).join("\n");
    assert!(
        text.contains("MQTT 5 content-type application/json · source=ci"),
        "{text}"
    );
    select(&mut ui, &s, "raw/blob");
    let text = lines(&render(&s, &mut ui, now, 160, 48, false)).join("\n");
    assert!(text.contains("00 01 02"), "binary as hex: {text}");
}

#[test]
fn help_filter_question_and_pause_show_where_expected() {
    let (s, now) = fixture();
    let mut ui = Ui {
        mode: Mode::Help,
        ..Ui::default()
    };
    let text = lines(&render(&s, &mut ui, now, 80, 24, false)).join("\n");
    assert!(text.contains(" keys "), "{text}");
    assert!(
        text.contains("copy the last payload (OSC 52 clipboard)"),
        "{text}"
    );
    ui.mode = Mode::Filter;
    ui.filter = "press".into();
    let screen = lines(&render(&s, &mut ui, now, 80, 24, false));
    assert!(screen[23].starts_with(" filter: press█"), "{}", screen[23]);
    let text = screen.join("\n");
    assert!(
        text.contains("pressure") && !text.contains("temperature"),
        "{text}"
    );
    ui.mode = Mode::ConfirmClear("devices/dev-1/status".into());
    ui.filter.clear();
    ui.paused = true;
    let screen = lines(&render(&s, &mut ui, now, 80, 24, false));
    assert!(
        screen[23].starts_with(" Clear the retained message on devices/dev-1/status? y/N"),
        "{}",
        screen[23]
    );
    assert!(screen[0].contains("PAUSED"), "{}", screen[0]);
}

#[test]
fn a_lost_connection_is_shown_in_the_header() {
    let (mut s, now) = fixture();
    s.down(wall(12), "connection refused".into());
    s.down(wall(14), "connection refused".into());
    let screen = lines(&render(&s, &mut Ui::default(), now, 160, 48, false));
    assert!(
        screen[0]
            .contains("✖ connection lost 8s ago, reconnecting (attempt 2): connection refused"),
        "{}",
        screen[0]
    );
    assert!(screen[0].contains("outages 1"), "{}", screen[0]);
}

#[test]
fn colour_only_when_asked_for() {
    let (s, now) = fixture();
    let coloured = |b: &Buffer| b.content.iter().any(|c| c.fg != Color::Reset);
    assert!(!coloured(&render(
        &s,
        &mut Ui::default(),
        now,
        80,
        24,
        false
    )));
    assert!(coloured(&render(&s, &mut Ui::default(), now, 80, 24, true)));
}

#[test]
fn tiny_and_empty_screens_draw_without_panicking() {
    let (s, now) = fixture();
    for (w, h) in [(1, 1), (20, 5), (40, 10), (79, 19)] {
        render(&s, &mut Ui::default(), now, w, h, true);
    }
    let empty = TopState::new(
        1,
        Presence::status_topics(),
        ConnInfo {
            endpoint: "h:1".into(),
            protocol: "MQTT 3.1.1",
            link: Link::Connecting,
            outages: 0,
        },
        now,
    );
    let text = lines(&render(&empty, &mut Ui::default(), now, 80, 24, false)).join("\n");
    assert!(text.contains("connecting…") && text.contains("waiting for messages…"));
    assert!(text.contains("no $SYS from this broker yet"));
}
