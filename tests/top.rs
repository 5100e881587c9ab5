//! `mqttkit top` end to end, in a real terminal: tmux runs it against the bundled broker
//! (`mqttkit broker -p 0`, its `$SYS` every second) with `mqttkit sim` publishing; keys go
//! in with `tmux send-keys`, and what the screen shows comes back with `tmux capture-pane`.
//! Every wait polls the screen until a deadline; nothing asserts on timing.

use crate::common;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::ListenersProcess;
use assert_cmd::cargo::CommandCargoExt;

/// How long a screen may take to show what a test waits for.
const DEADLINE: Duration = Duration::from_secs(15);

/// True (after saying why) when tmux is missing; with MQTTKIT_REQUIRE_PEERS=1 that fails.
fn skip_without_tmux() -> bool {
    if common::which("tmux").is_some() {
        return false;
    }
    if std::env::var_os("MQTTKIT_REQUIRE_PEERS").is_some() {
        panic!("tmux is required (MQTTKIT_REQUIRE_PEERS is set) but not installed");
    }
    eprintln!("SKIPPED: tmux is not installed (apt-get install -y tmux); top needs a terminal");
    true
}

fn mqttkit_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("mqttkit")
}

/// A tmux server of its own (its socket in a temporary directory) with one 80×24 window.
struct Tmux {
    dir: tempfile::TempDir,
}

