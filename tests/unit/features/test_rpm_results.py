"""RPM results: the measurements (stats.py), and what `show services rpm probe-results`,
`history-results` and `clear services rpm probe-results` make of them, on a lab with a manual clock.

The lab: `H1 10.0.1.10 --5 ms-- ge-0/0/0 10.0.1.1 R1`, so a probe's round trip is 10 ms until the
test changes the link's latency. The clock starts at Thu Jan 1 00:00:00 2026 (UTC).
"""

from __future__ import annotations

import functools
import math

import pytest
from featurelab import ManualLab, lab_file, rpm_test

from nos.features.rpm.stats import Measurement, Results, measure

# -- the measurements ---------------------------------------------------------------------------------------


def test_a_measurement_keeps_samples_min_max_sum_average_and_population_stddev():
    m = Measurement()
    for x in (1275, 27665):  # the current test of show_services_rpm_probe_results__srx300_19.2
        m.add(x)
    assert (m.samples, m.low, m.high, m.total, m.average, m.stddev) == (2, 1275, 27665, 28940, 14470, 13195)


def test_add_fill_and_merge_agree():
    values = [10_000, 16_000, 12_000, 10_000, 9_000]
    one, many, merged, tail = Measurement(), Measurement(), Measurement(), Measurement()
    for x in values:
        one.add(x)
    many.fill(values)
    merged.fill(values[:2])
    tail.fill(values[2:])
    merged.merge(tail)
    merged.merge(Measurement())  # an empty one changes nothing
    for m in (one, many, merged):
        assert (m.samples, m.low, m.high, m.total, m.squares) == (5, 9000, 16000, 57000, sum(x * x for x in values))
        assert m.average == 11400
        assert m.stddev == round(math.sqrt(sum((x - 11400) ** 2 for x in values) / 5))


def test_an_empty_measurement_reads_zero():
    m = Measurement()
    assert (m.samples, m.average, m.stddev) == (0, 0, 0)


def test_the_average_is_rounded_to_the_nearest_microsecond():
    m = Measurement()
    m.fill([1, 2])
    assert m.average == 2  # 1.5: rounded half to even, as Python rounds
    m.fill([2])
    assert m.average == 2  # 5/3


def test_loss_percentage():
    r = Results()
    assert r.loss_percentage == 0.0
    r.sent, r.received = 69962, 69806  # the srx300 capture: 0.222978
    assert f"{r.loss_percentage:.6f}" == "0.222978"


def test_measure_jitter_from_one_answered_probe_to_the_next():
    """Round trips 10, 16, lost, 12, 10 ms: jitters +6000, -4000, -2000 µs (a lost probe is skipped);
    zero counts as positive, as in the captures (Minimum: 0 usec among the positive ones)."""
    span = measure([10.0, 16.0, None, 12.0, 10.0, 10.0], None, 0.0)
    r = span.results
    assert (r.sent, r.received) == (6, 5)
    assert (r.rtt.samples, r.rtt.low, r.rtt.high, r.rtt.total) == (5, 10000, 16000, 58000)
    assert (r.positive.samples, r.positive.low, r.positive.high, r.positive.total) == (2, 0, 6000, 6000)
    assert (r.negative.samples, r.negative.low, r.negative.high, r.negative.total) == (2, 2000, 4000, 6000)
    assert span.last_rtt == 10000 and span.last_jitter == 0
    expected = 0.0
    for j in (6000, 4000, 2000, 0):  # RFC 3550: J += (|D| - J) / 16
        expected += (j - expected) / 16
    assert span.interarrival == pytest.approx(expected)


def test_measure_continues_the_jitter_from_the_probe_before():
    span = measure([12.0], 10_000, 100.0)
    assert span.results.positive.total == 2000 and span.results.positive.samples == 1
    assert span.interarrival == pytest.approx(100 + (2000 - 100) / 16)
    nothing = measure([None], 10_000, 100.0)
    assert (nothing.results.sent, nothing.results.received) == (1, 0)
    assert (nothing.last_rtt, nothing.interarrival, nothing.last_jitter) == (10_000, 100.0, None)


