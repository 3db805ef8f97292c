"""Reads the recorder's log (mosquitto_sub -F '%U %t %p': arrival time, topic, payload) of an edgerule
run and measures it the way the Node-RED anchor measures its own (run_one.py):

* read -> MQTT: arrival at the recorder minus the slave's read stamp (registers 106..109, read in the
  same Modbus response as the sample). Node-RED copies the stamp into every message; the gateway
  publishes it as the point `u<k>/tr` of the same poll, so each sample is matched to the `tr` message
  of its poll: the first `tr` of the device whose source_time is not before the sample's (the adapter
  emits a response's points in address order, r0..r99, tc, seq, tr, within microseconds; polls are at
  least 10 ms apart).
* change -> MQTT: for each (topic, change sequence) the first arrival minus the change stamp.
* event -> action (inside the gateway): an alarm raise's `time` minus the `source_time` of the event
  that raised it (the rule writes the event's sequence into the alarm message). Both are the gateway's
  clock at microsecond resolution: the Modbus response's arrival and the alarm's hand-off to MQTT.
* alarm read -> MQTT: an alarm's arrival minus the read stamp of its event's poll.
* batch telemetry (`mqtt.telemetry: batch`, one message per device and poll on
  `<gw>/telemetry-batch/<device>` with every point of the poll): each register sample in a batch
  counts, and its read -> MQTT is the batch's arrival minus the read stamp `tr` in the same batch
  (weighted by the batch's samples, so the percentiles are per sample as in per-sample mode).
* the gateway's own drop counters, from its state messages (every pipeline.health_interval): events
  the ingress queue dropped, events the rules' inboxes dropped, messages the uplink dropped or
  refused, and the outbox backlog; the change between the last state before the window and the
  first after it, and the totals of the last state received.
"""
import bisect
import calendar
import json
import re
import time

RX_SEQ = re.compile(r'"seq":(\d+)')
RX_SRC = re.compile(r'"source_time":"([^"]+)"')
RX_VAL = re.compile(r'"value":(-?\d+)')
RX_MSG_SEQ = re.compile(r'"message":"seq=(\d+)')
RX_TIME = re.compile(r'"time":"([^"]+)"')
_SECONDS = {}


def iso_us(text):
    """'2026-12-07T02:44:01.123456Z' -> microseconds since the epoch (any number of fraction digits)."""
    head, _, frac = text.rstrip("Z").partition(".")
    s = _SECONDS.get(head)
    if s is None:
        s = _SECONDS[head] = calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S"))
    return s * 1000000 + (int((frac + "000000")[:6]) if frac else 0)


def pct(sorted_vals, q):
    """The same nearest-rank percentile as the anchor harness."""
    if not sorted_vals:
        return None
    k = min(len(sorted_vals) - 1, max(0, int(round(q * (len(sorted_vals) - 1)))))
    return sorted_vals[k]


def summary_ms(values_us):
    v = sorted(values_us)
    out = {"n": len(v)}
    for name, q in (("p50", .5), ("p99", .99), ("p99.9", .999)):
        out[name] = round(pct(v, q) / 1e3, 3) if v else None
    out["max"] = round(v[-1] / 1e3, 3) if v else None
    return out


class PollIndex:
    """Per device: a stamp point's value by its message's source_time, looked up for a sample."""

    def __init__(self):
        self.keys, self.vals = {}, {}

    def add(self, dev, st, value):
        self.keys.setdefault(dev, []).append(st)
        self.vals.setdefault(dev, []).append(value)

    def sort(self):
        for dev in self.keys:
            pairs = sorted(zip(self.keys[dev], self.vals[dev]))
            self.keys[dev] = [p[0] for p in pairs]
            self.vals[dev] = [p[1] for p in pairs]

    def find(self, dev, st, within_us):
        keys = self.keys.get(dev)
        if not keys:
            return None
        i = bisect.bisect_left(keys, st)
        if i == len(keys) or keys[i] - st > within_us:
            return None
        return self.vals[dev][i]


