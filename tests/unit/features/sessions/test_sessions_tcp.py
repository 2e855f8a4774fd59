"""TCP as the flow module follows it (tcp.step) and the `security flow` options that shape it."""

from __future__ import annotations

from featurelab import commit_set

from nos.features.flow.sessions import tcp
from nos.features.flow.sessions.tcp import FlowOptions, compile_flow_options, first_packet_drop, opening, step

DEFAULT = FlowOptions()


def walk(*packets: tuple[str, str], options: FlowOptions = DEFAULT, app: int = 1800) -> list[tcp.Step]:
    """Each packet (wing, flags) of a session its SYN opened, and the Step it took."""
    state, _ = opening(tcp.SYN, app, options)
    fins, steps = 0, []
    for wing, flags in packets:
        st = step(state, fins, wing, flags, app, options)
        state, fins = st.state, st.fins
        steps.append(st)
    return steps


def test_handshake_keeps_the_initial_timeout_until_the_clients_ack() -> None:
    assert opening(tcp.SYN, 1800, DEFAULT) == (tcp.SYN_SENT, 20)
    syn_ack, ack, data = walk(("out", tcp.SYN_ACK), ("in", tcp.ACK), ("out", tcp.DATA))
    assert (syn_ack.state, syn_ack.timeout) == (tcp.SYN_RECEIVED, 20)
    assert (ack.state, ack.timeout) == (tcp.ESTABLISHED, 1800)
    assert (data.state, data.timeout, data.reason) == (tcp.ESTABLISHED, 1800, None)


def test_retransmitted_syn_and_early_data_stay_in_the_handshake() -> None:
    syn, data, syn_ack, wrong_side_ack = walk(("in", tcp.SYN), ("in", tcp.DATA), ("out", tcp.SYN_ACK), ("out", tcp.ACK))
    assert [s.state for s in (syn, data, syn_ack, wrong_side_ack)] == [
        tcp.SYN_SENT,
        tcp.SYN_SENT,
        tcp.SYN_RECEIVED,
        tcp.SYN_RECEIVED,
    ]
    assert {s.timeout for s in (syn, data, syn_ack, wrong_side_ack)} == {20}


def test_fin_both_ways_closes_in_two_seconds_and_later_packets_do_not_refresh() -> None:
    steps = walk(("out", tcp.SYN_ACK), ("in", tcp.ACK), ("in", tcp.FIN), ("out", tcp.FIN), ("in", tcp.ACK))
    first_fin, second_fin, last_ack = steps[2:]
    assert (first_fin.state, first_fin.fins, first_fin.timeout) == (tcp.FIN_WAIT, 1, 1800)
    assert (second_fin.state, second_fin.fins, second_fin.timeout, second_fin.reason) == (
        tcp.TIME_WAIT,
        3,
        2,
        "TCP FIN",
    )
    assert last_ack.timeout is None and last_ack.state == tcp.TIME_WAIT


def test_rst_closes_in_two_seconds_or_at_once_with_rst_invalidate_session() -> None:
    rst = walk(("out", tcp.RST))[0]
    assert (rst.state, rst.timeout, rst.reason, rst.now) == (tcp.CLOSED, 2, "TCP RST", False)
    assert walk(("in", tcp.DATA), ("in", tcp.RST))[1].state == tcp.CLOSED
    strict = walk(("out", tcp.RST), options=FlowOptions(rst_invalidate=True))[0]
    assert strict.now and strict.reason == "TCP RST"
    after = step(tcp.CLOSED, 0, "in", tcp.DATA, 1800, DEFAULT)
    assert after.timeout is None and after.state == tcp.CLOSED
    assert step(tcp.CLOSED, 0, "in", tcp.RST, 1800, DEFAULT).timeout is None  # a second RST: no 2 s more


def test_fin_invalidate_session_ends_it_on_the_first_fin() -> None:
    fin = walk(("out", tcp.SYN_ACK), ("in", tcp.ACK), ("out", tcp.FIN), options=FlowOptions(fin_invalidate=True))[2]
    assert fin.now and fin.reason == "TCP FIN"


def test_time_wait_state_options() -> None:
    closing = (("out", tcp.SYN_ACK), ("in", tcp.ACK), ("in", tcp.FIN), ("out", tcp.FIN), ("in", tcp.ACK))
    assert walk(*closing, options=FlowOptions(time_wait=150))[3].timeout == 150
    ageout = walk(*closing, options=FlowOptions(time_wait_ageout=True), app=300)
    assert ageout[3].timeout == 300 and ageout[4].timeout == 300  # keeps ageing as the application says
    half = walk(*closing, options=FlowOptions(time_wait=150, half_close=True))
    assert half[2].timeout == 150  # from the first FIN


def test_syn_check() -> None:
    assert first_packet_drop(tcp.SYN, DEFAULT) is None
    assert first_packet_drop(tcp.ACK, DEFAULT) == "first pak not syn"
    loose = FlowOptions(syn_check=False)
    assert first_packet_drop(tcp.DATA, loose) is None
    assert opening(tcp.DATA, 1800, loose) == (tcp.ESTABLISHED, 1800)


def test_options_from_the_committed_configuration(srx) -> None:  # type: ignore[no-untyped-def]
    device = srx("set system host-name srx1\n")
    assert compile_flow_options(device.db.active_expanded) == DEFAULT
    commit_set(
        device,
        "set security flow tcp-session rst-invalidate-session\n"
        "set security flow tcp-session fin-invalidate-session\n"
        "set security flow tcp-session no-syn-check\n"
        "set security flow tcp-session tcp-initial-timeout 40\n"
        "set security flow tcp-session time-wait-state apply-to-half-close-state\n"
        "set security flow route-change-timeout 6\n",
    )
    assert compile_flow_options(device.db.active_expanded) == FlowOptions(
        syn_check=False,
        rst_invalidate=True,
        fin_invalidate=True,
        initial_timeout=40,
        time_wait=150,
        half_close=True,
        route_change_timeout=6,
    )
    commit_set(device, "set security flow tcp-session time-wait-state session-timeout 30\n")
    assert compile_flow_options(device.db.active_expanded).time_wait == 30
    commit_set(
        device,
        "delete security flow tcp-session time-wait-state\n"
        "set security flow tcp-session time-wait-state session-ageout\n",
    )
    assert compile_flow_options(device.db.active_expanded).time_wait_ageout
