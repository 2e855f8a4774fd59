"""Which event policies an event triggers (nos/features/events/correlate.py), without a device: the
trigger events, `within S events` / `not events`, `trigger on|after|until N` counts, `attributes-match`
(`matches`, `equals`, `starts-with`), `ignore`, case-insensitive names and command variables.

Events are made by hand at given device times (seconds); each test reads which of its events fired.
"""

from __future__ import annotations

from nos.features.events.config import Condition, PolicySpec, Within
from nos.features.events.correlate import Correlator
from nos.runtime.eventlog import Event


def event(t: float, tag: str, **attributes: str) -> Event:
    return Event(t, "rmopd", tag, "", {k.replace("_", "-"): v for k, v in attributes.items()})


def correlator(*policies: PolicySpec) -> Correlator:
    c = Correlator()
    c.configure(policies)
    return c


def fired(c: Correlator, *events: Event) -> list[tuple[float, list[str]]]:
    """(time, names of the policies fired) for each event, in order."""
    return [(e.time, [p.name for p in c.offer(e).fired]) for e in events]


def times(c: Correlator, policy: str, *events: Event) -> list[float]:
    return [t for t, names in fired(c, *events) if policy in names]


def failures(*at: float) -> list[Event]:
    return [event(t, "PING_TEST_FAILED", test_owner="ISP1", test_name="t1") for t in at]


# -- trigger events -----------------------------------------------------------------------------------


def test_a_policy_fires_on_each_of_its_events_and_names_ignore_case():
    c = correlator(PolicySpec("p", ("ping_test_failed", "snmp_trap_link_down")))
    assert fired(c, *failures(1), event(2, "SNMP_TRAP_LINK_DOWN"), event(3, "PING_TEST_COMPLETED")) == [
        (1, ["p"]),
        (2, ["p"]),
        (3, []),
    ]


def test_policies_fire_in_order_and_ignore_ends_the_evaluation():
    first = PolicySpec("first", ("ping_test_failed",))
    quiet = PolicySpec("quiet", ("ping_test_failed",), ignore=True)
    last = PolicySpec("last", ("ping_test_failed",))
    c = correlator(first, quiet, last)
    decision = c.offer(failures(1)[0])
    assert [p.name for p in decision.fired] == ["first", "quiet"]
    assert decision.logged is False


def test_skipped_policies_are_not_evaluated():
    c = correlator(PolicySpec("a", ("ping_test_failed",)), PolicySpec("b", ("ping_test_failed",)))
    assert [p.name for p in c.offer(failures(1)[0], skip=frozenset({"a"})).fired] == ["b"]


# -- counts ---------------------------------------------------------------------------------------------


def counted(how: str, n: int, window: int = 60) -> PolicySpec:
    return PolicySpec("p", ("ping_test_failed",), withins=(Within(window, trigger=(how, n)),))


def test_trigger_on_n_fires_when_the_nth_event_of_the_window_comes():
    c = correlator(counted("on", 3))
    # The 3rd within 60 s at 20; 30 and 40 are the 4th and 5th; at 130 only 110, 120 and 130 are in it.
    assert times(c, "p", *failures(0, 10, 20, 30, 40, 110, 120, 130)) == [20, 130]


def test_trigger_after_n_fires_when_the_count_is_n_plus_one():
    c = correlator(counted("after", 2))
    assert times(c, "p", *failures(0, 10, 20, 30)) == [20]


def test_trigger_until_n_fires_while_the_count_is_below_n():
    c = correlator(counted("until", 3))
    assert times(c, "p", *failures(0, 10, 20, 30, 100)) == [0, 10, 100]


def test_the_count_window_includes_its_edge():
    c = correlator(counted("on", 2, window=60))
    assert times(c, "p", *failures(0, 60)) == [60]
    c = correlator(counted("on", 2, window=60))
    assert times(c, "p", *failures(0, 60.001)) == []


def test_the_juniper_example_of_trigger_after_4_within_120():
    """Juniper's "Trigger an Event Policy Based on Event Count": login failures at 00:00, 00:20, 02:05,
    02:40, 02:55, 03:01 and 03:55 are counted 1, 2, 2, 2, 3, 4, 5; `after 4` runs at the seventh."""
    spec = PolicySpec("login", ("a", "b", "c"), withins=(Within(120, trigger=("after", 4)),))
    c = correlator(spec)
    at = [0, 20, 125, 160, 175, 181, 235]
    tags = ["a", "b", "c", "a", "b", "c", "a"]
    assert times(c, "login", *(event(t, tag) for t, tag in zip(at, tags, strict=True))) == [235]


def test_only_matching_events_are_counted():
    spec = PolicySpec(
        "p",
        ("ping_test_failed",),
        withins=(Within(60, trigger=("on", 2)),),
        conditions=(Condition("ping_test_failed", "test-owner", "matches", text="^ISP1$"),),
    )
    c = correlator(spec)
    other = event(5, "PING_TEST_FAILED", test_owner="ISP2", test_name="t1")
    assert times(c, "p", failures(0)[0], other, failures(10)[0]) == [10]


# -- correlated events ----------------------------------------------------------------------------------


def test_within_events_needs_a_correlated_event_before_the_trigger():
    spec = PolicySpec("p", ("ui_configuration_error",), withins=(Within(300, events=("ui_commit_progress",)),))
    c = correlator(spec)
    errors = [event(t, "UI_CONFIGURATION_ERROR") for t in (10, 400, 700)]
    progress = [event(t, "UI_COMMIT_PROGRESS") for t in (350, 600)]
    evs = sorted(errors + progress, key=lambda e: e.time)
    # 10: nothing before it; 400: progress at 350; 700: 600 is 100 s back.
    assert times(c, "p", *evs) == [400, 700]


