"""Shared helpers for the paho-mqtt 2.x interoperability scripts run by
tests/interop_v5_clients.rs.

Every script takes HOST PORT on the command line, talks MQTT 5 to the broker through paho-mqtt
(an implementation independent of mqttkit's), prints one JSON object on stdout and exits 0; on
a timeout or any unexpected failure it prints {"error": ...} and exits non-zero. The Rust tests
assert on the JSON: the scripts only report what paho handed over.
"""

import json
import queue
import signal
import socket
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

# How long to wait for something that should happen.
WAIT = 5.0
# How long to wait before concluding that something that should not happen did not.
QUIET = 0.3
# The whole script is bounded: past this the script fails instead of hanging.
DEADLINE = 25


def fail(message):
    print(json.dumps({"error": message}))
    sys.stdout.flush()
    sys.exit(1)


def args():
    if len(sys.argv) != 3:
        fail(f"usage: {sys.argv[0]} HOST PORT")
    return sys.argv[1], int(sys.argv[2])


def bound():
    """Fails the script when it runs past DEADLINE seconds."""

    def on_alarm(_signum, _frame):
        fail(f"timed out after {DEADLINE} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(DEADLINE)


def done(result):
    print(json.dumps(result))
    sys.stdout.flush()
    sys.exit(0)


def props(packet_type, **fields):
    """Properties of `packet_type` ("PUBLISH", "CONNECT", ...). UserProperty takes a list of
    pairs, sent in that order."""
    p = Properties(getattr(PacketTypes, packet_type))
    for name, value in fields.items():
        setattr(p, name, value)
    return p


def message_record(message):
    """What paho handed over for one PUBLISH, as plain JSON."""
    p = message.properties
    record = {
        "topic": message.topic,
        "payload": message.payload.decode("utf-8", "replace"),
        "qos": message.qos,
        "retain": bool(message.retain),
        "dup": bool(message.dup),
    }
    if p is not None:
        for attr, key in [
            ("TopicAlias", "topic_alias"),
            ("MessageExpiryInterval", "expiry"),
            ("ContentType", "content_type"),
            ("ResponseTopic", "response_topic"),
            ("PayloadFormatIndicator", "payload_format"),
        ]:
            if hasattr(p, attr):
                record[key] = getattr(p, attr)
        if hasattr(p, "CorrelationData"):
            record["correlation_data"] = p.CorrelationData.decode("utf-8", "replace")
        if hasattr(p, "UserProperty"):
            record["user_properties"] = [list(kv) for kv in p.UserProperty]
        if hasattr(p, "SubscriptionIdentifier"):
            ids = p.SubscriptionIdentifier
            record["subscription_ids"] = ids if isinstance(ids, list) else [ids]
    return record


class Peer:
    """One paho-mqtt MQTT 5 client running its network loop in a thread."""

    def __init__(self, host, port, client_id, clean_start=True, connect_props=None,
                 will=None, keepalive=60):
        self.host, self.port = host, port
        self.client_id = client_id
        self.messages = queue.Queue()
        self.connacks = queue.Queue()
        self.subacks = queue.Queue()
        self.disconnects = queue.Queue()
        # No automatic reconnection: every connection a test makes is one it asked for.
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                        protocol=mqtt.MQTTv5, reconnect_on_failure=False)
        c.on_connect = self._on_connect
        c.on_message = self._on_message
        c.on_subscribe = self._on_subscribe
        c.on_disconnect = self._on_disconnect
        if will is not None:
            topic, payload, qos, will_props = will
            c.will_set(topic, payload, qos=qos, retain=False, properties=will_props)
        self.client = c
        self.clean_start = clean_start
        self.connect_props = connect_props
        self.keepalive = keepalive

    def _on_connect(self, _c, _u, flags, reason_code, properties):
        self.connacks.put((bool(flags.session_present), reason_code.value, properties))

    def _on_message(self, _c, _u, message):
        self.messages.put(message_record(message))

    def _on_subscribe(self, _c, _u, mid, reason_codes, _properties):
        self.subacks.put((mid, [rc.value for rc in reason_codes]))

    def _on_disconnect(self, _c, _u, _flags, reason_code, _properties):
        self.disconnects.put(reason_code.value)

    def connect(self):
        """Connects and returns (session present, CONNACK reason code, CONNACK properties)."""
        self.client.connect(self.host, self.port, keepalive=self.keepalive,
                            clean_start=self.clean_start, properties=self.connect_props)
        self.client.loop_start()
        try:
            ack = self.connacks.get(timeout=WAIT)
        except queue.Empty:
            fail(f"{self.client_id}: no CONNACK")
        if ack[1] != 0:
            fail(f"{self.client_id}: CONNACK reason {ack[1]}")
        return ack

    def subscribe(self, filters, sub_props=None):
        """Subscribes to [(filter, SubscribeOptions)] and returns the SUBACK reason codes."""
        result, mid = self.client.subscribe(filters, properties=sub_props)
        if result != mqtt.MQTT_ERR_SUCCESS:
            fail(f"{self.client_id}: subscribe failed: {result}")
        try:
            got_mid, codes = self.subacks.get(timeout=WAIT)
        except queue.Empty:
            fail(f"{self.client_id}: no SUBACK")
        if got_mid != mid:
            fail(f"{self.client_id}: SUBACK for {got_mid}, expected {mid}")
        return codes

    def publish(self, topic, payload, qos=1, retain=False, publish_props=None):
        """Publishes and, at QoS 1 and 2, waits until the broker acknowledged it."""
        info = self.client.publish(topic, payload, qos=qos, retain=retain,
                                   properties=publish_props)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            fail(f"{self.client_id}: publish to {topic!r} failed: {info.rc}")
        if qos > 0:
            info.wait_for_publish(timeout=WAIT)
            if not info.is_published():
                fail(f"{self.client_id}: no acknowledgement for {topic!r}")

    def receive(self, count):
        """The next `count` messages; fails when they do not arrive in time."""
        got = []
        deadline = time.monotonic() + WAIT
        while len(got) < count:
            left = deadline - time.monotonic()
            try:
                got.append(self.messages.get(timeout=max(left, 0.001)))
            except queue.Empty:
                fail(f"{self.client_id}: received {len(got)} of {count} messages: {got}")
        return got

    def drain(self, within=QUIET):
        """Whatever arrives within `within` seconds."""
        got = []
        deadline = time.monotonic() + within
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return got
            try:
                got.append(self.messages.get(timeout=left))
            except queue.Empty:
                return got

    def disconnect(self, reason=0, disconnect_props=None):
        """Sends DISCONNECT with `reason` and stops the network loop."""
        self.client.disconnect(reasoncode=ReasonCode(PacketTypes.DISCONNECT, identifier=reason),
                               properties=disconnect_props)
        self.client.loop_stop()

    def drop(self):
        """Closes the TCP connection without DISCONNECT, as a network failure would."""
        # The network loop sees the end of the stream and stops (no reconnection).
        sock = self.client.socket()
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.client.loop_stop()


def settle():
    """The broker serves each connection on its own: after a DISCONNECT, give it a moment to
    see it before publishing to the session that is going offline."""
    time.sleep(0.2)


def options(qos=1, no_local=False, retain_as_published=False, retain_handling=0):
    return SubscribeOptions(qos=qos, noLocal=no_local, retainAsPublished=retain_as_published,
                            retainHandling=retain_handling)


__all__ = ["Peer", "args", "bound", "done", "fail", "options", "props", "settle", "WAIT",
           "QUIET", "threading"]
