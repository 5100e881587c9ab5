"""PUBLISH properties through paho-mqtt: a paho publisher sends user properties (in an order
that is not sorted, with a duplicated key), content type, response topic, correlation data and
payload format indicator at QoS 0, 1 and 2; a paho subscriber reports what it got. The
subscriber holds two overlapping subscriptions with identifiers 7 and 9, so every message also
shows which subscription identifiers it carried.

Prints {"received": [...], "suback": [...]}.
"""

from paho_peer import Peer, args, bound, done, options, props

bound()
host, port = args()

sub = Peer(host, port, "paho-props-sub")
sub.connect()
suback = sub.subscribe([("pp/#", options(qos=2))],
                       sub_props=props("SUBSCRIBE", SubscriptionIdentifier=7))
suback += sub.subscribe([("pp/+/x", options(qos=2))],
                        sub_props=props("SUBSCRIBE", SubscriptionIdentifier=9))

pub = Peer(host, port, "paho-props-pub")
pub.connect()
for qos in (0, 1, 2):
    pub.publish(f"pp/{qos}/x", f"payload {qos}", qos=qos, publish_props=props(
        "PUBLISH",
        UserProperty=[("zeta", "1"), ("alpha", "2"), ("zeta", "3"), ("mid", "")],
        ContentType="text/plain; charset=utf-8",
        ResponseTopic=f"pp/reply/{qos}",
        CorrelationData=f"corr-{qos}".encode(),
        PayloadFormatIndicator=1,
    ))
# One on a topic only the first subscription matches.
pub.publish("pp/only", "one id", qos=1)

received = sub.receive(4) + sub.drain()
sub.disconnect()
pub.disconnect()
done({"suback": suback, "received": received})
