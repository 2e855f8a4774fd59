"""Connections that outlive their command: the TCP codes, a server's table, and a host's clients on
the lab clock (nos/lab/icmp.py, tcpserver.py, connections.py, the host shell's commands).

Every time asserted is computed from the constants the module documents (keepalive interval and
count, the SYN retry schedule, a stream's quiet time), never written down as a number."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from labhelpers import host, internet, run, small_lab

from nos.lab import connections as conns
from nos.lab import icmp
from nos.lab.console import HostShell
from nos.lab.packet import Packet, ipv4_int
from nos.lab.tcpserver import ESTABLISHED_IDLE, HALF_OPEN_IDLE, ServerConnections
from nos.lab.topology import Lab, LabError
from nos.runtime.clock import ManualScheduler

EIGHT = ipv4_int("8.8.8.8")
H1 = ipv4_int("192.0.2.2")
N, K = conns.KEEPALIVE_INTERVAL, conns.KEEPALIVE_COUNT_MAX


def tcp(code: str, sport: int = 40000, dport: int = 22, src: int = H1, dst: int = EIGHT) -> Packet:
    return Packet(src=src, dst=dst, proto="tcp", code=code, sport=sport, dport=dport)


# -- the codes --------------------------------------------------------------------------------------------


def test_requests_and_answers():
    assert [icmp.is_request(tcp(c)) for c in ("", "psh", "fin")] == [True, True, True]
    assert [icmp.is_request(tcp(c)) for c in ("syn-ack", "ack", "fin-ack", "rst")] == [False] * 4
    udp = Packet(src=H1, dst=EIGHT, proto="udp", dport=5004)
    assert icmp.is_request(udp) and not icmp.is_request(udp.evolve(code="reply"))


def test_the_session_tables_words_for_each_code():
    words = {c: icmp.tcp_flags(tcp(c)) for c in ("", "psh", "fin", "syn-ack", "ack", "fin-ack", "rst")}
    assert words == {
        "": "syn",
        "psh": "data",
        "fin": "fin",
        "syn-ack": "syn-ack",
        "ack": "ack",
        "fin-ack": "fin",
        "rst": "rst",
    }
    assert icmp.tcp_flags(tcp("", dport=179).evolve(payload=object())) == "data"  # a BGP message


def test_what_a_tcp_without_memory_answers():
    assert [icmp.tcp_answer_code(tcp(c), True) for c in ("", "psh", "fin")] == ["syn-ack", "ack", "fin-ack"]
    assert icmp.tcp_answer_code(tcp(""), False) == "rst"


# -- the server's table --------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_a_server_knows_its_connections_from_the_syn_on():
    clock = Clock()
    server = ServerConnections(clock)
    assert server.answer(tcp("psh")) == "rst"  # never saw its SYN
    assert server.answer(tcp("")) == "syn-ack"
    assert server.state(H1, 40000, EIGHT, 22) == "syn-received"
    assert server.answer(tcp("psh")) == "ack"
    assert server.state(H1, 40000, EIGHT, 22) == "established"
    assert server.answer(tcp("psh", sport=40001)) == "rst"  # another port: another connection
    assert server.answer(tcp("psh", src=ipv4_int("203.0.113.9"))) == "rst"  # a new source (NAT): unknown
    assert server.answer(tcp("fin")) == "fin-ack"
    assert len(server) == 0 and server.answer(tcp("psh")) == "rst"  # closed: forgotten


def test_a_rst_from_the_client_ends_it():
    server = ServerConnections(Clock())
    server.answer(tcp(""))
    server.reset(tcp("rst"))
    assert server.answer(tcp("psh")) == "rst"


def test_idle_connections_are_forgotten_on_the_clock():
    clock = Clock()
    server = ServerConnections(clock)
    server.answer(tcp("", sport=1))  # half-open
    server.answer(tcp("", sport=2))
    server.answer(tcp("psh", sport=2))  # established
    clock.t = HALF_OPEN_IDLE
    assert server.state(H1, 1, EIGHT, 22) == "syn-received"  # still, at the limit
    clock.t = HALF_OPEN_IDLE + 0.001
    assert server.state(H1, 1, EIGHT, 22) is None
    assert server.answer(tcp("psh", sport=1)) == "rst"
    assert server.answer(tcp("psh", sport=2)) == "ack"  # activity refreshes it
    clock.t += ESTABLISHED_IDLE
    assert server.answer(tcp("psh", sport=2)) == "ack"
    clock.t += ESTABLISHED_IDLE + 0.001
    assert server.answer(tcp("psh", sport=2)) == "rst"


def test_a_full_table_forgets_the_oldest_half_open_first():
    clock = Clock()
    server = ServerConnections(clock, cap=3)
    server.answer(tcp("", sport=1))
    server.answer(tcp("psh", sport=1))  # established
    server.answer(tcp("", sport=2))
    server.answer(tcp("", sport=3))
    server.answer(tcp("", sport=4))  # full: the oldest half-open (2) goes
    assert len(server) == 3 and server.forgotten == 1
    assert [key[1] for key, _state, _last in server.entries()] == [3, 4, 1]
    assert server.answer(tcp("psh", sport=2)) == "rst"


def test_expired_entries_make_room_before_live_ones():
    clock = Clock()
    server = ServerConnections(clock, cap=2)
    server.answer(tcp("", sport=1))
    clock.t = HALF_OPEN_IDLE + 1
    server.answer(tcp("", sport=2))
    server.answer(tcp("", sport=3))
    assert server.forgotten == 0 and len(server) == 2


# -- servers in the lab ------------------------------------------------------------------------------------


def test_the_internet_node_and_listening_hosts_keep_connections():
    lab = small_lab()
    net = lab.nodes["Net"]
    ex = lab.exchange("H1", tcp("psh"))
    assert ex.reply is not None and ex.reply.code == "rst"
    assert lab.exchange("H1", tcp("")).reply.code == "syn-ack"  # type: ignore[union-attr]
    assert lab.exchange("H1", tcp("psh")).reply.code == "ack"  # type: ignore[union-attr]
    assert net.tcp.state(H1, 40000, EIGHT, 22) == "established"
    assert lab.exchange("H1", tcp("fin")).reply.code == "fin-ack"  # type: ignore[union-attr]
    assert len(net.tcp) == 0


def test_udp_is_answered_below_traceroutes_ports():
    lab = small_lab()
    reply = lab.exchange("H1", Packet(src=0, dst=EIGHT, proto="udp", sport=40000, dport=5004)).reply
    assert reply is not None and reply.proto == "udp" and reply.code == "reply" and reply.sport == 5004
    reply = lab.exchange("H1", Packet(src=0, dst=EIGHT, proto="udp", sport=40000, dport=33434)).reply
    assert reply is not None and reply.icmp == "unreachable" and reply.code == "port"


def two_hosts() -> Lab:
    """H1 and H2 on one /24: H2 listens on tcp:22 and udp:5004."""
    lab = Lab("hosts", ManualScheduler(), 3)
    lab.add_node(host("H1", "10.0.0.1/24"))
    lab.add_node(host("H2", "10.0.0.2/24", listen=[("tcp", 22), ("udp", 5004)]))
    lab.add_link(("H1", "eth0"), ("H2", "eth0"), latency_ms=2)
    return lab


def test_a_listening_host_answers_and_others_refuse():
    lab = two_hosts()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    conn = clients.open_tcp(ipv4_int("10.0.0.2"), 22, "ssh")
    assert conn.state == "established" and lab.nodes["H2"].tcp.state(*key(conn)) == "established"
    with pytest.raises(LabError, match=r"connect to host 10\.0\.0\.2 port 23: Connection refused"):
        clients.open_tcp(ipv4_int("10.0.0.2"), 23)
    stream = clients.open_stream(ipv4_int("10.0.0.2"), 5004, rate=10)
    lab.scheduler.advance(1)
    assert (stream.sent, stream.answered) == (11, 11)
    assert [c.id for c in clients.by_id.values()] == [1, 2]  # the refused one never was


def key(conn: conns.Connection) -> tuple[int, int, int, int]:
    return conn.local, conn.local_port, conn.remote, conn.remote_port


# -- clients: TCP ----------------------------------------------------------------------------------------


def test_keepalives_go_on_the_grid_and_are_answered():
    lab = small_lab()
    lab.scheduler.advance(2)
    clients = conns.connections_of(lab, lab.nodes["H1"])
    conn = clients.open_tcp(EIGHT, 22, "ssh")
    assert (conn.state, conn.local, conn.local_port, conn.sent, conn.answered) == ("established", H1, 32768, 2, 2)
    lab.scheduler.advance(3 * N)
    assert (conn.sent, conn.answered, conn.misses) == (5, 5, 0)  # SYN, data at once, 3 keepalives
    assert lab.nodes["Net"].tcp.state(*key(conn)) == "established"


def test_a_cut_times_out_count_max_intervals_after_the_first_unanswered_keepalive():
    lab = small_lab()
    t0, cut = 2.0, 13.0
    lab.scheduler.advance(t0)
    clients = conns.connections_of(lab, lab.nodes["H1"])
    conn = clients.open_tcp(EIGHT, 22, "ssh")
    lab.scheduler.advance(cut - t0)
    lab.set_link_state(lab.links[0], False)
    first_missed = t0 + -(-(cut - t0) // N) * N  # the first keepalive after the cut
    expected = first_missed + K * N
    lab.scheduler.advance(expected - cut - 0.001)
    assert conn.state == "established" and conn.misses == K
    lab.scheduler.advance(0.001)
    assert conn.state == "timed-out" and conn.since == expected
    assert clients.take_notices() == ["connection 1 to 8.8.8.8:22 closed: Connection timed out"]
    assert clients.take_notices() == []  # told once
    event = lab.events[-1]
    assert (event.time, event.node, event.kind) == (expected, "H1", "connection")
    assert event.text == "connection 1 to 8.8.8.8:22 closed: Connection timed out"
    timers = len([t for t in lab.scheduler._heap if not t[2].cancelled])
    assert timers == 0  # a broken connection costs nothing


def test_a_server_that_forgot_resets_at_the_next_keepalive():
    lab = small_lab()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    conn = clients.open_tcp(EIGHT, 22, "ssh")
    lab.scheduler.advance(N + 1)
    lab.nodes["Net"].tcp.clear()  # the server restarted
    lab.scheduler.advance(N - 1.001)
    assert conn.state == "established"
    lab.scheduler.advance(0.001)
    assert (conn.state, conn.reason, conn.since) == ("reset", "Connection reset by peer", 2 * N)
    assert clients.take_notices() == ["connection 1 to 8.8.8.8:22 closed: Connection reset by peer"]


def test_an_unanswered_syn_is_sent_again_then_the_connect_fails():
    lab = small_lab()
    lab.set_link_state(lab.links[0], False)
    clients = conns.connections_of(lab, lab.nodes["H1"])
    conn = clients.open_tcp(EIGHT, 22, "ssh")
    assert conn.state == "syn-sent"
    syns = [sum(2**i for i in range(k)) for k in range(conns.SYN_RETRIES + 1)]  # 0, 1, 3, 7 ... 63
    give_up = syns[-1] + 2**conns.SYN_RETRIES  # 127
    for when in syns[1:]:
        lab.scheduler.advance(when - lab.now())
        assert conn.sent == syns.index(when) + 1
    lab.scheduler.advance(give_up - 0.001 - lab.now())
    assert conn.state == "syn-sent"
    lab.scheduler.advance(0.001)
    assert (conn.state, conn.since, conn.sent) == ("failed", give_up, len(syns))
    assert clients.take_notices() == ["connection 1 to 8.8.8.8:22 failed: Connection timed out"]


def test_a_syn_answered_late_opens_the_connection_then():
    lab = small_lab()
    lab.set_link_state(lab.links[0], False)
    clients = conns.connections_of(lab, lab.nodes["H1"])
    conn = clients.open_tcp(EIGHT, 22, "ssh")
    lab.scheduler.advance(2)
    lab.set_link_state(lab.links[0], True)
    lab.scheduler.advance(1)  # the third SYN leaves at 3 s
    assert (conn.state, conn.since, conn.sent, conn.answered) == ("established", 3.0, 4, 2)
    assert clients.take_notices() == ["connection 1 to 8.8.8.8:22 established"]


def test_close_sends_a_fin_and_the_server_forgets():
    lab = small_lab()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    conn = clients.open_tcp(EIGHT, 22, "ssh")
    assert clients.close(conn.id) == "Connection to 8.8.8.8 closed."
    assert (conn.state, conn.sent, conn.answered) == ("closed", 3, 3)
    assert len(lab.nodes["Net"].tcp) == 0 and clients.take_notices() == []
    with pytest.raises(LabError, match="connection 1 is already closed"):
        clients.close(1)
    with pytest.raises(LabError, match="no connection 9"):
        clients.close(9)
    lab.scheduler.advance(60)
    assert conn.sent == 3  # no timer left behind


def test_local_ports_go_in_turn_and_skip_the_ones_in_use(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(conns, "LAST_PORT", conns.FIRST_PORT + 2)
    lab = small_lab()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    a, b, c = (clients.open_tcp(EIGHT, 22) for _ in range(3))
    assert [a.local_port, b.local_port, c.local_port] == [32768, 32769, 32770]
    clients.close(b.id)
    assert clients.open_tcp(EIGHT, 22).local_port == 32769
    with pytest.raises(LabError, match="no free local port"):
        clients.open_tcp(EIGHT, 22)


def test_closed_connections_listed_are_few(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(conns, "KEPT_CLOSED", 2)
    lab = small_lab()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    for _ in range(4):
        clients.close(clients.open_tcp(EIGHT, 22).id)
    assert list(clients.by_id) == [3, 4]


def test_too_many_open(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(conns, "MAX_OPEN", 2)
    lab = small_lab()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    clients.open_tcp(EIGHT, 22)
    clients.open_stream(EIGHT, 5004)
    with pytest.raises(LabError, match="too many connections"):
        clients.open_tcp(EIGHT, 22)


def test_the_internet_node_opens_connections_from_its_port_address():
    lab = Lab("two", ManualScheduler(), 1)
    lab.add_node(internet("Net", ["192.0.2.1/30"], ["8.8.8.8"]))
    lab.add_node(host("H1", "192.0.2.2/30", "192.0.2.1", listen=[("tcp", 22)]))
    lab.add_link(("H1", "eth0"), ("Net", "eth0"))
    conn = conns.connections_of(lab, lab.nodes["Net"]).open_tcp(H1, 22, "ssh")
    assert conn.state == "established" and conn.local == ipv4_int("192.0.2.1")


# -- clients: UDP streams ------------------------------------------------------------------------------------


def test_a_stream_reports_a_silence_and_the_answers_coming_back():
    lab = small_lab()
    rate, quiet = 10.0, conns.STREAM_QUIET
    clients = conns.connections_of(lab, lab.nodes["H1"])
    stream = clients.open_stream(EIGHT, 5004, rate=rate)
    lab.scheduler.advance(2.05)  # the packet at 2.0 was the last answered
    lab.set_link_state(lab.links[0], False)
    lab.scheduler.advance(2.0 + quiet - 0.001 - lab.now())
    assert stream.state == "running"
    lab.scheduler.advance(0.001)
    assert (stream.state, stream.since) == ("no-answer", 2.0 + quiet)
    lab.scheduler.advance(10.0 - lab.now())
    lab.set_link_state(lab.links[0], True)  # the packet at 10.0 went before: 10.1 is answered
    lab.scheduler.advance(0.1)
    unanswered = round((10.1 - 2.0) * rate) - 1
    assert (stream.state, stream.since, stream.misses) == ("running", 10.1, 0)
    assert stream.sent == round(10.1 * rate) + 1 and stream.answered == stream.sent - unanswered
    assert clients.take_notices() == [
        f"connection 1 to 8.8.8.8:5004 (udp) no answer for {quiet:g} s",
        f"connection 1 to 8.8.8.8:5004 (udp) answers again after 8.1 s, {unanswered} unanswered",
    ]
    assert clients.close(1) == f"Stream to 8.8.8.8 port 5004 stopped: {stream.sent} sent, {stream.answered} answered"


def test_a_stream_nobody_answers_reports_after_its_quiet_time():
    lab = small_lab()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    stream = clients.open_stream(EIGHT, 33500, rate=2)  # traceroute's ports: unreachable
    lab.scheduler.advance(conns.STREAM_QUIET)
    assert (stream.state, stream.since, stream.answered) == ("no-answer", conns.STREAM_QUIET, 0)


def test_a_hundred_connections_are_a_timer_each():
    lab = small_lab()
    clients = conns.connections_of(lab, lab.nodes["H1"])
    for _ in range(100):
        clients.open_tcp(EIGHT, 22, "ssh")
    lab.scheduler.advance(600)
    assert all(c.state == "established" and c.answered == c.sent for c in clients.by_id.values())
    assert len([t for t in lab.scheduler._heap if not t[2].cancelled]) == 100


# -- the host shell -----------------------------------------------------------------------------------------


def shell_run(lab: Lab, node: str, *lines: str) -> list[str]:
    shell = HostShell(lab, lab.nodes[node])
    out: list[str] = []

    async def go() -> None:
        for line in lines:
            out.extend(shell.notices())
            await shell.execute(line, out.append)

    run(go)
    return out


def test_the_shell_opens_lists_and_closes():
    lab = small_lab()
    out = shell_run(lab, "H1", "connections", "ssh 8.8.8.8", "connect 8.8.8.8 443 interval 10", "stream 8.8.8.8 5004")
    assert out == [
        "No connections.",
        "Connected to 8.8.8.8 port 22, connection 1",
        "Connected to 8.8.8.8 port 443, connection 2",
        "Streaming to 8.8.8.8 port 5004 at 50 packets/s, connection 3",
    ]
    lab.scheduler.advance(20)
    assert shell_run(lab, "H1", "connections", "close 3", "close 1") == [
        "ID  Proto  Local            Remote        State        Sent  Answered  Since",
        "1   tcp    192.0.2.2:32768  8.8.8.8:22    established  6     6         00:00:00",
        "2   tcp    192.0.2.2:32769  8.8.8.8:443   established  4     4         00:00:00",
        "3   udp    192.0.2.2:32770  8.8.8.8:5004  running      1001  1001      00:00:00",
        "Stream to 8.8.8.8 port 5004 stopped: 1001 sent, 1001 answered",
        "Connection to 8.8.8.8 closed.",
    ]


def test_a_broken_connection_is_told_before_the_next_prompt():
    lab = small_lab()
    shell_run(lab, "H1", "ssh 8.8.8.8")
    lab.set_link_state(lab.links[0], False)
    lab.scheduler.advance(30)
    shell = HostShell(lab, lab.nodes["H1"])  # any shell of the host: a new one too
    assert shell.notices() == ["connection 1 to 8.8.8.8:22 closed: Connection timed out"]
    assert shell.notices() == []


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("ssh", "ssh: usage: ssh ADDRESS [port N] [interval S] [count N]"),
        ("ssh 8.8.8", "ssh: bad address '8.8.8'"),
        ("ssh 8.8.8.8 port 70000", "ssh: bad port '70000' (1 to 65535)"),
        ("ssh 8.8.8.8 interval 0", "ssh: bad interval '0'"),
        ("connect 8.8.8.8", "connect: usage: connect ADDRESS PORT [interval S] [count N]"),
        ("connect 8.8.8.8 http", "connect: bad port 'http'"),
        ("stream 8.8.8.8 5004 rate 5000", "stream: bad rate '5000' (at most 1000 packets a second)"),
        ("stream 8.8.8.8 5004 rate", "stream: missing value after 'rate'"),
        ("close", "close: usage: close ID"),
        ("close one", "close: bad connection id 'one'"),
        ("close 4", "close: no connection 4"),
        ("connections all", "connections: usage: connections"),
    ],
)
def test_shell_errors(line: str, error: str):
    assert shell_run(small_lab(), "H1", line) == [error]


def test_help_lists_the_connection_commands():
    out = shell_run(small_lab(), "H1", "help")
    assert "ssh ADDRESS [port N] [interval S] [count N]" in out and "close ID" in out


# -- restart, and the front-ends ----------------------------------------------------------------------------


def test_restart_forgets_what_a_node_served_and_ends_its_own():
    lab = two_hosts()
    h1 = conns.connections_of(lab, lab.nodes["H1"]).open_tcp(ipv4_int("10.0.0.2"), 22, "ssh")
    h2 = conns.connections_of(lab, lab.nodes["H2"]).open_stream(ipv4_int("10.0.0.1"), 5004)
    assert run(lab.console.execute, "restart H2") == ["H2 restarted: forgot 1 connection it served, ended 1 of its own"]
    assert (h2.state, h2.reason) == ("closed", "restarted") and h2.timer is None
    lab.scheduler.advance(N)
    assert h1.state == "reset"
    restart = next(e for e in lab.events if e.kind == "restart")
    assert (restart.node, restart.text) == ("H2", "restarted: forgot 1 connection it served, ended 1 of its own")


def test_restart_errors():
    lab = small_lab()
    assert run(lab.console.execute, "restart") == ["error: usage: restart NODE"]
    assert run(lab.console.execute, "restart Nobody") == ["error: unknown node 'Nobody'"]


def test_a_pipe_console_prints_the_notice_before_the_hosts_prompt(tmp_path):
    from clihelpers import nos_command, nos_env

    lab = Path(__file__).resolve().parents[1] / "scenario" / "data" / "connections" / "lab.toml"
    done = subprocess.run(
        [*nos_command(), "lab", str(lab), "--clock", "virtual", "--state-dir", str(tmp_path / "state")],
        input="attach Debian1\nssh 8.8.8.8\nexit\nlink R1:ge-0/0/0 down\nwait 30\nattach Debian1\nexit\n",
        capture_output=True,
        text=True,
        env=nos_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "lab> attach Debian1\nconnection 1 to 8.8.8.8:22 closed: Connection timed out\nDebian1$ exit\nLeft Debian1.\n"
    ) in done.stdout
