"""What `show interfaces` shows as measured: rates from the counters over the device's clock, the
carrier transitions, a MAC address per device and port, the speed of the port's type."""

from __future__ import annotations

from nos.features.interfaces.rates import WINDOW
from nos.features.interfaces.state import mac_address, port_speed

CONFIG = """
set interfaces ge-0/0/0 unit 0 family inet address 192.168.10.1/24
set interfaces xe-0/0/1 unit 0 family inet address 10.0.0.1/30
"""


def rates(device, port: str = "ge-0/0/0") -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    state = device.dataplane.interfaces
    return state.rates.rates(port, state.ports[port].totals())


def test_a_device_alone_does_not_sample(srx, clock):
    """No lab, no traffic: no sampler runs on the clock and every rate reads 0."""
    device = srx(CONFIG)
    assert clock.next_deadline() == float("inf")
    assert rates(device) == (0, 0, 0, 0)


def test_rates_are_the_counters_change_over_the_last_five_seconds(srx, clock):
    device = srx(CONFIG)
    device.dataplane.set_link("ge-0/0/0", True)  # cabled: the sampler starts
    unit = device.dataplane.interfaces.units["ge-0/0/0.0"]
    clock.advance(0.5)
    unit.counters.add_in(125, 4)  # 500 bytes, 4 packets
    clock.advance(1.5)  # t=2: no sample is a window old yet
    assert rates(device) == (2000, 2, 0, 0)  # since the oldest sample (t=0): 4000 bits in 2 s
    for _ in range(20):  # then 100 bytes in 1 packet out, each second, between the samples
        clock.advance(0.5)
        unit.counters.add_out(100)
        clock.advance(0.5)
    assert rates(device) == (0, 0, 800, 1)  # t=22, since the sample of t=15: only the steady output
    clock.advance(2 * WINDOW)
    assert rates(device) == (0, 0, 0, 0)  # quiet for more than a window


def test_carrier_transitions_count_the_flaps(srx, clock):
    device = srx(CONFIG)
    device.cabled = True
    for up in (True, False, True):
        device.dataplane.set_link("ge-0/0/0", up)
    assert device.dataplane.interfaces.ports["ge-0/0/0"].flaps == 3


def test_mac_addresses_and_speeds():
    assert mac_address("R1", "ge-0/0/0") == mac_address("R1", "ge-0/0/0")
    assert len({mac_address(n, p) for n in ("R1", "R2") for p in ("ge-0/0/0", "ge-0/0/1")}) == 4
    assert mac_address("R1", "ge-0/0/0").startswith("02:")  # locally administered
    assert [port_speed(p) for p in ("ge-0/0/0", "xe-0/0/1", "fe-0/0/2", "lo0")] == [
        "1000mbps",
        "10Gbps",
        "100mbps",
        "Unspecified",
    ]
