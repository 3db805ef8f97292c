"""The side-by-side table of one benchmark run (edgerule and, with --nodered, the Node-RED anchor)."""


def _get(res, *path):
    v = res
    for p in path:
        if not isinstance(v, dict):
            return None
        v = v.get(p)
    return v


# (label, path in edgerule's result, path in the anchor's result, format)
ROWS = [
    ("offered samples/s", ("offered_samples_per_s",), ("offered_samples_per_s",), "%.0f"),
    ("delivered samples/s", ("samples_per_s",), ("samples_per_s",), "%.0f"),
    ("delivered / offered", ("delivered_ratio",), ("delivered_ratio",), "%.3f"),
    ("read→MQTT p50 ms", ("pipeline_ms", "p50"), ("pipeline_ms", "p50"), "%.2f"),
    ("read→MQTT p99 ms", ("pipeline_ms", "p99"), ("pipeline_ms", "p99"), "%.2f"),
    ("read→MQTT p99.9 ms", ("pipeline_ms", "p99.9"), ("pipeline_ms", "p99.9"), "%.2f"),
    ("change→MQTT p50 / p99 ms", ("change_ms",), ("change_ms",), "pair"),
    ("alarm read→MQTT p50 / p99 ms", ("alarm_pipeline_ms",), ("alarm_pipeline_ms",), "pair"),
    ("event→action (in the gateway) p50 / p99 / p99.9 ms", ("event_to_action_ms",), None, "triple"),
    ("CPU % of one core", ("cpu_pct", "gateway"), ("cpu_pct", "nodered"), "%.1f"),
    ("CPU µs per delivered sample", ("cpu_us_per_sample",), ("nr_cpu_us_per_sample",), "%.2f"),
    ("RSS steady (median in window) MB", ("rss_window_median_mb",), ("rss_window_median_mb",), "%.0f"),
    ("RSS peak (VmHWM) MB", ("rss_hwm_mb",), ("rss_hwm_mb",), "%.0f"),
    ("spawn→first telemetry s", ("cold_first_msg_s",), ("cold_first_msg_s",), "%.2f"),
    ("CPU s spawn→first telemetry", ("cold_first_msg_cpu_s",), None, "%.2f"),
    ("GC in window: young (ms) / full (ms)", ("gc_window",), None, "gc"),
    ("slave polls/s", ("slave_polls_per_s",), ("slave_polls_per_s",), "%.0f"),
    ("mosquitto / recorder / slave CPU %", ("cpu_pct",), ("cpu_pct",), "peers"),
    ("other processes' CPU % (of one core) in window", ("other_cpu_pct",), ("other_cpu_pct",), "%.0f"),
    ("gateway drops in window: ingress / rule inboxes / uplink (outbox backlog after)",
     ("gateway_counters", "window"), None, "drops"),
]


def _fmt(res, path, fmt):
    if res is None or path is None:
        return "–"
    v = _get(res, *path)
    if v is None:
        return "–"
    if fmt == "pair":
        return "%s / %s" % (_num(v.get("p50")), _num(v.get("p99")))
    if fmt == "triple":
        return "%s / %s / %s" % (_num(v.get("p50")), _num(v.get("p99")), _num(v.get("p99.9")))
    if fmt == "drops":
        return "%s / %s / %s (%s)" % (v.get("ingress_dropped"), v.get("rule_inbox_dropped"),
                                      v.get("uplink_dropped"), v.get("backlog_messages_end"))
    if fmt == "gc":
        return "%d (%.0f) / %d (%.0f)" % (v["young"], v["young_s"] * 1e3, v["full"], v["full_s"] * 1e3)
    if fmt == "peers":
        return "%s / %s / %s" % (_num(v.get("mosquitto"), 1), _num(v.get("sub"), 1), _num(v.get("slave"), 1))
    return fmt % v


def _num(v, digits=2):
    return "–" if v is None else ("%." + str(digits) + "f") % v


def _ratio(er, nr, path_er, path_nr, fmt):
    if nr is None or path_nr is None or fmt in ("pair", "triple", "peers", "drops", "gc"):
        return ""
    a, b = _get(er, *path_er), _get(nr, *path_nr)
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return ""
    return "%.2f×" % (a / b)


def one_line(res):
    return "%s %s: %.0f samples/s (%.3f of offered), read→MQTT p50/p99 %s/%s ms, CPU %.1f%%, RSS %.0f MB" % (
        res.get("system"), "%dx%dms" % (res.get("units", 0), res.get("interval_ms", 0)),
        res.get("samples_per_s") or 0, res.get("delivered_ratio") or 0,
        _num(_get(res, "pipeline_ms", "p50")), _num(_get(res, "pipeline_ms", "p99")),
        _get(res, "cpu_pct", "gateway") or _get(res, "cpu_pct", "nodered") or 0,
        res.get("rss_window_median_mb") or 0)


def table(meta, results):
    lines = ["# edgerule end-to-end benchmark", "",
             "%s, commit %s, %s CPUs, mode %s, slave %s, load average at the end %s (1/5/15 min)." % (
                 meta["date"], meta["commit"], meta["cpus"], meta["mode"], meta.get("slave", "pymodbus"),
                 " / ".join("%.2f" % x for x in meta["loadavg"])), ""]
    lines.append("| load (units × poll) | offered samples/s | delivered/offered Node-RED · edgerule "
                 "| read→MQTT p99 ms Node-RED · edgerule | CPU µs/sample Node-RED · edgerule "
                 "| RSS MB Node-RED · edgerule |")
    lines.append("|---|---|---|---|---|---|")
    for r in results:
        er, nr = r["edgerule"], r["nodered"]
        lines.append("| %s | %s | %s · %s | %s · %s | %s · %s | %s · %s |" % (
            r["load"], _fmt(er, ("offered_samples_per_s",), "%.0f"),
            _fmt(nr, ("delivered_ratio",), "%.3f"), _fmt(er, ("delivered_ratio",), "%.3f"),
            _fmt(nr, ("pipeline_ms", "p99"), "%.2f"), _fmt(er, ("pipeline_ms", "p99"), "%.2f"),
            _fmt(nr, ("nr_cpu_us_per_sample",), "%.1f"), _fmt(er, ("cpu_us_per_sample",), "%.1f"),
            _fmt(nr, ("rss_window_median_mb",), "%.0f"), _fmt(er, ("rss_window_median_mb",), "%.0f")))
    lines.append("")
    for r in results:
        er, nr = r["edgerule"], r["nodered"]
        lines.append("## %s (load average %s at the start of the edgerule run)" % (
            r["load"], " / ".join("%.2f" % x for x in er.get("loadavg_start", []))))
        lines.append("")
        lines.append("| metric | Node-RED | edgerule | edgerule / Node-RED |")
        lines.append("|---|---|---|---|")
        for label, p_er, p_nr, fmt in ROWS:
            lines.append("| %s | %s | %s | %s |" % (label, _fmt(nr, p_nr, fmt), _fmt(er, p_er, fmt),
                                                  _ratio(er, nr, p_er, p_nr, fmt)))
        if er.get("threads"):
            lines.append("")
            lines.append("edgerule threads (CPU % of one core in the window): " + ", ".join(
                "%s %.1f" % (t["thread"], t["cpu_pct"]) for t in er["threads"][:10]))
        lines.append("")
    return "\n".join(lines) + "\n"
