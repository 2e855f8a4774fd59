"""`show services rpm probe-results` and `history-results`: built once as the elements Junos answers
get-probe-results and get-history-results with (`<probe-results>`, `<history-results>`), and
rendered to text from them, laid out like the captures in reference/junos-output (Junos 19.2 and
22.x: loss as 0.000000, jitter measurements, sent and received times on their own lines).

Element names follow a Junos 22.2 `| display xml` of probe-results (owner, test-name,
target-address, source-address, probe-type, icmp-id, routing-instance-name, test-size,
probe-single-results, probe-test-{current,global}-results, probe-last-test-results with their
probe-test-generic-results and probe-summary-results; napalm's get_probes_results reads them).
`destination-port` and `destination-interface` are this simulator's names (no capture shows them).
History probes are `<probe-single-results>` holding their owner and test-name (what a published
get-history-results poller reads); `history-results detail` lists a `<probe-test-results>` per test.
"""

from __future__ import annotations

import time

from nos.features.rpm.config import ICMP_TYPES
from nos.features.rpm.service import Probe, TestRun
from nos.features.rpm.stats import Measurement, Results
from nos.lab.packet import ipv4_text
from nos.runtime.structured import E, Element, Structured, sub, text_of


def ctime(epoch: float) -> str:
    """`Tue Dec 20 19:12:58 2022`, the device's time."""
    return time.asctime(time.gmtime(epoch))


def _time(parent: Element, tag: str, epoch: float) -> None:
    """A time as Junos gives it: the text for people, the seconds for programs."""
    sub(parent, tag, ctime(epoch), junos_seconds=int(epoch))


# -- probe-results (get-probe-results) ------------------------------------------------------------------


def probe_results_xml(runs: list[TestRun], epoch0: float, now: float | None = None) -> Element:
    """Each test's last probe and results; at `now` (lab time), a probe in flight is not shown yet."""
    info = E("probe-results")
    for run in runs:
        test = _test(info, run)
        last, current, total = run.views(now)
        shown = run.last_probe
        if shown is not None and now is not None and shown[1] > now:  # in flight: the one before it
            shown = run.history[-2] if len(run.history) >= 2 else None
        if shown is not None:
            _probe(test, shown, current.last_jitter, current.interarrival, epoch0)
        _results(test, "probe-test-current-results", "current test", current.results, epoch0)
        if last is not None:
            _results(test, "probe-last-test-results", "last test", last, epoch0)
        _results(test, "probe-test-global-results", "all tests", total, epoch0)
        thresholds = run.spec.thresholds
        for tag, n in (
            ("delay-thresh", thresholds.rtt),
            ("jitter-thresh", thresholds.jitter_rtt),
            ("stddev-thresh", thresholds.std_dev_rtt),
            ("loss-thresh-total", thresholds.total_loss),
            ("loss-thresh-succ", thresholds.successive_loss),
        ):
            sub(test, tag, n)
    return info


def _test(parent: Element, run: TestRun) -> Element:
    """A `<probe-test-results>` and the test's identity: owner, test, target, type, size."""
    spec = run.spec
    test = sub(parent, "probe-test-results")
    sub(test, "owner", spec.owner)
    sub(test, "test-name", spec.name)
    sub(test, "target-address", ipv4_text(spec.target))
    if spec.source is not None:
        sub(test, "source-address", ipv4_text(spec.source))
    sub(test, "probe-type", spec.probe_type)
    if spec.probe_type in ICMP_TYPES:
        sub(test, "icmp-id", run.icmp_id)
    elif spec.destination_port:
        sub(test, "destination-port", spec.destination_port)
    if spec.routing_instance:
        sub(test, "routing-instance-name", spec.routing_instance)
    if spec.destination_interface:
        sub(test, "destination-interface", spec.destination_interface)
    sub(test, "test-size", spec.probe_count, junos_format=f"{spec.probe_count} probes")
    return test


def _probe(parent: Element, probe: Probe, jitter: int | None, interarrival: float | None, epoch0: float) -> None:
    sent, ended, rtt_ms = probe
    single = sub(parent, "probe-single-results", junos_style="verbose")
    sub(single, "probe-status", "Response received" if rtt_ms is not None else "Request timed out")
    _time(single, "probe-sent-time", epoch0 + sent)
    _time(single, "probe-time", epoch0 + ended)
    sub(single, "hardware-timestamp-status", "No hardware timestamps")
    if rtt_ms is None:
        return
    sub(single, "rtt", round(rtt_ms * 1000))
    if jitter is not None:
        sub(single, "round-trip-jitter", jitter)
    if interarrival is not None:
        sub(single, "round-trip-interarrival-jitter", round(interarrival))


