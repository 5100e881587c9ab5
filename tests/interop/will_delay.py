"""Wills with a Will Delay Interval through paho-mqtt. A watcher subscribes to will/#; then,
at the same moment:

- "paho-will-delayed": Will Delay 1 s, Session Expiry 10 s, will properties (user properties,
  content type), connection dropped without DISCONNECT -> the will after about 1 s;
- "paho-will-back": Will Delay 2 s, Session Expiry 10 s, dropped, reconnects 0.3 s later ->
  no will;
- "paho-will-now": Will Delay 5 s but Session Expiry 0, dropped -> the session ends with the
  connection, so the will at once;
- "paho-will-04": DISCONNECT with reason 0x04 (Disconnect with Will Message) -> the will at once;
- "paho-will-normal": DISCONNECT 0x00 -> no will.

Prints {"early": [...], "late": [...], "back_session_present": bool}: "early" is what arrived
within 0.6 s of the drops, "late" what arrived from then until 3 s after them.
"""

import time

from paho_peer import Peer, args, bound, done, options, props

bound()
host, port = args()

watcher = Peer(host, port, "paho-will-watcher")
watcher.connect()
watcher.subscribe([("will/#", options(qos=1))])


def with_will(client_id, delay, expiry, **will_props):
    connect_props = props("CONNECT", SessionExpiryInterval=expiry) if expiry else None
    wp = props("WILLMESSAGE", WillDelayInterval=delay, **will_props) if delay or will_props else None
    peer = Peer(host, port, client_id, connect_props=connect_props,
                will=(f"will/{client_id}", f"{client_id} is gone", 1, wp))
    peer.connect()
    return peer


delayed = with_will("paho-will-delayed", 1, 10,
                    UserProperty=[("why", "dropped"), ("why", "twice")],
                    ContentType="text/plain")
back = with_will("paho-will-back", 2, 10)
now = with_will("paho-will-now", 5, 0)
r04 = with_will("paho-will-04", 0, 0)
normal = with_will("paho-will-normal", 0, 0)

start = time.monotonic()
delayed.drop()
back.drop()
now.drop()
r04.disconnect(reason=4)
normal.disconnect(reason=0)
time.sleep(0.3)
returned = Peer(host, port, "paho-will-back", clean_start=False,
                connect_props=props("CONNECT", SessionExpiryInterval=10))
back_present, _, _ = returned.connect()

early = watcher.drain(max(0.6 - (time.monotonic() - start), 0.0))
late = watcher.drain(max(3.0 - (time.monotonic() - start), 0.0))

returned.disconnect(disconnect_props=props("DISCONNECT", SessionExpiryInterval=0))
watcher.disconnect()
done({"early": early, "late": late, "back_session_present": back_present})