def weighted_summary_ms(pairs):
    """Percentiles of values in microseconds given as (value, count) pairs, nearest rank."""
    pairs = sorted(pairs)
    total = sum(c for _, c in pairs)
    out = {"n": total}
    for name, q in (("p50", .5), ("p99", .99), ("p99.9", .999)):
        if not total:
            out[name] = None
            continue
        k, seen = min(total - 1, max(0, int(round(q * (total - 1))))), 0
        for v, c in pairs:
            seen += c
            if seen > k:
                out[name] = round(v / 1e3, 3)
                break
    out["max"] = round(pairs[-1][0] / 1e3, 3) if pairs else None
    return out


def analyse_batch(sublog, prefix, t0, t1, offered):
    """As analyse(), for batch telemetry: per batch message, its register samples and its read stamp."""
    batch = prefix + "/telemetry-batch/"
    alarms_pfx = prefix + "/alarms/"
    raise_seqs = set()
    with open(sublog, errors="replace") as f:  # first pass: the events the alarms name
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1].startswith(alarms_pfx):
                m = RX_MSG_SEQ.search(parts[2])
                if m:
                    raise_seqs.add(int(m.group(1)))
    n, lat, by_seq, raises, first, states = 0, [], {}, [], None, []
    with open(sublog, errors="replace") as f:
        for line in f:
            try:
                ts, topic, payload = line.split(" ", 2)
                t = float(ts)
            except ValueError:
                continue
            if topic.startswith(batch):
                if first is None:
                    first = t
                try:
                    points = json.loads(payload).get("points", [])
                except ValueError:
                    continue
                tr, regs = None, 0
                for p in points:
                    name = p.get("point")
                    if name == "tr":
                        tr = p.get("value")
                    elif name not in ("tc", "seq"):
                        regs += 1
                        if p.get("seq") in raise_seqs:
                            by_seq[p["seq"]] = iso_us(p["source_time"])
                if t0 <= t <= t1:
                    n += regs
                    if tr is not None and regs:
                        lat.append((t * 1e6 - tr, regs))
            elif topic == prefix + "/state":
                c = state_counters(payload)
                if c is not None:
                    states.append((t, c))
            elif topic.startswith(alarms_pfx) and t0 <= t <= t1:
                m, tm = RX_MSG_SEQ.search(payload), RX_TIME.search(payload)
                if m and tm:
                    raises.append((int(m.group(1)), iso_us(tm.group(1))))
    internal = [at - by_seq[seq] for seq, at in raises if seq in by_seq]
    dt = t1 - t0
    return {
        "samples_per_s": n / dt,
        "delivered_ratio": (n / dt) / offered if offered else None,
        "pipeline_ms": weighted_summary_ms(lat),
        "event_to_action_ms": summary_ms(internal),
        "alarm_raises_unmatched": len(raises) - len(internal),
        "first_tele_at": first,
        "gateway_counters": counters_in_window(states, t0, t1),
    }