_MEASUREMENTS = (
    ("probe-test-rtt", "Round trip time", "rtt"),
    ("probe-test-positive-round-trip-jitter", "Positive round trip jitter", "positive"),
    ("probe-test-negative-round-trip-jitter", "Negative round trip jitter", "negative"),
)


def _results(parent: Element, tag: str, scope: str, results: Results, epoch0: float) -> None:
    generic = sub(sub(parent, tag), "probe-test-generic-results")
    sub(generic, "results-scope", scope)
    sub(generic, "probes-sent", results.sent)
    sub(generic, "probe-responses", results.received)
    sub(generic, "loss-percentage", f"{results.loss_percentage:.6f}")
    if scope == "last test" and results.completed is not None:
        _time(sub(generic, "probe-last-test-info"), "last-test-time", epoch0 + results.completed)
    for element, name, attr in _MEASUREMENTS:
        m: Measurement = getattr(results, attr)
        if not m.samples:
            continue
        summary = sub(sub(generic, element), "probe-summary-results")
        sub(summary, "probe-results-type", name)
        sub(summary, "samples", m.samples)
        for delay, n in (
            ("min-delay", m.low),
            ("max-delay", m.high),
            ("avg-delay", m.average),
            ("jitter-delay", m.high - m.low),
            ("stddev-delay", m.stddev),
            ("sum-delay", m.total),
        ):
            sub(summary, delay, n, junos_format=f"{n} usec")


# -- their text -------------------------------------------------------------------------------------------


def render_probe_results(info: Element) -> list[str]:
    """The text of `show services rpm probe-results`, read from its `<probe-results>`."""
    lines: list[str] = []
    for test in info.iterfind("probe-test-results"):
        if lines:
            lines.append("")
        lines += _render_header(test)
        for single in test.iterfind("probe-single-results"):
            lines.append("    Probe results:")
            lines += [f"      {line}" for line in _render_probe(single)]
        for tag in ("probe-test-current-results", "probe-last-test-results", "probe-test-global-results"):
            for results in test.iterfind(f"{tag}/probe-test-generic-results"):
                lines += _render_results(results)
    return lines


def _render_header(test: Element) -> list[str]:
    t = lambda tag: text_of(test, tag)  # noqa: E731
    fields = [f"Target address: {t('target-address')}"]
    if test.find("source-address") is not None:
        fields.append(f"Source address: {t('source-address')}")
    fields.append(f"Probe type: {t('probe-type')}")
    if test.find("icmp-id") is not None:
        fields.append(f"Icmp-id: {t('icmp-id')}")
    elif test.find("destination-port") is not None:
        fields.append(f"Destination port: {t('destination-port')}")
    lines = [f"    Owner: {t('owner')}, Test: {t('test-name')}", "    " + ", ".join(fields)]
    if test.find("routing-instance-name") is not None:
        lines.append(f"    Routing Instance Name: {t('routing-instance-name')}")
    if test.find("destination-interface") is not None:
        lines.append(f"    Destination interface name: {t('destination-interface')}")
    size = f"Test size: {t('test-size')} probes"
    if len(lines) == 2:  # the SRX300 capture: on the address line unless a line came between
        lines[1] += f", {size}"
    else:
        lines.append(f"    {size}")
    return lines


def _render_probe(single: Element) -> list[str]:
    t = lambda tag: text_of(single, tag)  # noqa: E731
    lines = [
        t("probe-status"),
        f"Probe sent time: {t('probe-sent-time')}",
        f"Probe rcvd/timeout time: {t('probe-time')}, {t('hardware-timestamp-status')}",
    ]
    if single.find("rtt") is not None:
        jitter = single.find("round-trip-jitter")
        tail = f", Round trip jitter: {jitter.text} usec" if jitter is not None else ""
        lines.append(f"Rtt: {t('rtt')} usec{tail}")
        if single.find("round-trip-interarrival-jitter") is not None:
            lines.append(f"Round trip interarrival jitter: {t('round-trip-interarrival-jitter')} usec")
    return lines