# -- the lab ------------------------------------------------------------------------------------------------

R1 = """\
set system host-name R1
set system root-authentication encrypted-password "$6$rpm$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
"""
H1 = "R1:ge-0/0/0"
LAB = lab_file(
    "rpm-results", {"H1": {"kind": "host", "address": "10.0.1.10/24", "gateway": "10.0.1.1"}}, [(H1, "H1:eth0", 5)]
)


class ResultsLab(ManualLab):
    def __init__(self, folder, rpm: str):  # type: ignore[no-untyped-def]
        super().__init__(folder, R1 + rpm, LAB)
        self.rpm = self.device.rpm


@pytest.fixture
def results_lab(new_lab):  # type: ignore[no-untyped-def]
    return functools.partial(new_lab, ResultsLab)


FOUR = rpm_test("P", "T", "target address 10.0.1.10", "probe-count 4", "probe-interval 1", "test-interval 10")


def four_probes(lab: ResultsLab) -> None:
    """The first test's probes (sent at 0, 1, 2 and 3 s) come back after 10, 16, 12 and 10 ms."""
    for when, ms in ((0.5, 8), (1.5, 6), (2.5, 5)):
        lab.until(when)
        lab.latency(H1, ms)


def probe(answer: str, sent: str, received: str) -> list[str]:
    """The head lines of one probe in probe-results and history-results detail, at times of Jan 1 2026."""
    return [
        "    Probe results:",
        f"      {answer}",
        f"      Probe sent time: Thu Jan  1 {sent} 2026",
        f"      Probe rcvd/timeout time: Thu Jan  1 {received} 2026, No hardware timestamps",
    ]


LAST_TEST_STATS = [
    "      Measurement: Round trip time",
    "        Samples: 4, Minimum: 10000 usec, Maximum: 16000 usec, Average: 12000 usec, Peak to peak: 6000 usec, Stddev: 2449 usec, Sum: 48000 usec",
    "      Measurement: Positive round trip jitter",
    "        Samples: 1, Minimum: 6000 usec, Maximum: 6000 usec, Average: 6000 usec, Peak to peak: 0 usec, Stddev: 0 usec, Sum: 6000 usec",
    "      Measurement: Negative round trip jitter",
    "        Samples: 2, Minimum: 2000 usec, Maximum: 4000 usec, Average: 3000 usec, Peak to peak: 2000 usec, Stddev: 1000 usec, Sum: 6000 usec",
]


def test_probe_results_after_a_test(results_lab):
    lab = results_lab(FOUR)
    four_probes(lab)
    lab.until(3.5)
    assert lab.cli("show services rpm probe-results") == [
        "    Owner: P, Test: T",
        "    Target address: 10.0.1.10, Probe type: icmp-ping, Icmp-id: 1, Test size: 4 probes",
        *probe("Response received", "00:00:03", "00:00:03"),
        "      Rtt: 10000 usec, Round trip jitter: -2000 usec",
        "      Round trip interarrival jitter: 689 usec",
        "    Results over current test:",
        "      Probes sent: 0, Probes received: 0, Loss percentage: 0.000000",
        "    Results over last test:",
        "      Probes sent: 4, Probes received: 4, Loss percentage: 0.000000",
        "      Test completed on Thu Jan  1 00:00:03 2026",
        *LAST_TEST_STATS,
        "    Results over all tests:",
        "      Probes sent: 4, Probes received: 4, Loss percentage: 0.000000",
        *LAST_TEST_STATS,
    ]