impl Tmux {
    /// Runs `command` (a shell line) in a new window; after it ends the shell prints
    /// `TOP-EXITED rc=N` and stays, so the screen it leaves behind can be read.
    fn start(command: &str) -> Tmux {
        let tmux = Tmux {
            dir: tempfile::tempdir().unwrap(),
        };
        let line = format!("{command}; echo TOP-EXITED rc=$?; sleep 600");
        let out = tmux
            .cmd(&["new-session", "-d", "-x", "80", "-y", "24", &line])
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux: {}", common::stderr(&out));
        tmux
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("tmux.sock")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S")
            .arg(self.socket())
            .args(["-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// The screen with its colours and attributes as escape sequences.
    fn screen_escaped(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-e"]).stdout).into_owned()
    }

    /// The screen as text.
    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p"]).stdout).into_owned()
    }

    /// Whether the program in the window is on the alternate screen.
    fn alternate_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Sends keys (tmux key names: `j`, `Enter`, `C-c`, or literal text).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    /// Waits until the screen satisfies `ok`, and returns it; fails with the last screen.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen shows every one of `texts`.
    fn wait_all(&self, texts: &[&str]) -> String {
        self.wait_for(&format!("{texts:?}"), |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The bundled broker publishing `$SYS` every second, on `port` (0: any).
fn broker(port: u16) -> ListenersProcess {
    let port = port.to_string();
    // A port just freed by a killed broker can take a moment to bind again.
    let end = Instant::now() + DEADLINE;
    loop {
        let started = std::panic::catch_unwind(|| {
            ListenersProcess::start_raw(&["-p", &port, "--sys-interval", "1"], 1)
        });
        match started {
            Ok(b) => return b,
            Err(e) if Instant::now() > end => std::panic::resume_unwind(e),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// `mqttkit sim` with two devices with presence, a reading every 200 ms.
fn sim(port: u16) -> Child {
    Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["sim", "-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["--devices", "2", "--status", "-q", "1", "--duration", "60s"])
        .args(["--sensor", "temperature:200ms:20..30", "--seed", "7"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The shell line running top against `port` with `extra` flags.
fn top_line(bin: &Path, port: u16, extra: &str) -> String {
    top_line_with(bin, port, "--color never", extra)
}

/// [`top_line`] with other colour settings (`color`: e.g. `--color always`, or empty).
fn top_line_with(bin: &Path, port: u16, color: &str, extra: &str) -> String {
    format!(
        "{} top -h 127.0.0.1 -p {port} {color} {extra}",
        bin.display()
    )
}

#[test]
fn top_shows_topics_values_and_presence_navigates_filters_and_quits() {
    if skip_without_tmux() {
        return;
    }
    let broker = broker(0);
    let port = broker.port("mqtt");
    let mut sim = sim(port);
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), port, ""));
    // The tree, the readings, presence of both devices and the broker panel.
    let screen = tmux.wait_all(&[
        "● connected",
        "▾ sensors",
        "temperature",
        "● devices/dev-1",
        "● devices/dev-2",
        "online",
        "clients ",
        "msgs/s in ",
    ]);
    assert!(tmux.alternate_on(), "top draws on the alternate screen");
    assert!(screen.contains("presence: 2 up, 0 down"), "{screen}");

    // Filter the tree down to the temperature topics.
    tmux.keys(&["/", "temp", "Enter"]);
    let screen = tmux.wait_all(&["filter \"temp\""]);
    assert!(
        !screen.contains("status "),
        "devices/…/status filtered out:\n{screen}"
    );
    // Rows: sensors, dev-1, temperature, dev-2, temperature: two down is dev-1's.
    tmux.keys(&["j", "j"]);
    let screen = tmux.wait_all(&["sensors/dev-1/temperature", "not retained", "value: "]);
    assert!(screen.contains("last payload"), "{screen}");
    // Help opens on ? and any key closes it.
    tmux.keys(&["?"]);
    tmux.wait_all(&[" keys ", "filter topics"]);
    tmux.keys(&["Escape"]);
    tmux.wait_for("the help to close", |s| !s.contains("filter topics"));
    // Folding: left on a leaf goes up, left again folds dev-1.
    // (Esc and a key sent together would read as Alt and the key.)
    tmux.keys(&["Escape"]);
    tmux.wait_for("the filter to clear", |s| !s.contains("filter \""));
    tmux.keys(&["g", "j", "Left"]);
    tmux.wait_for("dev-1 folded", |s| s.contains("▸ dev-1"));

    // The devices vanish without a word: the broker publishes their wills.
    let _ = sim.kill();
    let _ = sim.wait();
    tmux.wait_all(&["presence: 0 up, 2 down", "○ devices/dev-1", "offline"]);

    tmux.keys(&["q"]);
    let screen = tmux.wait_all(&["TOP-EXITED rc=0"]);
    assert!(!tmux.alternate_on(), "the alternate screen was left");
    assert!(
        !screen.contains("▾ sensors"),
        "top's screen is gone:\n{screen}"
    );
}

#[test]
fn top_shows_an_outage_and_recovers_when_the_broker_restarts() {
    if skip_without_tmux() {
        return;
    }
    let first = broker(0);
    let port = first.port("mqtt");
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), port, "-t 'after/#'"));
    tmux.wait_all(&["● connected", "clients "]);
    drop(first); // SIGKILL
    tmux.wait_all(&["✖ connection lost"]);
    let _second = broker(port);
    tmux.wait_all(&["● connected", "outages 1"]);
    // Subscribed again on the new broker: a message published now shows up.
    let publish = common::mqttkit(port, &["pub", "-t", "after/restart", "-m", "42", "-q", "1"])
        .output()
        .unwrap();
    assert!(publish.status.success(), "{}", common::stderr(&publish));
    tmux.wait_all(&["restart", "42"]);
    tmux.keys(&["C-c"]);
    tmux.wait_all(&["TOP-EXITED rc=0"]);
    assert!(!tmux.alternate_on());
}

#[test]
fn a_connection_given_up_ends_top_with_the_terminal_restored() {
    if skip_without_tmux() {
        return;
    }
    let b = broker(0);
    let port = b.port("mqtt");
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), port, "--max-reconnects 0"));
    tmux.wait_all(&["● connected"]);
    drop(b);
    let screen = tmux.wait_all(&["TOP-EXITED rc=1"]);
    assert!(
        screen.contains("mqttkit: error: connection lost"),
        "{screen}"
    );
    assert!(!tmux.alternate_on());
}

#[test]
fn without_a_terminal_top_points_to_sub_json_and_exits_2() {
    // stdout a pipe.
    let out = common::mqttkit(1, &["top"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("needs a terminal (stdout is not a terminal)"),
        "{err}"
    );
    assert!(err.contains("mqttkit sub -t '#' --json"), "{err}");
    // A terminal that cannot draw.
    if skip_without_tmux() {
        return;
    }
    let line = format!("TERM=dumb {} top -p 1", mqttkit_bin().display());
    let tmux = Tmux::start(&line);
    let screen = tmux.wait_all(&["TOP-EXITED rc=2"]);
    assert!(screen.contains("(TERM is dumb)"), "{screen}");
}

#[test]
fn demo_on_a_terminal_opens_top_on_its_broker_with_a_hint() {
    if skip_without_tmux() {
        return;
    }
    let port = common::free_port();
    let line = format!(
        "{} demo -p {port} --devices 2 --color never",
        mqttkit_bin().display()
    );
    let tmux = Tmux::start(&line);
    let hint = format!("try: mqttkit sub -h 127.0.0.1 -p {port} -t 'sensors/#' -v");
    tmux.wait_all(&[
        &hint,
        &format!("127.0.0.1:{port}"),
        "● connected",
        "▾ sensors",
        "pressure",
        "presence: 2 up, 0 down",
        "clients 3",
    ]);
    assert!(tmux.alternate_on());
    tmux.keys(&["q"]);
    let screen = tmux.wait_all(&["TOP-EXITED rc=0"]);
    assert!(
        screen.contains("readings published by 2 devices; broker stopped"),
        "{screen}"
    );
    assert!(!tmux.alternate_on());
}

#[test]
fn demo_plain_keeps_the_scrolling_log_on_a_terminal() {
    if skip_without_tmux() {
        return;
    }
    let port = common::free_port();
    let line = format!(
        "{} demo -p {port} --devices 1 --plain --duration 2s --color never",
        mqttkit_bin().display()
    );
    let tmux = Tmux::start(&line);
    let screen = tmux.wait_all(&["TOP-EXITED rc=0"]);
    assert!(screen.contains("a broker on 127.0.0.1:"), "{screen}");
    assert!(screen.contains("dev-1    is online"), "{screen}");
    assert!(!screen.contains("▾ sensors"), "{screen}");
}

#[test]
fn c_clears_a_retained_message_after_asking() {
    if skip_without_tmux() {
        return;
    }
    let b = broker(0);
    let port = b.port("mqtt");
    let publish = common::mqttkit(port, &["pub", "-t", "keep/me", "-m", "on", "-r", "-q", "1"])
        .output()
        .unwrap();
    assert!(publish.status.success(), "{}", common::stderr(&publish));
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), port, "-t 'keep/#'"));
    tmux.wait_all(&["me ", "on ", "0r"]);
    // Rows: keep, me.
    tmux.keys(&["j", "c"]);
    tmux.wait_all(&["Clear the retained message on keep/me? y/N"]);
    tmux.keys(&["n"]);
    tmux.wait_all(&["kept the retained message"]);
    tmux.keys(&["c"]);
    tmux.wait_all(&["Clear the retained message on keep/me? y/N"]);
    tmux.keys(&["y"]);
    // The empty message comes back to top's subscription, and the broker keeps nothing.
    tmux.wait_all(&["cleared the retained message on keep/me", "(empty)"]);
    let end = Instant::now() + DEADLINE;
    loop {
        let sub = common::mqttkit(port, &["sub", "-t", "keep/me", "-C", "1", "-W", "1"])
            .output()
            .unwrap();
        if sub.status.code() == Some(27) {
            break; // timed out: no retained message
        }
        assert!(Instant::now() < end, "still retained: {:?}", sub.stdout);
    }
    tmux.keys(&["q"]);
    tmux.wait_all(&["TOP-EXITED rc=0"]);
}

#[test]
fn mqtt5_properties_show_in_the_detail_pane() {
    if skip_without_tmux() {
        return;
    }
    let b = broker(0);
    let port = b.port("mqtt");
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), port, "-V 5 -t 'v5/#'"));
    tmux.wait_all(&["MQTT 5", "● connected"]);
    let publish = common::mqttkit(port, &["pub", "-V", "5", "-t", "v5/cmd", "-m", "on"])
        .args(["--content-type", "text/plain", "--user-property", "src=ci"])
        .output()
        .unwrap();
    assert!(publish.status.success(), "{}", common::stderr(&publish));
    tmux.wait_all(&["cmd "]);
    tmux.keys(&["j"]);
    // (The detail pane wraps the properties' line at 80 columns.)
    tmux.wait_all(&["v5/cmd", "MQTT 5 content-type text/plain", "src=ci"]);
    tmux.keys(&["q"]);
    tmux.wait_all(&["TOP-EXITED rc=0"]);
}

