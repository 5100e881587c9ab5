"""Subscription options through paho-mqtt: No Local, Retain As Published, Retain Handling.

Prints {"no_local": [...], "retain_as_published": [...], "retained_at_subscribe": [...],
"rh0": [...], "rh0_again": [...], "rh1_existing": [...], "rh1_new": [...], "rh2": [...]},
each a list of the messages paho handed over at that step.
"""

from paho_peer import Peer, args, bound, done, options

bound()
host, port = args()

a = Peer(host, port, "paho-opts-a")
b = Peer(host, port, "paho-opts-b")
a.connect()
b.connect()
result = {}

# No Local: a's own publications are not sent back to it; b's are.
a.subscribe([("nl/t", options(qos=1, no_local=True))])
a.publish("nl/t", "from-a")
b.publish("nl/t", "from-b")
result["no_local"] = a.receive(1) + a.drain()

# Retain As Published: 1 keeps the RETAIN flag of a live retained publication, 0 clears it.
a.subscribe([("rap/keep", options(qos=1, retain_as_published=True)),
              ("rap/clear", options(qos=1, retain_as_published=False))])
b.publish("rap/keep", "kept", retain=True)
b.publish("rap/clear", "cleared", retain=True)
result["retain_as_published"] = a.receive(2) + a.drain()

# Retained messages sent because a subscription was made carry RETAIN 1 whatever the option.
c = Peer(host, port, "paho-opts-c")
c.connect()
c.subscribe([("rap/+", options(qos=1, retain_as_published=False))])
result["retained_at_subscribe"] = c.receive(2) + c.drain()
c.disconnect()

# Retain Handling.
b.publish("rh/t", "stored", retain=True)
a.subscribe([("rh/t", options(qos=1, retain_handling=0))])
result["rh0"] = a.drain()
a.subscribe([("rh/t", options(qos=1, retain_handling=0))])
result["rh0_again"] = a.drain()
a.subscribe([("rh/t", options(qos=1, retain_handling=1))])
result["rh1_existing"] = a.drain()
a.subscribe([("rh/+", options(qos=1, retain_handling=1))])
result["rh1_new"] = a.drain()
a.subscribe([("rh/#", options(qos=1, retain_handling=2))])
result["rh2"] = a.drain()
# The rh/# subscription does match live messages.
b.publish("rh/live", "live")
result["rh2_live"] = a.receive(1) + a.drain()

a.disconnect()
b.disconnect()
done(result)
