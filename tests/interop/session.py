"""Session Expiry and persistent sessions through paho-mqtt.

1. "paho-sess" connects (clean start, Session Expiry 1 s), subscribes to ss/# at QoS 1 and
   disconnects; a message is published while it is away; it reconnects without clean start,
   then disconnects again and stays away longer than 1 s, then reconnects once more.
2. "paho-sess-zero" does the same with no Session Expiry (0): its session ends at disconnect.
3. "paho-sess-dc" connects with Session Expiry 60 and sets it to 0 in DISCONNECT.

Prints {"first": {...}, "back": {...}, "expired": {...}, "zero": {...}, "dc": {...}}, each
with "session_present" and the messages received after that CONNECT.
"""

import time

from paho_peer import Peer, args, bound, done, options, props, settle

bound()
host, port = args()
result = {}
pub = Peer(host, port, "paho-sess-pub")
pub.connect()


def connect(client_id, clean_start, expiry):
    connect_props = props("CONNECT", SessionExpiryInterval=expiry) if expiry else None
    peer = Peer(host, port, client_id, clean_start=clean_start, connect_props=connect_props)
    present, _, _ = peer.connect()
    return peer, present


s, present = connect("paho-sess", True, 1)
s.subscribe([("ss/#", options(qos=1))])
result["first"] = {"session_present": present}
s.disconnect()
settle()
pub.publish("ss/1", "while away", qos=1)

s, present = connect("paho-sess", False, 1)
got = s.receive(1)
pub.publish("ss/2", "live after reconnect", qos=1)
got += s.receive(1) + s.drain()
result["back"] = {"session_present": present, "messages": got}
s.disconnect()

time.sleep(2.0)
s, present = connect("paho-sess", False, 1)
pub.publish("ss/3", "after expiry", qos=1)
result["expired"] = {"session_present": present, "messages": s.drain()}
s.disconnect(disconnect_props=props("DISCONNECT", SessionExpiryInterval=0))

z, present = connect("paho-sess-zero", True, 0)
z.subscribe([("sz/#", options(qos=1))])
z.disconnect()
settle()
pub.publish("sz/1", "while away", qos=1)
z, present = connect("paho-sess-zero", False, 0)
result["zero"] = {"session_present": present, "messages": z.drain()}
z.disconnect()

d, present = connect("paho-sess-dc", True, 60)
d.subscribe([("sd/#", options(qos=1))])
d.disconnect(disconnect_props=props("DISCONNECT", SessionExpiryInterval=0))
settle()
pub.publish("sd/1", "while away", qos=1)
d, present = connect("paho-sess-dc", False, 60)
result["dc"] = {"session_present": present, "messages": d.drain()}
d.disconnect(disconnect_props=props("DISCONNECT", SessionExpiryInterval=0))

pub.disconnect()
done(result)