#[test]
fn a_refused_subscription_ends_top_with_26_and_a_refused_sys_is_only_an_empty_panel() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let acl = common::write_file(dir.path(), "acl", "topic readwrite allowed/#\n");
    let acl = acl.display().to_string();
    let b = ListenersProcess::start_raw(&["-p", "0", "--sys-interval", "1", "--acl-file", &acl], 1);
    let port = b.port("mqtt");
    // $SYS/# is refused by the ACL: top keeps running without the broker panel.
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), port, "-t 'allowed/#'"));
    tmux.wait_all(&["● connected"]);
    let publish = common::mqttkit(port, &["pub", "-t", "allowed/x", "-m", "7", "-q", "1"])
        .output()
        .unwrap();
    assert!(publish.status.success(), "{}", common::stderr(&publish));
    tmux.wait_all(&["x ", "7 ", "no $SYS from this broker yet"]);
    tmux.keys(&["q"]);
    tmux.wait_all(&["TOP-EXITED rc=0"]);
    drop(tmux);
    // A refused filter of the user's own ends top (SUBACK 0x80).
    let tmux = Tmux::start(&top_line(
        &mqttkit_bin(),
        port,
        "-t 'allowed/#' -t 'forbidden/#'",
    ));
    let screen = tmux.wait_all(&["TOP-EXITED rc=26"]);
    assert!(
        screen.contains("the broker refused the subscription to forbidden/#"),
        "{screen}"
    );
    assert!(!tmux.alternate_on());
}

