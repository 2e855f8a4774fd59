"""Features apply only what a commit changed: a statement the commit did not touch is the same node
as before, so its probe, filter or policy is not compiled again, and what runs from it runs on."""

from __future__ import annotations

import pytest
from featurelab import rpm_test

from nos.features.firewall import filters
from nos.features.ipmon import service as ipmon_service
from nos.features.rpm import service as rpm_service

BASE = (
    "set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24\n"
    + rpm_test("P1", "T", "target address 10.0.1.2", "probe-interval 1")
    + rpm_test("P2", "T", "target address 10.0.1.3", "probe-interval 1")
    + rpm_test("P3", "T", "target address 10.0.1.4", "source-address 10.9.9.9")
    + "set services ip-monitoring policy M1 match rpm-probe P1\n"
    + "set services ip-monitoring policy M1 then preferred-route route 0.0.0.0/0 next-hop 10.0.1.9\n"
    + "set services ip-monitoring policy M2 match rpm-probe P2\n"
    + "set services ip-monitoring policy M2 then preferred-route route 192.0.2.0/24 next-hop 10.0.1.9\n"
    + "set firewall family inet filter F1 term a then accept\n"
    + "set firewall family inet filter F2 term a then discard\n"
)


@pytest.fixture
def compiled(monkeypatch):  # type: ignore[no-untyped-def]
    """What the features compile from here on: (kind, name) pairs."""
    calls: list[tuple[str, str]] = []

    def counting(kind, real):  # type: ignore[no-untyped-def]
        def call(name, entry):  # type: ignore[no-untyped-def]
            calls.append((kind, name))
            return real(name, entry)

        return call

    monkeypatch.setattr(rpm_service, "compile_probe", counting("probe", rpm_service.compile_probe))
    monkeypatch.setattr(filters, "compile_filter", counting("filter", filters.compile_filter))
    monkeypatch.setattr(ipmon_service, "compile_policy", counting("policy", ipmon_service.compile_policy))
    return calls


def test_a_commit_elsewhere_compiles_nothing(srx, recommit, compiled):
    device = srx(BASE)
    runs = dict(device.rpm.runs)
    compiled.clear()
    recommit(device, "set system host-name edge1\n")
    assert compiled == []
    assert device.rpm.runs == runs and all(device.rpm.runs[k] is r for k, r in runs.items())


def test_only_the_changed_probe_filter_and_policy_are_compiled(srx, recommit, compiled):
    device = srx(BASE)
    p1, p2 = device.rpm.runs["P1", "T"], device.rpm.runs["P2", "T"]
    f1 = device.dataplane.firewall.filters["F1"]
    f2 = device.dataplane.firewall.filters["F2"]
    f2.counters["c"] = [3, 300]
    compiled.clear()
    recommit(
        device,
        rpm_test("P2", "T", "probe-interval 2")
        + "set firewall family inet filter F2 term b then accept\n"
        + "set services ip-monitoring policy M2 no-preempt\n",
    )
    assert set(compiled) == {("filter", "F2"), ("policy", "M2"), ("probe", "P2")}  # (M2: its check, then apply)
    assert device.rpm.runs["P1", "T"] is p1 and p1.alive  # runs on through the commit
    assert device.rpm.runs["P2", "T"] is not p2 and not p2.alive  # changed: started again
    assert device.dataplane.firewall.filters["F1"] is f1
    assert device.dataplane.firewall.filters["F2"].counters == {"c": [3, 300]}  # recompiled, counters kept


def test_removed_probes_and_filters_go(srx, recommit, compiled):
    device = srx(BASE)
    p3 = device.rpm.runs["P3", "T"]
    recommit(device, "delete services rpm probe P3\ndelete firewall family inet filter F1\n")
    assert ("P3", "T") not in device.rpm.runs and not p3.alive
    assert set(device.dataplane.firewall.filters) == {"F2"}


def test_a_source_address_the_device_gains_is_used_without_touching_the_probe(srx, recommit, compiled):
    """The probe's packet depends on the device's addresses: a change of interfaces refreshes it."""
    device = srx(BASE)
    run = device.rpm.runs["P3", "T"]
    assert run.packet.src == 0  # 10.9.9.9 is not the device's: the probe leaves with its interface's
    compiled.clear()
    recommit(device, "set interfaces lo0 unit 0 family inet address 10.9.9.9/32\n")
    assert compiled == []
    assert device.rpm.runs["P3", "T"] is run
    assert run.packet.src == 0x0A090909
