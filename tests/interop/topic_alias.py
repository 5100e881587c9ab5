"""Topic aliases through paho-mqtt, both ways.

Client to broker: paho publishes with a Topic Alias property (first with the topic, then with
an empty topic, then re-mapping an alias), and a plain subscriber reports the topic names the
broker delivered.

Broker to client: a subscriber connects with Topic Alias Maximum 2 and receives many messages
on three topics; another connects without it. paho 2.2 hands over the topic as sent (empty
when only an alias came) and the alias in the properties, so this script keeps its own alias
table, as a client must, and reports both the raw and the resolved topic of every message.

Prints {"broker_alias_max": N, "from_client": [...], "to_client": [...], "no_alias_max": [...]}.
"""

from paho_peer import Peer, args, bound, done, fail, options, props

bound()
host, port = args()
result = {}

publisher = Peer(host, port, "paho-alias-pub")
_, _, connack = publisher.connect()
result["broker_alias_max"] = getattr(connack, "TopicAliasMaximum", 0)

# Client -> broker.
plain = Peer(host, port, "paho-alias-plain")
plain.connect()
plain.subscribe([("ta/#", options(qos=1))])
steps = [
    ("ta/one", 1, "1"),
    ("", 1, "2"),
    ("ta/two", 2, "3"),
    ("", 2, "4"),
    ("", 1, "5"),
    ("ta/three", 1, "6"),  # alias 1 now means ta/three
    ("", 1, "7"),
    ("", 2, "8"),
]
for topic, alias, payload in steps:
    publisher.publish(topic, payload, publish_props=props("PUBLISH", TopicAlias=alias))
result["from_client"] = plain.receive(len(steps)) + plain.drain()

# Broker -> client.
aliased = Peer(host, port, "paho-alias-sub",
               connect_props=props("CONNECT", TopicAliasMaximum=2))
aliased.connect()
aliased.subscribe([("tb/#", options(qos=1))])
unaliased = Peer(host, port, "paho-alias-none")
unaliased.connect()
unaliased.subscribe([("tb/#", options(qos=1))])
topics = ["tb/a", "tb/b", "tb/c"]
count = 30
for n in range(count):
    topic = topics[n % 3] if n < 15 else topics[(n // 2) % 3]
    publisher.publish(topic, f"{topic}#{n}", qos=n % 2)

table = {}
to_client = []
for m in aliased.receive(count) + aliased.drain():
    alias = m.get("topic_alias")
    if alias is not None and m["topic"]:
        table[alias] = m["topic"]
    if m["topic"]:
        resolved = m["topic"]
    elif alias in table:
        resolved = table[alias]
    else:
        fail(f"alias {alias} with an empty topic was never defined: {m}")
    to_client.append({"raw_topic": m["topic"], "alias": alias, "resolved": resolved,
                      "payload": m["payload"]})
result["to_client"] = to_client
result["no_alias_max"] = unaliased.receive(count) + unaliased.drain()

for peer in (publisher, plain, aliased, unaliased):
    peer.disconnect()
done(result)
