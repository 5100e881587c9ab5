"""Message Expiry Interval through paho-mqtt, from the retained store and from an offline
session's queue.

A persistent session (Session Expiry 60) subscribes to exq/# and goes away; a publisher sends
exq/short (expiry 1 s) and exq/long (expiry 60 s) to it, and retains ex/short (1 s) and
ex/long (60 s). After 2.2 s the session comes back and a new client subscribes to ex/#.

Prints {"held": seconds waited, "session_present": bool, "queued": [...], "retained": [...],
"live": [...]}: "live" is a message with expiry 30 received while connected.
"""

import time

from paho_peer import Peer, args, bound, done, options, props, settle

bound()
host, port = args()

away = Peer(host, port, "paho-expiry-away", connect_props=props("CONNECT", SessionExpiryInterval=60))
away.connect()
away.subscribe([("exq/#", options(qos=1))])
away.disconnect()
settle()

pub = Peer(host, port, "paho-expiry-pub")
pub.connect()
start = time.monotonic()
pub.publish("exq/short", "short", publish_props=props("PUBLISH", MessageExpiryInterval=1))
pub.publish("exq/long", "long", publish_props=props("PUBLISH", MessageExpiryInterval=60))
pub.publish("ex/short", "short", retain=True, publish_props=props("PUBLISH", MessageExpiryInterval=1))
pub.publish("ex/long", "long", retain=True, publish_props=props("PUBLISH", MessageExpiryInterval=60))
time.sleep(2.2)
held = time.monotonic() - start

back = Peer(host, port, "paho-expiry-away", clean_start=False,
            connect_props=props("CONNECT", SessionExpiryInterval=60))
session_present, _, _ = back.connect()
queued = back.receive(1) + back.drain()

fresh = Peer(host, port, "paho-expiry-fresh")
fresh.connect()
fresh.subscribe([("ex/#", options(qos=1))])
retained = fresh.receive(1) + fresh.drain()

pub.publish("ex/now", "now", publish_props=props("PUBLISH", MessageExpiryInterval=30))
live = fresh.receive(1) + fresh.drain()

# Leave no session behind.
back.disconnect(disconnect_props=props("DISCONNECT", SessionExpiryInterval=0))
for peer in (pub, fresh):
    peer.disconnect()
done({"held": held, "session_present": session_present, "queued": queued,
      "retained": retained, "live": live})
