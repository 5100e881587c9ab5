//! MQTT 5 CONNECT and CONNACK against the bundled broker: properties both ways, refusals with
//! v5 reason codes, the server's keep-alive cap, assigned client identifiers.

mod common;

use common::v5::*;
use common::*;

#[tokio::test]
async fn connack_announces_the_brokers_limits_and_features_mqtt_3_2_2() {
    let broker = TestBroker::start().await;
    let (_c, ack) = RawV5::connect_to(broker.addr, connect("c1")).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    assert!(!ack.session_present);
    let p = ack.properties.expect("CONNACK properties");
    assert_eq!(p.receive_max, Some(20));
    assert_eq!(p.topic_alias_max, Some(10));
    assert_eq!(p.retain_available, Some(1));
    assert_eq!(p.wildcard_subscription_available, Some(1));
    assert_eq!(p.subscription_identifiers_available, Some(1));
    assert_eq!(p.shared_subscription_available, Some(1));
    assert_eq!(p.assigned_client_identifier, None);
    assert_eq!(p.server_keep_alive, None, "60 s asked, 60 s is the cap");
    broker.stop().await;
}
