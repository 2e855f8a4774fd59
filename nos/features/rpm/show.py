"""`show services rpm probe-results` and `history-results`, laid out like the captures in
reference/junos-output (Junos 19.2 and 22.x: loss as 0.000000, jitter measurements, sent and
received times on their own lines)."""

from __future__ import annotations

import time

from nos.features.rpm.config import ICMP_TYPES
from nos.features.rpm.service import Probe, TestRun
from nos.features.rpm.stats import Measurement, Results
from nos.lab.packet import ipv4_text


def ctime(epoch: float) -> str:
    """`Tue Dec 20 19:12:58 2022`, the device's time."""
    return time.asctime(time.gmtime(epoch))


def probe_results(runs: list[TestRun], epoch0: float, now: float | None = None) -> list[str]:
    """Each test's last probe and results; at `now` (lab time), a probe in flight is not shown yet."""
    lines: list[str] = []
    for run in runs:
        if lines:
            lines.append("")
        lines += _header(run)
        last, current, total = run.views(now)
        shown = run.last_probe
        if shown is not None and now is not None and shown[1] > now:  # in flight: the one before it
            shown = run.history[-2] if len(run.history) >= 2 else None
        if shown is not None:
            lines.append("    Probe results:")
            probe = _probe(shown, current.last_jitter, current.interarrival, epoch0)
            lines += [f"      {line}" for line in probe]
        lines += _results("current test", current.results, epoch0)
        if last is not None:
            lines += _results("last test", last, epoch0)
        lines += _results("all tests", total, epoch0)
    return lines


def _header(run: TestRun) -> list[str]:
    spec = run.spec
    fields = [f"Target address: {ipv4_text(spec.target)}"]
    if spec.source is not None:
        fields.append(f"Source address: {ipv4_text(spec.source)}")
    fields.append(f"Probe type: {spec.probe_type}")
    if spec.probe_type in ICMP_TYPES:
        fields.append(f"Icmp-id: {run.icmp_id}")
    elif spec.destination_port:
        fields.append(f"Destination port: {spec.destination_port}")
    lines = [f"    Owner: {spec.owner}, Test: {spec.name}", "    " + ", ".join(fields)]
    if spec.routing_instance:
        lines.append(f"    Routing Instance Name: {spec.routing_instance}")
    if spec.destination_interface:
        lines.append(f"    Destination interface name: {spec.destination_interface}")
    size = f"Test size: {spec.probe_count} probes"
    if len(lines) == 2:  # the SRX300 capture: on the address line unless a line came between
        lines[1] += f", {size}"
    else:
        lines.append(f"    {size}")
    return lines


def _probe(probe: Probe, jitter: int | None, interarrival: float | None, epoch0: float) -> list[str]:
    sent, ended, rtt_ms = probe
    lines = [
        "Response received" if rtt_ms is not None else "Request timed out",
        f"Probe sent time: {ctime(epoch0 + sent)}",
        f"Probe rcvd/timeout time: {ctime(epoch0 + ended)}, No hardware timestamps",
    ]
    if rtt_ms is not None:
        rtt = round(rtt_ms * 1000)
        lines.append(f"Rtt: {rtt} usec" + (f", Round trip jitter: {jitter} usec" if jitter is not None else ""))
        if interarrival is not None:
            lines.append(f"Round trip interarrival jitter: {round(interarrival)} usec")
    return lines


def _results(span: str, results: Results, epoch0: float) -> list[str]:
    lines = [
        f"    Results over {span}:",
        f"      Probes sent: {results.sent}, Probes received: {results.received}, "
        f"Loss percentage: {results.loss_percentage:.6f}",
    ]
    if span == "last test" and results.completed is not None:
        lines.append(f"      Test completed on {ctime(epoch0 + results.completed)}")
    for name, m in (
        ("Round trip time", results.rtt),
        ("Positive round trip jitter", results.positive),
        ("Negative round trip jitter", results.negative),
    ):
        if m.samples:
            lines += [f"      Measurement: {name}", f"        {_samples(m)}"]
    return lines


def _samples(m: Measurement) -> str:
    return (
        f"Samples: {m.samples}, Minimum: {m.low} usec, Maximum: {m.high} usec, Average: {m.average} usec, "
        f"Peak to peak: {m.high - m.low} usec, Stddev: {m.stddev} usec, Sum: {m.total} usec"
    )


HISTORY_HEADER = "    Owner, Test                 Probe received              Round trip time"


def history_results(
    runs: list[TestRun], epoch0: float, since: float | None = None, detail: bool = False, now: float | None = None
) -> list[str]:
    """The answered probes kept in each test's history (history-size of them), oldest first
    (at `now`, lab time, without a probe still in flight)."""
    if detail:
        return _history_detail(runs, epoch0, since, now)
    lines = [HISTORY_HEADER]
    for run in runs:
        who = f"{run.spec.owner}, {run.spec.name}"
        for _sent, ended, rtt_ms in run.history:
            if rtt_ms is None or (since is not None and epoch0 + ended < since) or (now is not None and ended > now):
                continue
            lines.append(f"    {who:<25}{ctime(epoch0 + ended)}{round(rtt_ms * 1000):>17} usec")
    return lines


def _history_detail(runs: list[TestRun], epoch0: float, since: float | None, now: float | None) -> list[str]:
    """Each kept probe's results (with its jitter from the answered probe before it), then the current test."""
    lines: list[str] = []
    for run in runs:
        if lines:
            lines.append("")
        lines += _header(run)
        previous: int | None = None
        for probe in run.history:
            rtt_ms = probe[2]
            rtt = round(rtt_ms * 1000) if rtt_ms is not None else None
            jitter = rtt - previous if rtt is not None and previous is not None else None
            previous = rtt if rtt is not None else previous
            if (since is not None and epoch0 + probe[1] < since) or (now is not None and probe[1] > now):
                continue
            lines.append("    Probe results:")
            lines += [f"      {line}" for line in _probe(probe, jitter, None, epoch0)]
        lines += _results("current test", run.views(now)[1].results, epoch0)
    return lines


__all__ = ["HISTORY_HEADER", "ctime", "history_results", "probe_results"]