def analyse(sublog, prefix, t0, t1, interval_ms, offered):
    """Reads the recorder log; returns the measurement of the window [t0, t1] (epoch seconds)."""
    tele = prefix + "/telemetry/"
    alarms_pfx = prefix + "/alarms/"
    tr_idx, tc_idx, cs_idx = PollIndex(), PollIndex(), PollIndex()
    samples = []  # (device, source_time_us, arrival_s, topic)
    by_seq = {}  # gateway sequence -> (device, source_time_us), for the alarms
    raises = []  # (arrival_s, gateway seq, alarm time_us)
    clears = 0
    states = []  # (arrival_s, counters)
    first_tele = None
    with open(sublog, errors="replace") as f:
        for line in f:
            try:
                ts, topic, payload = line.split(" ", 2)
                t = float(ts)
            except ValueError:
                continue
            if topic.startswith(tele):
                if first_tele is None:
                    first_tele = t
                dev, _, point = topic[len(tele):].partition("/")
                m = RX_SRC.search(payload)
                if not m:
                    continue
                st = iso_us(m.group(1))
                if point == "tr" or point == "tc" or point == "seq":
                    v = RX_VAL.search(payload)
                    if v:
                        {"tr": tr_idx, "tc": tc_idx, "seq": cs_idx}[point].add(dev, st, int(v.group(1)))
                    continue
                gseq = RX_SEQ.search(payload)
                if gseq:
                    by_seq[int(gseq.group(1))] = (dev, st)
                if t0 <= t <= t1:
                    samples.append((dev, st, t, topic))
            elif topic == prefix + "/state":
                c = state_counters(payload)
                if c is not None:
                    states.append((t, c))
            elif topic.startswith(alarms_pfx):
                if not (t0 <= t <= t1):
                    continue
                m, tm = RX_MSG_SEQ.search(payload), RX_TIME.search(payload)
                if m and tm:
                    raises.append((t, int(m.group(1)), iso_us(tm.group(1))))
                else:
                    clears += 1
    for idx in (tr_idx, tc_idx, cs_idx):
        idx.sort()
    within = interval_ms * 1000 // 2
    dt = t1 - t0
    pipe, unmatched, first_change = [], 0, {}
    for dev, st, t, topic in samples:
        tr = tr_idx.find(dev, st, within)
        if tr is None:
            unmatched += 1
            continue
        pipe.append(t * 1e6 - tr)
        tc, cs = tc_idx.find(dev, st, within), cs_idx.find(dev, st, within)
        if tc is not None and cs is not None and (topic, cs) not in first_change:
            first_change[(topic, cs)] = t * 1e6 - tc
    internal, alarm_pipe, alarm_unmatched = [], [], 0
    for t, gseq, at in raises:
        ev = by_seq.get(gseq)
        if ev is None:
            alarm_unmatched += 1
            continue
        internal.append(at - ev[1])
        tr = tr_idx.find(ev[0], ev[1], within)
        if tr is not None:
            alarm_pipe.append(t * 1e6 - tr)
    n = len(samples)
    return {
        "samples_per_s": n / dt,
        "delivered_ratio": (n / dt) / offered if offered else None,
        "samples_unmatched": unmatched,
        "alarm_msgs_per_s": (len(raises) + clears) / dt,
        "pipeline_ms": summary_ms(pipe),
        "change_ms": summary_ms(list(first_change.values())),
        "event_to_action_ms": summary_ms(internal),
        "alarm_pipeline_ms": summary_ms(alarm_pipe),
        "alarm_raises_unmatched": alarm_unmatched,
        "first_tele_at": first_tele,
        "gateway_counters": counters_in_window(states, t0, t1),
    }


COUNTERS = ("ingress_dropped", "rule_inbox_dropped", "uplink_dropped", "uplink_published", "backlog_messages")


def state_counters(payload):
    """The drop counters of one state message (None if it has none: the online/offline status)."""
    try:
        s = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(s, dict) or "pipeline" not in s or "uplink" not in s:
        return None
    up = s["uplink"]
    backlog = sum(c.get("backlog_messages", 0) for c in (up.get("classes") or {}).values())
    return {"ingress_dropped": s["pipeline"].get("dropped", 0),
            "rule_inbox_dropped": sum(r.get("dropped", 0) for r in s.get("rules", [])),
            "uplink_dropped": up.get("dropped", 0),
            "uplink_published": up.get("published", 0),
            "backlog_messages": backlog}


def counters_in_window(states, t0, t1):
    """Counter changes from the last state before t0 to the first at or after t1, and the last totals."""
    if not states:
        return None
    before = [c for t, c in states if t <= t0]
    after = [(t, c) for t, c in states if t >= t1]
    out = {"total": states[-1][1]}
    if before and after:
        a, b = before[-1], after[0][1]
        out["window"] = {k: b[k] - a[k] for k in COUNTERS if k != "backlog_messages"}
        out["window"]["backlog_messages_end"] = b["backlog_messages"]
    return out