def test_current_last_and_all_tests_with_a_lost_probe(results_lab):
    """The second test (from 13.01 s) loses its probe of 14.01 s, which times out at 15.01 s."""
    lab = results_lab(FOUR)
    four_probes(lab)
    lab.until(13.5)
    lab.loss(H1, 100)
    lab.until(14.5)
    lab.loss(H1, 0)
    # The lost probe is still in flight: not counted yet, and the probe shown is the one before it.
    out = lab.cli("show services rpm probe-results")
    assert out[2:10] == [
        *probe("Response received", "00:00:13", "00:00:13"),
        "      Rtt: 10000 usec, Round trip jitter: 0 usec",
        "      Round trip interarrival jitter: 646 usec",
        "    Results over current test:",
        "      Probes sent: 1, Probes received: 1, Loss percentage: 0.000000",
    ]
    # 15.015: it has timed out; the probe sent at 15.01 is in flight.
    lab.until(15.015)
    out = lab.cli("show services rpm probe-results")
    assert out[2:9] == [
        *probe("Request timed out", "00:00:14", "00:00:15"),
        "    Results over current test:",
        "      Probes sent: 2, Probes received: 1, Loss percentage: 50.000000",
        "      Measurement: Round trip time",
    ]
    lab.until(17)
    out = lab.cli("show services rpm probe-results")
    last = out.index("    Results over last test:")
    total = out.index("    Results over all tests:")
    assert out[last : last + 3] == [
        "    Results over last test:",
        "      Probes sent: 4, Probes received: 3, Loss percentage: 25.000000",
        "      Test completed on Thu Jan  1 00:00:16 2026",
    ]
    assert out[total:] == [
        "    Results over all tests:",
        "      Probes sent: 8, Probes received: 7, Loss percentage: 12.500000",
        "      Measurement: Round trip time",
        "        Samples: 7, Minimum: 10000 usec, Maximum: 16000 usec, Average: 11143 usec, Peak to peak: 6000 usec, Stddev: 2100 usec, Sum: 78000 usec",
        "      Measurement: Positive round trip jitter",
        "        Samples: 4, Minimum: 0 usec, Maximum: 6000 usec, Average: 1500 usec, Peak to peak: 6000 usec, Stddev: 2598 usec, Sum: 6000 usec",
        "      Measurement: Negative round trip jitter",
        "        Samples: 2, Minimum: 2000 usec, Maximum: 4000 usec, Average: 3000 usec, Peak to peak: 2000 usec, Stddev: 1000 usec, Sum: 6000 usec",
    ]
    assert "      Round trip interarrival jitter: 568 usec" in out


def test_results_over_all_tests_stay_exact_over_many_tests(results_lab):
    """Some 200 one-probe tests, back to back, with the latency changing and a lost probe: the results
    over all tests (kept as folded sums) equal those measured over every probe at once."""
    lab = results_lab(
        rpm_test(
            "P",
            "T",
            "target address 10.0.1.10",
            "probe-interval 1",
            "test-interval 0",
            "history-size 512",
            "thresholds total-loss 0",
        )
    )
    for when, ms in ((0.3, 7), (0.77, 3.5), (1.1, 4)):
        lab.until(when)
        lab.latency(H1, ms)
    lab.until(1.2)
    lab.loss(H1, 100)
    lab.until(1.25)
    lab.loss(H1, 0)
    lab.until(2.5)
    lab.latency(H1, 9)
    lab.until(3.0)
    run = lab.rpm.runs["P", "T"]
    probes = [p for p in run.history if p[1] <= lab.clock.now()]  # not the one in flight
    assert run.tests_completed == len(probes) > 150
    direct = measure([p[2] for p in probes], None, 0.0).results
    last, current, total = run.views(lab.clock.now())
    assert (total.sent, total.received) == (direct.sent, direct.received)
    assert total.received < total.sent
    for name in ("rtt", "positive", "negative"):
        got, want = getattr(total, name), getattr(direct, name)
        assert (got.samples, got.low, got.high, got.total, got.squares) == (
            want.samples,
            want.low,
            want.high,
            want.total,
            want.squares,
        )
    assert last is not None and last.sent == 1
    assert current.results.sent == 0