def test_within_not_events_needs_none():
    spec = PolicySpec("p", ("ping_test_completed",), withins=(Within(60, not_events=("ping_test_failed",)),))
    c = correlator(spec)
    completed = [event(t, "PING_TEST_COMPLETED", test_owner="ISP1", test_name="t1") for t in (0, 30, 100, 131)]
    evs = sorted(completed + failures(70), key=lambda e: e.time)
    assert times(c, "p", *evs) == [0, 30, 131]


def test_a_trigger_is_not_its_own_correlated_event():
    """`events a; within 60 events a`: a second `a` within 60 s (the first has none before it)."""
    spec = PolicySpec("p", ("a",), withins=(Within(60, events=("a",)),))
    c = correlator(spec)
    assert times(c, "p", event(0, "A"), event(30, "A"), event(200, "A")) == [30]


def test_an_event_logged_at_the_same_instant_before_the_trigger_counts():
    """RPM logs PING_TEST_FAILED then PING_TEST_COMPLETED at the test's end: `not events` sees the failure."""
    spec = PolicySpec("pass", ("ping_test_completed",), withins=(Within(5, not_events=("ping_test_failed",)),))
    c = correlator(spec)
    failed, completed = failures(8)[0], event(8, "PING_TEST_COMPLETED", test_owner="ISP1", test_name="t1")
    assert times(c, "pass", failed, completed) == []


def test_all_within_clauses_must_hold():
    spec = PolicySpec("p", ("c",), withins=(Within(60, events=("a",)), Within(10, not_events=("b",))))
    c = correlator(spec)
    evs = [event(0, "A"), event(20, "C"), event(25, "B"), event(30, "C"), event(50, "C")]
    assert times(c, "p", *evs) == [20, 50]


# -- attributes ---------------------------------------------------------------------------------------


def test_matches_is_a_case_insensitive_search_on_the_trigger():
    spec = PolicySpec(
        "p", ("ping_test_failed",), conditions=(Condition("ping_test_failed", "test-owner", "matches", text="^isp1"),)
    )
    c = correlator(spec)
    evs = [event(t, "PING_TEST_FAILED", test_owner=o, test_name="t") for t, o in ((0, "ISP1-a"), (1, "x-isp1"))]
    assert times(c, "p", *evs, event(2, "PING_TEST_FAILED")) == [0]  # 2: no such attribute


def test_equals_and_starts_with_compare_with_a_correlated_event():
    equal = PolicySpec(
        "equal",
        ("ping_test_failed",),
        withins=(Within(120, events=("ping_test_completed",)),),
        conditions=(Condition("ping_test_failed", "test-name", "equals", "ping_test_completed", "test-name"),),
    )
    prefix = PolicySpec(
        "prefix",
        ("ping_test_failed",),
        withins=(Within(120, events=("ping_test_completed",)),),
        conditions=(Condition("ping_test_failed", "test-owner", "starts-with", "ping_test_completed", "test-owner"),),
    )
    c = correlator(equal, prefix)
    evs = [
        event(0, "PING_TEST_COMPLETED", test_owner="ISP", test_name="t2"),
        event(10, "PING_TEST_FAILED", test_owner="ISP1", test_name="t1"),  # starts with ISP; t1 != t2
        event(20, "PING_TEST_COMPLETED", test_owner="LTE", test_name="t1"),
        event(30, "PING_TEST_FAILED", test_owner="ISP1", test_name="t1"),  # t1 was completed at 20
    ]
    assert fired(c, *evs) == [(0, []), (10, ["prefix"]), (20, []), (30, ["equal", "prefix"])]


def test_a_condition_on_another_trigger_event_applies_only_when_that_event_triggers():
    spec = PolicySpec(
        "p",
        ("ping_test_failed", "ping_probe_failed"),
        conditions=(Condition("ping_test_failed", "test-owner", "matches", text="ISP1"),),
    )
    c = correlator(spec)
    evs = [failures(0)[0], event(1, "PING_TEST_FAILED", test_owner="ISP2"), event(2, "PING_PROBE_FAILED")]
    assert times(c, "p", *evs) == [0, 2]


def test_a_condition_on_a_correlated_event_needs_a_within_window():
    no_window = PolicySpec(
        "p", ("b",), conditions=(Condition("a", "x", "matches", text="yes"),)
    )  # nothing to look back at: never
    c = correlator(no_window)
    assert times(c, "p", event(0, "A", x="yes"), event(1, "B")) == []


# -- configuration changes and variables ---------------------------------------------------------------------


def test_an_unchanged_policy_keeps_its_count_across_a_commit():
    spec = counted("on", 3)
    c = correlator(spec)
    fired(c, *failures(0, 10))
    c.configure([spec, PolicySpec("other", ("x",))])
    assert times(c, "p", *failures(20)) == [20]
    c.configure([counted("on", 2)])  # changed: counts again from nothing
    assert times(c, "p", *failures(30, 40)) == [40]


def test_command_variables():
    spec = PolicySpec("p", ("ping_test_failed",), withins=(Within(60, events=("ping_test_completed",)),))
    c = correlator(spec)
    c.offer(event(0, "PING_TEST_COMPLETED", test_owner="ISP2", test_name="t9"))
    trigger = failures(5)[0]
    c.offer(trigger)
    command = (
        "show services rpm probe-results owner {$$.test-owner} test {$PING_TEST_COMPLETED.test-name} {$*.test-owner}"
    )
    assert c.substitute(command, spec, trigger) == "show services rpm probe-results owner ISP1 test t9 ISP2"
    assert c.substitute("x {$$.nothing} y", spec, trigger) == "x  y"