def _render_results(generic: Element) -> list[str]:
    t = lambda tag: text_of(generic, tag)  # noqa: E731
    lines = [
        f"    Results over {t('results-scope')}:",
        f"      Probes sent: {t('probes-sent')}, Probes received: {t('probe-responses')}, "
        f"Loss percentage: {t('loss-percentage')}",
    ]
    if generic.find("probe-last-test-info/last-test-time") is not None:
        lines.append(f"      Test completed on {t('probe-last-test-info/last-test-time')}")
    for element, _name, _attr in _MEASUREMENTS:
        summary = generic.find(f"{element}/probe-summary-results")
        if summary is None:
            continue
        lines += [f"      Measurement: {text_of(summary, 'probe-results-type')}", f"        {_samples(summary)}"]
    return lines


def _samples(summary: Element) -> str:
    s = lambda tag: text_of(summary, tag)  # noqa: E731
    return (
        f"Samples: {s('samples')}, Minimum: {s('min-delay')} usec, Maximum: {s('max-delay')} usec, "
        f"Average: {s('avg-delay')} usec, Peak to peak: {s('jitter-delay')} usec, "
        f"Stddev: {s('stddev-delay')} usec, Sum: {s('sum-delay')} usec"
    )


def probe_results(
    runs: list[TestRun],
    epoch0: float,
    now: float | None = None,
    rpc_args: dict[str, str | bool] | None = None,
) -> Structured:
    """`show services rpm probe-results [owner O] [test T]` (get-probe-results)."""
    xml = probe_results_xml(runs, epoch0, now)
    return Structured(xml, render_probe_results, "get-probe-results", rpc_args or {})


# -- history-results (get-history-results) ---------------------------------------------------------------


HISTORY_HEADER = "    Owner, Test                 Probe received              Round trip time"


def _kept(probe: Probe, epoch0: float, since: float | None, now: float | None) -> bool:
    """A probe of the history shown: answered (or timed out) by `now`, not before `since`."""
    return not ((since is not None and epoch0 + probe[1] < since) or (now is not None and probe[1] > now))


def history_results_xml(
    runs: list[TestRun], epoch0: float, since: float | None = None, detail: bool = False, now: float | None = None
) -> Element:
    """The answered probes kept in each test's history (history-size of them), oldest first (at
    `now`, lab time, without a probe still in flight); with `detail`, each test's probes, lost ones
    too, with their jitter from the answered probe before them, then the test in progress."""
    info = E("history-results")
    for run in runs:
        if not detail:
            for probe in run.history:
                if probe[2] is None or not _kept(probe, epoch0, since, now):
                    continue
                single = sub(info, "probe-single-results")
                sub(single, "owner", run.spec.owner)
                sub(single, "test-name", run.spec.name)
                sub(single, "probe-status", "Response received")
                _time(single, "probe-sent-time", epoch0 + probe[0])
                _time(single, "probe-time", epoch0 + probe[1])
                sub(single, "rtt", round(probe[2] * 1000))
            continue
        test = _test(info, run)
        previous: int | None = None
        for probe in run.history:
            rtt_ms = probe[2]
            rtt = round(rtt_ms * 1000) if rtt_ms is not None else None
            jitter = rtt - previous if rtt is not None and previous is not None else None
            previous = rtt if rtt is not None else previous
            if _kept(probe, epoch0, since, now):
                _probe(test, probe, jitter, None, epoch0)
        _results(test, "probe-test-current-results", "current test", run.views(now)[1].results, epoch0)
    return info


def render_history_brief(info: Element) -> list[str]:
    """The text of `show services rpm history-results [brief]`: one line per answered probe."""
    lines = [HISTORY_HEADER]
    for single in info.iterfind("probe-single-results"):
        who = f"{text_of(single, 'owner')}, {text_of(single, 'test-name')}"
        lines.append(f"    {who:<25}{text_of(single, 'probe-time')}{text_of(single, 'rtt'):>17} usec")
    return lines


def render_history_detail(info: Element) -> list[str]:
    """The text of `show services rpm history-results detail`: each test's probes, then its current test."""
    return render_probe_results(info)


def history_results(
    runs: list[TestRun],
    epoch0: float,
    since: float | None = None,
    detail: bool = False,
    now: float | None = None,
    rpc_args: dict[str, str | bool] | None = None,
) -> Structured:
    """`show services rpm history-results [brief|detail] [owner O] [test T] [since TIME]`
    (get-history-results, the RPC name a vSRX's `| display xml rpc` gives)."""
    xml = history_results_xml(runs, epoch0, since, detail, now)
    render = render_history_detail if detail else render_history_brief
    return Structured(xml, render, "get-history-results", rpc_args or {})


__all__ = [
    "HISTORY_HEADER",
    "ctime",
    "history_results",
    "history_results_xml",
    "probe_results",
    "probe_results_xml",
    "render_history_brief",
    "render_history_detail",
    "render_probe_results",
]