def test_history_results_list_the_answered_probes_by_their_receive_time(results_lab):
    lab = results_lab(
        rpm_test("P", "T", "target address 10.0.1.10", "probe-count 2", "probe-interval 1", "test-interval 1")
        + rpm_test("dns-rpm", "ping", "target address 10.0.1.10", "probe-interval 2", "test-interval 2")
    )
    lab.until(2.5)
    lab.loss(H1, 100)
    lab.until(3.5)
    lab.loss(H1, 0)
    lab.latency(H1, 60)
    lab.until(6)
    assert lab.cli("show services rpm history-results") == [
        "    Owner, Test                 Probe received              Round trip time",
        "    P, T                     Thu Jan  1 00:00:00 2026            10000 usec",
        "    P, T                     Thu Jan  1 00:00:01 2026            10000 usec",
        "    P, T                     Thu Jan  1 00:00:02 2026            10000 usec",
        # the probe of 3.01 s was lost: no row
        "    P, T                     Thu Jan  1 00:00:05 2026           120000 usec",
        "    dns-rpm, ping            Thu Jan  1 00:00:00 2026            10000 usec",
        "    dns-rpm, ping            Thu Jan  1 00:00:02 2026            10000 usec",
        "    dns-rpm, ping            Thu Jan  1 00:00:04 2026           120000 usec",
    ]
    assert lab.cli("show services rpm history-results brief") == lab.cli("show services rpm history-results")
    assert lab.cli("show services rpm history-results owner P since 2026-01-01.00:00:01") == [
        "    Owner, Test                 Probe received              Round trip time",
        "    P, T                     Thu Jan  1 00:00:01 2026            10000 usec",
        "    P, T                     Thu Jan  1 00:00:02 2026            10000 usec",
        "    P, T                     Thu Jan  1 00:00:05 2026           120000 usec",
    ]
    assert lab.cli("show services rpm history-results since 2026-01-01") == [
        "error: invalid time: 2026-01-01 (yyyy-mm-dd.hh:mm:ss)",
    ]


def test_history_results_detail(results_lab):
    lab = results_lab(
        rpm_test("P", "T", "target address 10.0.1.10", "probe-count 3", "probe-interval 1", "test-interval 5")
    )
    lab.until(0.5)
    lab.latency(H1, 7)
    lab.until(1.5)
    lab.loss(H1, 100)
    lab.until(6.5)
    assert lab.cli("show services rpm history-results detail") == [
        "    Owner: P, Test: T",
        "    Target address: 10.0.1.10, Probe type: icmp-ping, Icmp-id: 1, Test size: 3 probes",
        *probe("Response received", "00:00:00", "00:00:00"),
        "      Rtt: 10000 usec",
        *probe("Response received", "00:00:01", "00:00:01"),
        "      Rtt: 14000 usec, Round trip jitter: 4000 usec",
        *probe("Request timed out", "00:00:02", "00:00:03"),
        # the next test starts at 8 s: nothing is in flight at 6.5 s
        "    Results over current test:",
        "      Probes sent: 0, Probes received: 0, Loss percentage: 0.000000",
    ]


def test_history_keeps_history_size_probes(results_lab):
    lab = results_lab(rpm_test("P", "T", "target address 10.0.1.10", "history-size 3"))
    lab.until(4.5)
    run = lab.rpm.runs["P", "T"]
    assert [p[0] for p in run.history] == pytest.approx([2.02, 3.03, 4.04])
    assert run.views()[2].sent == 5  # the results keep counting
    assert lab.cli("show services rpm history-results")[1:] == [
        "    P, T                     Thu Jan  1 00:00:02 2026            10000 usec",
        "    P, T                     Thu Jan  1 00:00:03 2026            10000 usec",
        "    P, T                     Thu Jan  1 00:00:04 2026            10000 usec",
    ]


def test_history_size_0_keeps_none(results_lab):
    lab = results_lab(rpm_test("P", "T", "target address 10.0.1.10", "history-size 0"))
    lab.until(5)
    assert lab.cli("show services rpm history-results") == [
        "    Owner, Test                 Probe received              Round trip time",
    ]
    assert "    Probe results:" in lab.cli("show services rpm probe-results")  # the last probe is kept apart


