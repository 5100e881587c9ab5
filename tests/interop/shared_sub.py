"""Shared subscriptions through paho-mqtt: two members of $share/g/sh/#, a plain subscriber to
sh/#, and a retained message published before anyone subscribed.

Prints {"suback": [[...], [...]], "member1": [...], "member2": [...], "plain": [...],
"count": N}: the payloads each subscriber got (the members' lists include anything delivered
at subscribe, which must be nothing: shared subscriptions get no retained messages).
"""

from paho_peer import Peer, args, bound, done, options

bound()
host, port = args()

publisher = Peer(host, port, "paho-share-pub")
publisher.connect()
publisher.publish("sh/retained", "retained", retain=True)

members = [Peer(host, port, f"paho-share-{n}") for n in (1, 2)]
subacks = []
for m in members:
    m.connect()
    subacks.append(m.subscribe([("$share/g/sh/#", options(qos=1))]))
plain = Peer(host, port, "paho-share-plain")
plain.connect()
plain.subscribe([("sh/#", options(qos=1))])
plain.receive(1)  # the retained message, which a plain subscription does get

count = 20
for n in range(count):
    publisher.publish(f"sh/{n % 3}", f"m{n}", qos=1)

got_plain = plain.receive(count) + plain.drain()
# Collect until the members hold `count` messages between them, then look for extras.
got = [[], []]
for _ in range(200):
    for i, m in enumerate(members):
        got[i].extend(m.drain(0.02))
    if len(got[0]) + len(got[1]) >= count:
        break
for i, m in enumerate(members):
    got[i].extend(m.drain())

for peer in [publisher, plain] + members:
    peer.disconnect()
done({
    "count": count,
    "suback": subacks,
    "member1": [(m["payload"], m["retain"]) for m in got[0]],
    "member2": [(m["payload"], m["retain"]) for m in got[1]],
    "plain": [m["payload"] for m in got_plain],
})
