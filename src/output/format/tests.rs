//! Expected strings marked "measured" are what Debian's mosquitto_sub 2.0.11 (libmosquitto
//! 2.0.11, libcjson 1.7.15) printed, minus its trailing newline, for the same message:
//!
//! `mosquitto_sub -V 5 -p PORT -t '#' -C 1 -q 2 -F FORMAT` (no `-V 5` for the MQTT 3.1.1
//! messages, which have `properties: None`; `--pretty`, `-v` or no `-F` where a test says
//! so), TZ unset on a UTC host, with an LD_PRELOAD shim making
//! `clock_gettime(CLOCK_REALTIME)` return 1470818943.786368637 s (or the time the test
//! names), connected to a scripted broker that sends one PUBLISH: the test's topic, payload,
//! QoS, retain flag, packet id 7 at QoS 1 and 2, and v5 properties in the order subscription
//! identifier, user properties, content type, correlation data, response topic, payload
//! format indicator, message expiry interval, topic alias. The simpler cases were also
//! checked against a mosquitto 2.0.11 broker fed by `mosquitto_pub -V 5 -D publish
//! user-property k v -D publish content-type text/plain ...`. A differential run of this
//! module against mosquitto_sub over ~800 such cases differs only where the module
//! documentation says it does.

use std::io::{self, Write};
use std::time::{Duration, UNIX_EPOCH};

use super::cjson::{parse_json, print_json};
use super::*;

/// 2016-08-10T08:49:03.786368637Z, the example of mosquitto_sub's man page for %U.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::new(1_470_818_943, 786_368_637)
}

fn msg<'a>(topic: &'a str, payload: &'a [u8]) -> Received<'a> {
    Received {
        topic,
        payload,
        qos: 0,
        retain: false,
        mid: 0,
        received_at: t0(),
        properties: None,
    }
}

/// A QoS 1 or 2 message, retained, packet id 7.
fn msg_q<'a>(qos: u8, payload: &'a [u8], props: &'a PublishProperties) -> Received<'a> {
    Received {
        qos,
        retain: true,
        mid: 7,
        properties: Some(props),
        ..msg("t/abc", payload)
    }
}

/// What the tests call "all properties": `-D publish user-property k v -D publish
/// user-property k2 v2 -D publish content-type text/plain -D publish correlation-data corr
/// -D publish response-topic resp/t -D publish payload-format-indicator 1 -D publish
/// message-expiry-interval 3600`, subscription identifier 42.
fn all_props() -> PublishProperties {
    PublishProperties {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(3600),
        topic_alias: None,
        response_topic: Some("resp/t".into()),
        correlation_data: Some(b"corr".to_vec()),
        user_properties: vec![("k".into(), "v".into()), ("k2".into(), "v2".into())],
        subscription_identifiers: vec![42],
        content_type: Some("text/plain".into()),
    }
}

const JSON_PAYLOAD: &[u8] = br#"{"x":[1,2.50,"y"]}"#;

fn render_bytes(template: &str, m: &Received) -> Vec<u8> {
    let mut out = Vec::new();
    Template::parse(template)
        .unwrap()
        .write(m, &mut out)
        .unwrap();
    out
}

fn render(template: &str, m: &Received) -> String {
    String::from_utf8(render_bytes(template, m)).unwrap()
}