def test_probe_results_of_one_owner_or_test(results_lab):
    lab = results_lab(
        "".join(rpm_test(o, t, "target address 10.0.1.10") for o, t in (("A", "t1"), ("A", "t2"), ("B", "t1")))
    )
    lab.until(2)

    def heads(line: str) -> list[str]:
        return [x for x in lab.cli(line) if x.startswith("    Owner:")]

    assert heads("show services rpm probe-results") == [
        "    Owner: A, Test: t1",
        "    Owner: A, Test: t2",
        "    Owner: B, Test: t1",
    ]
    assert heads("show services rpm probe-results owner A") == ["    Owner: A, Test: t1", "    Owner: A, Test: t2"]
    assert heads("show services rpm probe-results test t1") == ["    Owner: A, Test: t1", "    Owner: B, Test: t1"]
    assert heads("show services rpm probe-results owner A test t2") == ["    Owner: A, Test: t2"]
    assert lab.cli("show services rpm probe-results owner C") == []
    out = lab.cli("show services rpm probe-results")
    assert out.count("") == 2  # a blank line between tests


def test_clear_starts_the_results_again_and_the_tests_keep_their_pace(results_lab):
    """Cleared in the middle of a test (after 2 of its 3 probes): the test still ends after its third
    probe, on time, and is judged on all three."""
    lab = results_lab(
        rpm_test("P", "T", "target address 10.0.1.10", "probe-count 3", "probe-interval 1", "test-interval 10")
        + rpm_test("Q", "U", "target address 10.0.1.10", "probe-count 3", "probe-interval 1", "test-interval 10")
    )
    lab.until(13.5)
    assert lab.cli("clear services rpm probe-results owner P") == []
    cleared, kept = lab.rpm.runs["P", "T"], lab.rpm.runs["Q", "U"]
    assert list(cleared.history) == [] and len(kept.history) == 5
    out = lab.cli("show services rpm probe-results owner P")
    assert out == [
        "    Owner: P, Test: T",
        "    Target address: 10.0.1.10, Probe type: icmp-ping, Icmp-id: 1, Test size: 3 probes",
        "    Results over current test:",
        "      Probes sent: 2, Probes received: 2, Loss percentage: 0.000000",
        "      Measurement: Round trip time",
        "        Samples: 2, Minimum: 10000 usec, Maximum: 10000 usec, Average: 10000 usec, Peak to peak: 0 usec, Stddev: 0 usec, Sum: 20000 usec",
        "      Measurement: Positive round trip jitter",
        "        Samples: 1, Minimum: 0 usec, Maximum: 0 usec, Average: 0 usec, Peak to peak: 0 usec, Stddev: 0 usec, Sum: 0 usec",
        "    Results over all tests:",
        "      Probes sent: 2, Probes received: 2, Loss percentage: 0.000000",
        *out[4:8],
    ]
    lab.until(15)
    assert [p[0] for p in cleared.history] == pytest.approx([14.01])
    assert cleared.completed_at == pytest.approx(14.02) == kept.completed_at
    last, _, total = cleared.views(lab.clock.now())
    assert last is not None and last.sent == 3 and total.sent == 3
    assert kept.views()[2].sent == 6


def test_clear_does_not_pass_a_failing_test_whose_last_probe_is_in_flight(results_lab):
    """A dead target, total-loss 3: cleared between its last probe and that probe's timeout, the test
    still fails (it is judged on its 3 lost probes, not on none)."""
    lab = results_lab(
        rpm_test("P", "T", "target address 10.0.1.99", "probe-count 3", "probe-interval 1", "thresholds total-loss 3")
    )
    lab.until(2.5)
    lab.cli("clear services rpm probe-results")
    lab.until(3)
    assert lab.rpm.runs["P", "T"].passed is False


def test_clear_of_every_test(results_lab):
    lab = results_lab(rpm_test("A", "t", "target address 10.0.1.10") + rpm_test("B", "t", "target address 10.0.1.10"))
    lab.until(3.5)
    lab.cli("clear services rpm probe-results")
    out = lab.cli("show services rpm probe-results")
    assert [x for x in out if "Probes sent" in x] == [
        "      Probes sent: 0, Probes received: 0, Loss percentage: 0.000000"
    ] * 4
    assert lab.cli("show services rpm history-results") == [
        "    Owner, Test                 Probe received              Round trip time",
    ]