#[test]
fn top_redraws_at_a_new_size() {
    if skip_without_tmux() {
        return;
    }
    let b = broker(0);
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), b.port("mqtt"), ""));
    tmux.wait_all(&["● connected", "q quit"]);
    assert!(tmux
        .run(&["resize-window", "-x", "120", "-y", "40"])
        .status
        .success());
    let screen = tmux.wait_for("the footer on line 40 and borders 120 wide", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() == 40
            && lines[39].contains("q quit")
            && lines[1].chars().count() == 120
            && lines[1].ends_with('┐')
    });
    assert!(screen.contains("presence: "), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_all(&["TOP-EXITED rc=0"]);
}

#[test]
fn colour_follows_no_color_and_the_color_flag() {
    if skip_without_tmux() {
        return;
    }
    let b = broker(0);
    let port = b.port("mqtt");
    // A foreground colour: SGR 30-37, 90-97 or 38;… (tmux writes what each cell has).
    let coloured = |s: &str| {
        s.split("\x1b[").skip(1).any(|seq| {
            let params = seq.split('m').next().unwrap_or_default();
            params
                .split(';')
                .any(|p| matches!(p.parse::<u8>(), Ok(30..=38 | 90..=97)))
        })
    };
    for (env, color, want) in [
        ("NO_COLOR=1", "", false),
        ("", "--color never", false),
        ("NO_COLOR=1", "--color always", true),
        ("", "", true),
    ] {
        let line = format!("{env} {}", top_line_with(&mqttkit_bin(), port, color, ""));
        let tmux = Tmux::start(&line);
        tmux.wait_all(&["● connected", "clients "]);
        let screen = tmux.screen_escaped();
        assert_eq!(coloured(&screen), want, "{line}:\n{screen:?}");
        tmux.keys(&["q"]);
        tmux.wait_all(&["TOP-EXITED rc=0"]);
    }
}

#[test]
fn demo_duration_ends_its_top_by_itself() {
    if skip_without_tmux() {
        return;
    }
    let port = common::free_port();
    let line = format!(
        "{} demo -p {port} --devices 1 --duration 2s --color never",
        mqttkit_bin().display()
    );
    let tmux = Tmux::start(&line);
    tmux.wait_all(&["● connected"]);
    let screen = tmux.wait_all(&["TOP-EXITED rc=0"]);
    assert!(
        screen.contains("published by 1 devices; broker stopped"),
        "{screen}"
    );
    assert!(!tmux.alternate_on());
}

#[test]
fn y_copies_the_last_payload_with_osc_52() {
    if skip_without_tmux() {
        return;
    }
    let b = broker(0);
    let port = b.port("mqtt");
    let tmux = Tmux::start(&top_line(&mqttkit_bin(), port, "-t 'copy/#'"));
    // With set-clipboard on, tmux takes an OSC 52 from the program into a paste buffer.
    assert!(tmux
        .run(&["set-option", "-g", "set-clipboard", "on"])
        .status
        .success());
    tmux.wait_all(&["● connected"]);
    let payload = r#"{"a":1, "b":"two words"}"#;
    let publish = common::mqttkit(port, &["pub", "-t", "copy/me", "-m", payload, "-q", "1"])
        .output()
        .unwrap();
    assert!(publish.status.success(), "{}", common::stderr(&publish));
    tmux.wait_all(&["me "]);
    tmux.keys(&["j", "y"]);
    tmux.wait_all(&["copied 24 bytes to the clipboard (OSC 52)"]);
    let end = Instant::now() + DEADLINE;
    loop {
        let buffer = tmux.run(&["show-buffer"]);
        if String::from_utf8_lossy(&buffer.stdout) == payload {
            break; // the payload as sent, not as shown
        }
        assert!(Instant::now() < end, "buffer: {:?}", buffer);
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.keys(&["q"]);
    tmux.wait_all(&["TOP-EXITED rc=0"]);
}