fn render_pretty(template: &str, m: &Received) -> String {
    let mut out = Vec::new();
    Template::parse_with(template, true)
        .unwrap()
        .write(m, &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn basic_specifiers_v311() {
    // measured: -F '[%%][%t][%p][%q][%r][%l][%m][%I][%U][%x][%X]', "hello" QoS 0 on t/abc
    assert_eq!(
        render(
            "[%%][%t][%p][%q][%r][%l][%m][%I][%U][%x][%X]",
            &msg("t/abc", b"hello")
        ),
        "[%][t/abc][hello][0][0][5][0][2016-08-10T08:49:03+0000][1470818943.786368637]\
         [68656c6c6f][68656C6C6F]"
    );
}

#[test]
fn basic_specifiers_v5_qos1_retained() {
    // measured: same -F, v5, QoS 1, retained, all properties, payload {"x":[1,2.50,"y"]}
    let props = all_props();
    assert_eq!(
        render(
            "[%%][%t][%p][%q][%r][%l][%m][%I][%U][%x][%X]",
            &msg_q(1, JSON_PAYLOAD, &props)
        ),
        r#"[%][t/abc][{"x":[1,2.50,"y"]}][1][1][18][7][2016-08-10T08:49:03+0000][1470818943.786368637]"#
            .to_string()
            + "[7b2278223a5b312c322e35302c2279225d7d][7B2278223A5B312C322E35302C2279225D7D]"
    );
}

#[test]
fn json_v311() {
    // measured: -F %j, "hello" QoS 0
    assert_eq!(
        render("%j", &msg("t/abc", b"hello")),
        r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":5,"payload":"hello"}"#
    );
    // measured: -F %J, {"x":[1,2.50,"y"]} QoS 0 (cJSON reprints 2.50 as 2.5)
    assert_eq!(
        render("%J", &msg("t/abc", JSON_PAYLOAD)),
        r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":18,"payload":{"x":[1,2.5,"y"]}}"#
    );
}

#[test]
fn json_v5_with_properties() {
    let props = all_props();
    // measured: -F %j, QoS 1, retained, all properties
    assert_eq!(
        render("%j", &msg_q(1, JSON_PAYLOAD, &props)),
        r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":1,"retain":1,"payloadlen":18,"mid":7,"properties":{"subscription-identifier":42,"user-properties":{"k":"v","k2":"v2"},"content-type":"text/plain","correlation-data":"corr","response-topic":"resp/t","payload-format-indicator":1,"message-expiry-interval":3600},"payload":"{\"x\":[1,2.50,\"y\"]}"}"#
    );
    // measured: -F %J, QoS 2, retained, all properties
    assert_eq!(
        render("%J", &msg_q(2, JSON_PAYLOAD, &props)),
        r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":2,"retain":1,"payloadlen":18,"mid":7,"properties":{"subscription-identifier":42,"user-properties":{"k":"v","k2":"v2"},"content-type":"text/plain","correlation-data":"corr","response-topic":"resp/t","payload-format-indicator":1,"message-expiry-interval":3600},"payload":{"x":[1,2.5,"y"]}}"#
    );
    // measured (mosquitto broker, mosquitto_pub -V 5 -m x): v5 without properties has no
    // "properties" key.
    let none = PublishProperties::default();
    let m = Received {
        properties: Some(&none),
        ..msg("t/abc", b"x")
    };
    assert_eq!(
        render("%j", &m),
        r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":1,"payload":"x"}"#
    );
}

#[test]
fn json_user_properties_keep_duplicates() {
    // measured (mosquitto broker): -D publish user-property k v -D publish user-property k
    // w -D publish user-property "" "", then -F %j
    let props = PublishProperties {
        user_properties: vec![
            ("k".into(), "v".into()),
            ("k".into(), "w".into()),
            (String::new(), String::new()),
        ],
        ..Default::default()
    };
    let m = Received {
        properties: Some(&props),
        ..msg("t/abc", b"x")
    };
    assert_eq!(
        render("%j|%P", &m),
        r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":1,"properties":{"user-properties":{"k":"v","k":"w","":""}},"payload":"x"}|k:v k:w :"#
    );
}

#[test]
fn v5_property_specifiers() {
    let props = all_props();
    let full = Received {
        properties: Some(&props),
        ..msg("t/abc", b"hello")
    };
    // measured: -F '[%A][%C][%D][%E][%F][%P][%R][%S]', all properties
    assert_eq!(
        render("[%A][%C][%D][%E][%F][%P][%R][%S]", &full),
        "[][text/plain][corr][3600][1][k:v k2:v2][resp/t][42]"
    );
    // measured: the same for MQTT 3.1.1, and for v5 without properties
    let none = PublishProperties::default();
    let v5_none = Received {
        properties: Some(&none),
        ..msg("t/abc", b"hello")
    };
    for m in [msg("t/abc", b"hello"), v5_none] {
        assert_eq!(
            render("[%A][%C][%D][%E][%F][%P][%R][%S]", &m),
            "[][][][][][][][]"
        );
        // measured: absent numbers still fill the width (zeros after 0, even with -), an
        // absent %C fills it with spaces, absent %D %P %R print nothing.
        assert_eq!(
            render("[%5A][%-5C][%5D][%05E][%-05F][%5P][%5R][%05S][%.3C]", &m),
            "[     ][     ][][00000][00000][][][00000][]"
        );
    }
    let mut with_alias = all_props();
    with_alias.topic_alias = Some(12);
    let m = Received {
        properties: Some(&with_alias),
        ..msg("t/abc", b"hello")
    };
    // measured: topic alias 12 and all properties
    assert_eq!(
        render("[%5A][%-5C][%5D][%05E][%-05F][%5P][%5R][%05S][%.3C]", &m),
        "[   12][text/plain][corr][03600][1    ][k:v k2:v2][resp/t][00042][tex]"
    );
    // measured: widths and precisions on every v5 specifier
    assert_eq!(
        render(
            "[%10E][%-10E][%010E][%.2E][%2E][%10F][%010S][%-10S][%15C][%-15C][%015C][%.2C]\
             [%10R][%-10R][%.2R][%10D][%.1D][%10P][%-10A][%05A][%.1A]",
            &m
        ),
        "[      3600][3600      ][0000003600][3600][3600][         1][0000000042][42        ]\
         [     text/plain][text/plain     ][     text/plain][te][    resp/t][resp/t    ][re]\
         [corr][corr][k:v k2:v2][12        ][00012][12]"
    );
}

#[test]
fn correlation_data_is_raw() {
    // measured (scripted broker, correlation data 00 ff 41): %D writes the bytes as they are
    let props = PublishProperties {
        correlation_data: Some(vec![0, 0xff, b'A']),
        ..Default::default()
    };
    let m = Received {
        properties: Some(&props),
        ..msg("t/abc", b"hi")
    };
    assert_eq!(render_bytes("[%D]", &m), b"[\x00\xffA]");
}

#[test]
fn several_subscription_identifiers() {
    // Not measurable: libmosquitto drops a PUBLISH with two subscription identifiers. Ours:
    // joined with commas, the width applying to each.
    let props = PublishProperties {
        subscription_identifiers: vec![1, 300],
        ..Default::default()
    };
    let m = Received {
        properties: Some(&props),
        ..msg("t/abc", b"hi")
    };
    assert_eq!(render("[%S][%04S]", &m), "[1,300][0001,0300]");
    assert!(render("%j", &m)
        .contains(r#""properties":{"subscription-identifier":1,"subscription-identifier":300}"#));
}

#[test]
fn escapes() {
    // measured: -F '[\\][\0][\a][\e][\n][\r][\t][\v]'
    assert_eq!(
        render_bytes(r"[\\][\0][\a][\e][\n][\r][\t][\v]", &msg("t/abc", b"hello")),
        b"[\\][\x00][\x07][\x1b][\n][\r][\t][\x0b]"
    );
    // measured: -F '%t\0%p\0' (NUL-separated records for xargs -0)
    assert_eq!(
        render_bytes(r"%t\0%p\0", &msg("t/abc", b"x")),
        b"t/abc\x00x\x00"
    );
}

#[test]
fn literals() {
    let m = msg("t/abc", b"hello");
    // measured: flags on %% are ignored; @@ and %% are literals; UTF-8 passes through
    assert_eq!(
        render("[%5%][%-%][%.2%][%05%] %%t @@Y %%%p lit é", &m),
        "[%][%][%][%] %t @Y %hello lit é"
    );
    // measured: -F '' prints an empty line
    assert_eq!(render("", &m), "");
}

#[test]
fn widths_on_strings() {
    // measured: %t is printf %*.*s (0 pads with spaces); %I the same
    let m = msg("t/abc", b"hello");
    assert_eq!(
        render(
            "[%10t][%-10t][%.2t][%8.3t][%010t][%2t][%.0t][%-08.3t][%-t][%.t]",
            &m
        ),
        "[     t/abc][t/abc     ][t/][     t/a][     t/abc][t/abc][][t/a     ][t/abc][]"
    );
    assert_eq!(
        render("[%30I][%-30I][%030I][%.2I]", &m),
        "[      2016-08-10T08:49:03+0000][2016-08-10T08:49:03+0000      ]\
         [      2016-08-10T08:49:03+0000][20]"
    );
}

#[test]
fn widths_on_numbers() {
    // measured: -F '[%10l][%-10l][%010l][%2l][%.2l][%-08.3l][%10m][%010m][%-l]', QoS 1
    let props = PublishProperties::default();
    let m = msg_q(1, b"hello", &props);
    assert_eq!(
        render(
            "[%10l][%-10l][%010l][%2l][%.2l][%-08.3l][%10m][%010m][%-l]",
            &m
        ),
        "[         5][5         ][0000000005][ 5][5][5       ][         7][0000000007][5]"
    );
}

#[test]
fn widths_ignored() {
    // measured: %q %r %U %j take no width or precision
    assert_eq!(
        render(
            "[%10q][%-5r][%05q][%20U][%10.3U][%60j]",
            &msg("t/abc", b"hello")
        ),
        r#"[0][0][0][1470818943.786368637][1470818943.786368637][{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":5,"payload":"hello"}]"#
    );
}

#[test]
fn widths_on_payload() {
    let m = msg("t/abc", b"hello");
    // measured: a width on %p is also the most shown; the precision is ignored
    assert_eq!(
        render(
            "[%10p][%-10p][%010p][%3p][%.2p][%-3p][%-08p][%00008p][%0p]",
            &m
        ),
        "[     hello][hello     ][00000hello][hel][hello][hel][hello   ][000hello][hello]"
    );
    // measured: %x/%X show as many bytes as fit in the width (here fewer than the payload)
    assert_eq!(
        render("[%4x][%5X][%-4x][%04X][%1x][%2x][%.2x][%x]", &m),
        "[6865][ 6865][6865][6865][ ][68][68656c6c6f][68656c6c6f]"
    );
}

#[test]
fn deviation_hex_width_longer_than_payload() {
    // mosquitto_sub -F '[%10x][%-10X][%010x][%5x]' shows only half of a shorter payload:
    // measured "[      6865][6865      ][0000006865]" for "hello" and "[     ]" for one
    // byte. Ours shows all of it.
    assert_eq!(
        render("[%10x][%-10X][%010x]", &msg("t/abc", b"hello")),
        "[68656c6c6f][68656C6C6F][68656c6c6f]"
    );
    assert_eq!(render("[%5x]", &msg("t/abc", b"\n")), "[   0a]");
    assert_eq!(render("[%12x]", &msg("t/abc", b"hello")), "[  68656c6c6f]");
}

#[test]
fn deviation_left_without_width() {
    // mosquitto_sub -F '[%-p][%-x]' appends as many spaces as the payload has bytes
    // (measured "[hello     ][68656c6c6f     ]"); ours adds none.
    assert_eq!(
        render("[%-p][%-x]", &msg("t/abc", b"hello")),
        "[hello][68656c6c6f]"
    );
}

#[test]
fn empty_payload() {
    // measured: mosquitto_pub -n, -F '[%p][%x][%X][%l][%5p][%-5x]|%j|%J'
    let m = msg("t/abc", b"");
    let json = r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":0,"payload":null}"#;
    assert_eq!(
        render("[%p][%x][%X][%l][%5p][%-5x]|%j|%J", &m),
        format!("[][][][0][     ][     ]|{json}|{json}")
    );
}

#[test]
fn binary_payload() {
    // measured: payload 61 00 62 01 1f 7f ff c3 a9, -F '[%p][%x][%X][%l]'
    assert_eq!(
        render_bytes(
            "[%p][%x][%X][%l]",
            &msg("t/abc", b"a\x00b\x01\x1f\x7f\xff\xc3\xa9")
        ),
        b"[a\x00b\x01\x1f\x7f\xff\xc3\xa9][610062011f7fffc3a9][610062011F7FFFC3A9][9]"
    );
}

#[test]
fn json_string_escapes() {
    // measured: payload 01 1f "abc" 7f "é" \t \n \r \b \f " \ / < > & U+2028, -F %j
    let payload = "\u{1}\u{1f}abc\u{7f}é\t\n\r\u{8}\u{c}\"\\/<>&\u{2028}";
    assert_eq!(
        render("%j", &msg("t/abc", payload.as_bytes())),
        "{\"tst\":\"2016-08-10T08:49:03.786368Z+0000\",\"topic\":\"t/abc\",\"qos\":0,\
         \"retain\":0,\"payloadlen\":22,\
         \"payload\":\"\\u0001\\u001fabc\u{7f}é\\t\\n\\r\\b\\f\\\"\\\\/<>&\u{2028}\"}"
    );
    // measured: topic t/"q\é, -F '%t|%j'
    assert_eq!(
        render("%t|%j", &msg("t/\"q\\é", b"hello")),
        r#"t/"q\é|{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/\"q\\é","qos":0,"retain":0,"payloadlen":5,"payload":"hello"}"#
    );
}

#[test]
fn deviation_json_non_utf8_and_nul() {
    // mosquitto_sub -F %j writes invalid UTF-8 as is (measured "payload":"\xff\xfeabc") and
    // stops at a NUL (measured "payload":"a" for a\0b); ours stays valid JSON.
    let out = render("%j", &msg("t/abc", b"\xff\xfeabc"));
    assert!(
        out.ends_with(r#""payloadlen":5,"payload":"��abc"}"#),
        "{out}"
    );
    let out = render("%j", &msg("t/abc", b"a\x00b"));
    assert!(
        out.ends_with(r#""payloadlen":3,"payload":"a\u0000b"}"#),
        "{out}"
    );
    // The same for correlation data (measured "correlation-data":"" for 00 ff 41).
    let props = PublishProperties {
        correlation_data: Some(vec![0, 0xff, b'A']),
        ..Default::default()
    };
    let m = Received {
        properties: Some(&props),
        ..msg("t/abc", b"hi")
    };
    assert!(render("%j", &m).contains(r#""properties":{"correlation-data":"\u0000�A"}"#));
}

#[test]
fn deviation_topic_alias_in_json() {
    // mosquitto_sub -F %j prints "topic-alias":0 for alias 3 (measured); ours the alias.
    let props = PublishProperties {
        topic_alias: Some(3),
        ..Default::default()
    };
    let m = Received {
        properties: Some(&props),
        ..msg("t/abc", b"hi")
    };
    assert_eq!(
        render("%A|%j", &m),
        r#"3|{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":2,"properties":{"topic-alias":3},"payload":"hi"}"#
    );
}

#[test]
fn deviation_large_message_expiry() {
    // mosquitto_sub -F '[%E][%05E]' prints an expiry above 2^31-1 as a negative number
    // (measured "[-2][-0002]" for 4294967294); ours prints the number.
    let props = PublishProperties {
        message_expiry_interval: Some(4_294_967_294),
        ..Default::default()
    };
    let m = Received {
        properties: Some(&props),
        ..msg("t/abc", b"hi")
    };
    assert_eq!(render("[%E][%05E]", &m), "[4294967294][4294967294]");
}

#[test]
fn json_embedded_values() {
    // measured: mosquitto_pub -m PAYLOAD, mosquitto_sub -F %J; the payload part of the output
    let cases: &[(&str, &str)] = &[
        ("0", "0"),
        ("-0", "-0"),
        ("-0.0", "-0"),
        ("1.0", "1"),
        ("1.5", "1.5"),
        ("0.1", "0.1"),
        ("12.50", "12.5"),
        ("1e10", "10000000000"),
        ("1e14", "100000000000000"),
        ("1e15", "1e+15"),
        ("1e20", "1e+20"),
        ("1E+2", "100"),
        ("1e+5", "100000"),
        ("1e-4", "0.0001"),
        ("1e-5", "1e-05"),
        ("0.000001", "1e-06"),
        ("-1.5e-7", "-1.5e-07"),
        ("0.0001234", "0.0001234"),
        ("123456.7", "123456.7"),
        ("2147483648", "2147483648"),
        ("-2147483649", "-2147483649"),
        ("1234567890123456", "1234567890123456"),
        ("123456789012345678", "1.2345678901234568e+17"),
        ("9007199254740993", "9.00719925474099e+15"),
        ("123456789012345.6", "123456789012345.59"),
        ("999999999999999.9", "1e+15"),
        ("0.30000000000000004", "0.3"),
        ("1.00000000000000011", "1"),
        ("3.14159265358979", "3.14159265358979"),
        ("100000000000000000000000", "1e+23"),
        ("5e-324", "4.94065645841247e-324"),
        ("2.5e-310", "2.50000000000002e-310"),
        ("1.7976931348623157e308", "1.79769313486232e+308"),
        ("1e400", "null"),
        ("-1e400", "null"),
        ("1e-400", "0"),
        ("01", "1"),
        ("-01", "-1"),
        ("00", "0"),
        ("1.", "1"),
        ("-.5", "-0.5"),
        ("1.e5", "100000"),
        (" [ 1 , 2 ] ", "[1,2]"),
        ("\u{1}[1]\u{1f}", "[1]"),
        ("[1,\u{b}2]", "[1,2]"),
        ("[ ]", "[]"),
        ("{ }", "{}"),
        (r#"{"a":{},"b":[[]]}"#, r#"{"a":{},"b":[[]]}"#),
        (r#"{"a":1,"a":2}"#, r#"{"a":1,"a":2}"#),
        ("[true,false,null]", "[true,false,null]"),
        (r#"{"":""}"#, r#"{"":""}"#),
        ("\"str\"", "\"str\""),
        (r#""\u0041\u00e9\u20ac\ud83d\ude00""#, "\"Aé€\u{1f600}\""),
        (r#""\uD83D\uDE00""#, "\"\u{1f600}\""),
        (r#""\/\b\f\n\r\t\"\\""#, r#""/\b\f\n\r\t\"\\""#),
        (r#""a\u0001b\u001fc\u007f""#, "\"a\\u0001b\\u001fc\u{7f}\""),
        ("\"a\tb\u{1}c\"", r#""a\tb\u0001c""#),
        ("\"é\"", "\"é\""),
        (
            r#"{"a":1,"a":2,"":[true,false,null,-0.0,"\u00e9\/"]}"#,
            r#"{"a":1,"a":2,"":[true,false,null,-0,"é/"]}"#,
        ),
    ];
    for (payload, expected) in cases {
        let parsed =
            parse_json(payload.as_bytes()).unwrap_or_else(|| panic!("{payload:?} should parse"));
        let mut out = Vec::new();
        print_json(&parsed, 0, false, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), *expected, "{payload:?}");
    }
}

#[test]
fn json_embedded_rejects_what_mosquitto_rejects() {
    // measured: mosquitto_sub -F %J prints "Error: Message payload is not valid JSON on
    // topic ..." for each of these.
    let invalid = [
        "notjson",
        "+1",
        ".5",
        "1e",
        "0x10",
        "-",
        "1.5.3",
        "1-2",
        "[1-2]",
        "[1,]",
        "{\"a\":1,}",
        "{a:1}",
        "{'a':1}",
        "nullx",
        "nul",
        "True",
        "1 2",
        "[1",
        "[1,2",
        "[1]]",
        "{}}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\" 1}",
        "{1:2}",
        "\"abc",
        "\"a\\",
        "\"x\"y\"",
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\ud83dx""#,
        r#""\ud83d\u0041""#,
        r#""\x""#,
        r#""\u00""#,
        r#""\u12"#,
        r#""\U0041""#,
        "\u{1}[1]\u{7f}",
        " ",
        "\n",
        "{\"a\":1} x",
    ];
    for payload in invalid {
        assert!(!is_json(payload.as_bytes()), "{payload:?}");
    }
    // measured: a NUL anywhere, and (ours) invalid UTF-8
    for payload in [&b"\x00"[..], b"[1]\x00", b"\"\xff\""] {
        assert!(!is_json(payload), "{payload:?}");
    }
    // measured: cJSON nests 1000 levels, not 1001
    let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(is_json(nest(1000).as_bytes()));
    assert!(!is_json(nest(1001).as_bytes()));
    let nest = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    assert!(is_json(nest(1000).as_bytes()));
    assert!(!is_json(nest(1001).as_bytes()));
    assert!(is_json(b""));
}

#[test]
fn deviation_json_embedded_fallback() {
    // mosquitto_sub -F 'a%Jb' prints "ab" and an error on stderr for a payload that is not
    // JSON (measured); ours embeds it as a string, as %j does.
    let m = msg("t/abc", b"notjson");
    assert_eq!(render("a%Jb", &m), format!("a{}b", render("%j", &m)));
    let t = Template::parse("a%Jb").unwrap();
    assert!(t.embeds_json());
    assert!(!Template::parse("%j").unwrap().embeds_json());
}

#[test]
fn pretty() {
    // measured: --pretty -F 'a%jb%Jc', QoS 1, subscription identifier 3, user properties
    // k=v k2=v2, content type a/b
    let props = PublishProperties {
        subscription_identifiers: vec![3],
        user_properties: vec![("k".into(), "v".into()), ("k2".into(), "v2".into())],
        content_type: Some("a/b".into()),
        ..Default::default()
    };
    let m = Received {
        retain: false,
        ..msg_q(1, br#"{"a":[1,{"b":{}}],"c":[],"d":{"e":"f"}}"#, &props)
    };
    let head = "{\n\t\"tst\":\t\"2016-08-10T08:49:03.786368Z+0000\",\n\t\"topic\":\t\"t/abc\",\
                \n\t\"qos\":\t1,\n\t\"retain\":\t0,\n\t\"payloadlen\":\t39,\n\t\"mid\":\t7,\
                \n\t\"properties\":\t{\n\t\t\"subscription-identifier\":\t3,\
                \n\t\t\"user-properties\":\t{\n\t\t\t\"k\":\t\"v\",\n\t\t\t\"k2\":\t\"v2\"\n\t\t},\
                \n\t\t\"content-type\":\t\"a/b\"\n\t},\n\t\"payload\":\t";
    let expected = format!(
        "a{head}\"{{\\\"a\\\":[1,{{\\\"b\\\":{{}}}}],\\\"c\\\":[],\\\"d\\\":{{\\\"e\\\":\\\"f\\\"}}}}\"\n}}\
         b{head}{{\n\t\t\"a\":\t[1, {{\n\t\t\t\t\"b\":\t{{\n\t\t\t\t}}\n\t\t\t}}],\n\t\t\"c\":\t[],\
         \n\t\t\"d\":\t{{\n\t\t\t\"e\":\t\"f\"\n\t\t}}\n\t}}\n}}c"
    );
    assert_eq!(render_pretty("a%jb%Jc", &m), expected);
    // measured: --pretty -F %J, payload [[1,2],[3],{},[{}]]
    assert_eq!(
        render_pretty("%J", &msg("t/abc", b"[[1,2],[3],{},[{}]]")),
        "{\n\t\"tst\":\t\"2016-08-10T08:49:03.786368Z+0000\",\n\t\"topic\":\t\"t/abc\",\
         \n\t\"qos\":\t0,\n\t\"retain\":\t0,\n\t\"payloadlen\":\t19,\
         \n\t\"payload\":\t[[1, 2], [3], {\n\t\t}, [{\n\t\t\t}]]\n}"
    );
    // measured: --pretty -F %J, empty payload
    assert_eq!(
        render_pretty("%J", &msg("t/abc", b"")),
        "{\n\t\"tst\":\t\"2016-08-10T08:49:03.786368Z+0000\",\n\t\"topic\":\t\"t/abc\",\
         \n\t\"qos\":\t0,\n\t\"retain\":\t0,\n\t\"payloadlen\":\t0,\n\t\"payload\":\tnull\n}"
    );
    // --pretty changes nothing else
    assert_eq!(render_pretty("%t %p", &msg("t/abc", b"x")), "t/abc x");
}

const ALL_TIME: &str = "@a|@A|@b|@B|@c|@C|@d|@D|@e|@F|@g|@G|@h|@H|@I|@j|@k|@l|@m|@M|@n|@p|\
                        @P|@r|@R|@s|@S|@t|@T|@u|@U|@V|@w|@W|@x|@X|@y|@Y|@z|@Z|@%|@@|@N";

#[test]
fn time_specifiers() {
    // measured: -F ALL_TIME at 1470818943.786368637
    assert_eq!(
        render(ALL_TIME, &msg("t/abc", b"hello")),
        "Wed|Wednesday|Aug|August|Wed Aug 10 08:49:03 2016|20|10|08/10/16|10|2016-08-10|16|\
         2016|Aug|08|08|223| 8| 8|08|49|\n|AM|am|08:49:03 AM|08:49|1470818943|03|\t|08:49:03|\
         3|32|32|3|32|08/10/16|08:49:03|16|2016|+0000|UTC|%|@|786368637"
    );
    // measured: -F "ALL_TIME|%I|%U|%j" with the clock at each of these times
    let cases: &[(u64, u32, &str)] = &[
        (
            1_609_459_200,
            5,
            "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 2021|20|01|01/01/21| 1|2021-01-01|20|\
             2020|Jan|00|12|001| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|1609459200|00|\t|\
             00:00:00|5|00|53|5|00|01/01/21|00:00:00|21|2021|+0000|UTC|%|@|000000005|\
             2021-01-01T00:00:00+0000|1609459200.000000005|2021-01-01T00:00:00.000000Z+0000",
        ),
        (
            1_451_779_200,
            0,
            "Sun|Sunday|Jan|January|Sun Jan  3 00:00:00 2016|20|03|01/03/16| 3|2016-01-03|15|\
             2015|Jan|00|12|003| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|1451779200|00|\t|\
             00:00:00|7|01|53|0|00|01/03/16|00:00:00|16|2016|+0000|UTC|%|@|000000000|\
             2016-01-03T00:00:00+0000|1451779200.000000000|2016-01-03T00:00:00.000000Z+0000",
        ),
        (
            1_546_258_380,
            999_999_999,
            "Mon|Monday|Dec|December|Mon Dec 31 12:13:00 2018|20|31|12/31/18|31|2018-12-31|19|\
             2019|Dec|12|12|365|12|12|12|13|\n|PM|pm|12:13:00 PM|12:13|1546258380|00|\t|\
             12:13:00|1|52|01|1|53|12/31/18|12:13:00|18|2018|+0000|UTC|%|@|999999999|\
             2018-12-31T12:13:00+0000|1546258380.999999999|2018-12-31T12:13:00.999999Z+0000",
        ),
        (
            946_684_799,
            1,
            "Fri|Friday|Dec|December|Fri Dec 31 23:59:59 1999|19|31|12/31/99|31|1999-12-31|99|\
             1999|Dec|23|11|365|23|11|12|59|\n|PM|pm|11:59:59 PM|23:59|946684799|59|\t|\
             23:59:59|5|52|52|5|52|12/31/99|23:59:59|99|1999|+0000|UTC|%|@|000000001|\
             1999-12-31T23:59:59+0000|946684799.000000001|1999-12-31T23:59:59.000000Z+0000",
        ),
        (
            0,
            0,
            "Thu|Thursday|Jan|January|Thu Jan  1 00:00:00 1970|19|01|01/01/70| 1|1970-01-01|70|\
             1970|Jan|00|12|001| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|0|00|\t|00:00:00|4|00|01|\
             4|00|01/01/70|00:00:00|70|1970|+0000|UTC|%|@|000000000|1970-01-01T00:00:00+0000|\
             0.000000000|1970-01-01T00:00:00.000000Z+0000",
        ),
        (
            1_735_689_599,
            0,
            "Tue|Tuesday|Dec|December|Tue Dec 31 23:59:59 2024|20|31|12/31/24|31|2024-12-31|25|\
             2025|Dec|23|11|366|23|11|12|59|\n|PM|pm|11:59:59 PM|23:59|1735689599|59|\t|\
             23:59:59|2|52|01|2|53|12/31/24|23:59:59|24|2024|+0000|UTC|%|@|000000000|\
             2024-12-31T23:59:59+0000|1735689599.000000000|2024-12-31T23:59:59.000000Z+0000",
        ),
        (
            4_102_444_800,
            0,
            "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 2100|21|01|01/01/00| 1|2100-01-01|99|\
             2099|Jan|00|12|001| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|4102444800|00|\t|\
             00:00:00|5|00|53|5|00|01/01/00|00:00:00|00|2100|+0000|UTC|%|@|000000000|\
             2100-01-01T00:00:00+0000|4102444800.000000000|2100-01-01T00:00:00.000000Z+0000",
        ),
        (
            951_782_400,
            0,
            "Tue|Tuesday|Feb|February|Tue Feb 29 00:00:00 2000|20|29|02/29/00|29|2000-02-29|00|\
             2000|Feb|00|12|060| 0|12|02|00|\n|AM|am|12:00:00 AM|00:00|951782400|00|\t|\
             00:00:00|2|09|09|2|09|02/29/00|00:00:00|00|2000|+0000|UTC|%|@|000000000|\
             2000-02-29T00:00:00+0000|951782400.000000000|2000-02-29T00:00:00.000000Z+0000",
        ),
    ];
    for (secs, nanos, expected) in cases {
        let m = Received {
            received_at: UNIX_EPOCH + Duration::new(*secs, *nanos),
            ..msg("t/abc", b"hello")
        };
        let out = render(&format!("{ALL_TIME}|%I|%U|%j"), &m);
        // The %j of the measurement, cut to its tst.
        let tst = out
            .split("{\"tst\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let out = format!("{}|{tst}", out.split("|{").next().unwrap());
        assert_eq!(out, *expected, "{secs}.{nanos}");
    }
}

#[test]
fn time_before_the_epoch() {
    // measured: clock at tv_sec -1, tv_nsec 5 (0.999999995 s before the epoch), -F
    // '%I|%U|@N|@s|%j'
    let m = Received {
        received_at: UNIX_EPOCH - Duration::new(0, 999_999_995),
        ..msg("t/abc", b"x")
    };
    assert_eq!(
        render("%I|%U|@N|@s|@c|%j", &m),
        r#"1969-12-31T23:59:59+0000|-1.000000005|000000005|-1|Wed Dec 31 23:59:59 1969|{"tst":"1969-12-31T23:59:59.000000Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":1,"payload":"x"}"#
    );
}

#[test]
fn time_shape_matches_a_live_clock() {
    // measured (real clock): %I is 24 characters, %U seconds, a dot and 9 digits, and
    // the tst of %j 32 characters ending in Z+0000
    let m = Received {
        received_at: SystemTime::now(),
        ..msg("t/abc", b"x")
    };
    let out = render("%I|%U|%j", &m);
    let mut parts = out.splitn(3, '|');
    assert_eq!(parts.next().unwrap().len(), 24);
    let unix = parts.next().unwrap();
    assert_eq!(unix.split_once('.').unwrap().1.len(), 9);
    let tst = &parts.next().unwrap()[8..40];
    assert!(
        tst.ends_with("Z+0000") && tst.as_bytes()[19] == b'.',
        "{tst}"
    );
}

#[test]
fn parse_errors() {
    use TemplateError as E;
    // measured: mosquitto_sub rejects each of these at start-up ("Invalid format specifier
    // 'z'.", "Incomplete format specifier.", "Invalid escape specifier 'q'.", "Incomplete
    // escape specifier.")
    let cases = [
        (
            "ab%z",
            E::InvalidSpecifier {
                spec: "%z".into(),
                pos: 3,
            },
        ),
        (
            "%0-8p",
            E::InvalidSpecifier {
                spec: "%0-".into(),
                pos: 1,
            },
        ),
        (
            "%--8p",
            E::InvalidSpecifier {
                spec: "%--".into(),
                pos: 1,
            },
        ),
        (
            "%8.3.2p",
            E::InvalidSpecifier {
                spec: "%8.3.".into(),
                pos: 1,
            },
        ),
        (
            "%.-3p",
            E::InvalidSpecifier {
                spec: "%.-".into(),
                pos: 1,
            },
        ),
        (
            "% p",
            E::InvalidSpecifier {
                spec: "% ".into(),
                pos: 1,
            },
        ),
        (
            "%+p",
            E::InvalidSpecifier {
                spec: "%+".into(),
                pos: 1,
            },
        ),
        (
            "é%é",
            E::InvalidSpecifier {
                spec: "%é".into(),
                pos: 2,
            },
        ),
        (
            "x%",
            E::IncompleteSpecifier {
                spec: "%".into(),
                pos: 2,
            },
        ),
        (
            "%-05",
            E::IncompleteSpecifier {
                spec: "%-05".into(),
                pos: 1,
            },
        ),
        (
            r"\q",
            E::InvalidEscape {
                spec: r"\q".into(),
                pos: 1,
            },
        ),
        ("a\\", E::IncompleteEscape { pos: 2 }),
        ("%t@", E::IncompleteTimeSpecifier { pos: 3 }),
        // Stricter than mosquitto_sub, which prints these back (measured "%Q", "%E",
        // "   %5Y" for @5Y, "%é"):
        (
            "@Q",
            E::InvalidTimeSpecifier {
                spec: "@Q".into(),
                pos: 1,
            },
        ),
        (
            "@E",
            E::InvalidTimeSpecifier {
                spec: "@E".into(),
                pos: 1,
            },
        ),
        (
            "@5Y",
            E::InvalidTimeSpecifier {
                spec: "@5".into(),
                pos: 1,
            },
        ),
        (
            "@é",
            E::InvalidTimeSpecifier {
                spec: "@é".into(),
                pos: 1,
            },
        ),
        (
            "%123456p",
            E::WidthTooLarge {
                spec: "%123456".into(),
                pos: 1,
            },
        ),
    ];
    for (template, expected) in cases {
        assert_eq!(
            Template::parse(template).unwrap_err(),
            expected,
            "{template}"
        );
    }
    assert_eq!(
        Template::parse("ab%z").unwrap_err().to_string(),
        "invalid format specifier '%z' at position 3"
    );
    assert_eq!(
        Template::parse("x%").unwrap_err().to_string(),
        "incomplete format specifier '%' at position 2 (write %% for a literal %)"
    );
    assert_eq!(
        Template::parse("@Q").unwrap_err().to_string(),
        "invalid time specifier '@Q' at position 1 (write @@ for a literal @)"
    );
    assert_eq!(
        Template::parse(r"\q").unwrap_err().to_string(),
        r"invalid escape '\q' at position 1 (write \\ for a literal \)"
    );
    assert!(Template::parse("%65535p%.65535t").is_ok());
}

fn plain(m: &Received, verbose: bool) -> (bool, Vec<u8>) {
    let mut out = Vec::new();
    let wrote = write_plain(m, verbose, &mut out).unwrap();
    (wrote, out)
}

#[test]
fn plain_output() {
    // measured (mosquitto broker): mosquitto_sub without -F, then with -v; output minus
    // the newline, and whether there was a line at all
    assert_eq!(
        plain(&msg("t/abc", b"hello"), false),
        (true, b"hello".to_vec())
    );
    assert_eq!(
        plain(&msg("t/abc", b"hello"), true),
        (true, b"t/abc hello".to_vec())
    );
    // measured: mosquitto_pub -n: nothing at all without -v (no newline either)...
    assert_eq!(plain(&msg("t/abc", b""), false), (false, Vec::new()));
    // ... and "t/abc (null)" with -v
    assert_eq!(
        plain(&msg("t/abc", b""), true),
        (true, b"t/abc (null)".to_vec())
    );
    // measured: payload ff 0a 00 is written as is
    assert_eq!(
        plain(&msg("t/abc", b"\xff\n\x00"), true),
        (true, b"t/abc \xff\n\x00".to_vec())
    );
    assert_eq!(
        plain(&msg("t/abc", b"\xff\n\x00"), false),
        (true, b"\xff\n\x00".to_vec())
    );
}

fn json_line(m: &Received) -> String {
    let mut out = Vec::new();
    write_json(m, &mut out).unwrap();
    let line = String::from_utf8(out).unwrap();
    assert!(!line.contains('\n'));
    serde_json::from_str::<serde_json::Value>(&line).unwrap();
    line
}

#[test]
fn json_lines() {
    assert_eq!(
        json_line(&msg("t/abc", b"hello")),
        r#"{"topic":"t/abc","payload":"hello","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z"}"#
    );
    assert_eq!(
        json_line(&msg("t/abc", b"")),
        r#"{"topic":"t/abc","payload":"","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z"}"#
    );
    assert_eq!(
        json_line(&msg("t/\"x\"", b"\xff\x00\x01")),
        r#"{"topic":"t/\"x\"","payload":"/wAB","encoding":"base64","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z"}"#
    );
    let props = all_props();
    assert_eq!(
        json_line(&msg_q(1, JSON_PAYLOAD, &props)),
        r#"{"topic":"t/abc","payload":"{\"x\":[1,2.50,\"y\"]}","qos":1,"retain":true,"mid":7,"received_at":"2016-08-10T08:49:03.786368Z","properties":{"payload_format_indicator":1,"message_expiry_interval":3600,"response_topic":"resp/t","correlation_data":"corr","user_properties":[["k","v"],["k2","v2"]],"subscription_identifiers":[42],"content_type":"text/plain"}}"#
    );
    let props = PublishProperties {
        topic_alias: Some(5),
        correlation_data: Some(vec![0xde, 0xad, 0xbe, 0xef]),
        ..Default::default()
    };
    assert_eq!(
        json_line(&msg_q(2, b"\n", &props)),
        r#"{"topic":"t/abc","payload":"\n","qos":2,"retain":true,"mid":7,"received_at":"2016-08-10T08:49:03.786368Z","properties":{"topic_alias":5,"correlation_data":"3q2+7w==","correlation_data_encoding":"base64"}}"#
    );
    let none = PublishProperties::default();
    let m = Received {
        properties: Some(&none),
        ..msg("t/abc", b"x")
    };
    assert_eq!(
        json_line(&m),
        r#"{"topic":"t/abc","payload":"x","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z","properties":{}}"#
    );
}

/// A writer that counts its `write` calls.
struct Counting(Vec<u8>, usize);

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.1 += 1;
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn one_write_per_record() {
    let mut out = Counting(Vec::new(), 0);
    Template::parse("%t %p %j @Y")
        .unwrap()
        .write(&msg("t/abc", b"x"), &mut out)
        .unwrap();
    assert_eq!(out.1, 1);
}
