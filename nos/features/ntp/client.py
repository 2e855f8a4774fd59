"""The device's NTP client: ntpd's associations, clock filter, selection and clock discipline on the
device clock, with polls that are real UDP packets walked through the lab.

It follows ntpd 4.2.8 (ntp_proto.c, ntp_loopfilter.c), which Junos 24.4 runs:

- Mobilization: the k-th server of a commit polls first k seconds after it (ntpd spreads its first
  polls one second apart at start; after start it picks a random moment within minpoll: [G] the
  same one-second spread here). An association keeps its state while the commits keep its address
  and routing instance; its version and prefer follow the configuration. The boot server is asked
  once when the device starts (ntpdate before ntpd: the one clock of the lab is already right, so
  its answer changes nothing) and is no association.
- Polling (transmit, poll_update): at each poll the 8-bit reach register shifts left; the answer,
  when it comes, ORs in 1. The next poll is 2**hpoll s after this one (ntpd adds up to 6 % at
  random: [G] nothing here). hpoll starts at minpoll 6 (64 s), follows the system poll while the
  server is reachable, and grows by one at every poll after 10 unanswered ones (NTP_UNREACH).
  When reach falls to 0 an empty sample enters the clock filter, once per poll.
- A poll is UDP 123 -> 123 from the device, in the server's routing instance, from the source
  address configured for that instance when the device has it (else the outgoing interface's);
  the answer arrives after the walk's round trip (nothing arrives when the walk brings none back).
- The sample: delay = the round trip; offset = (way out - way back) / 2, which is 0 on a
  symmetric path since the lab has one clock; dispersion = the two precisions + 15 ppm of the delay.
- The clock filter keeps 8 samples whose dispersion grows 15 ppm; the peer's offset and delay are
  those of the lowest-delay sample, its jitter the RMS of the other samples' offsets from it (at
  least the precision), its dispersion the samples' dispersions weighted 1/2, 1/4, ...
- Selection (clock_select): a server is fit when it answered (reach), is synchronized at a stratum
  under 16 and its root distance (half the delays, the precisions, 15 ppm since its last sample,
  its root dispersion and jitter) is under 1.5 s; one answer is enough (ntpd 4.2.8 left the filter
  dispersion out of the root distance). Marzullo's intersection marks falsetickers `x`, the
  clustering drops outliers `-` while more than 3 remain, the survivors are candidates `+`, and the
  one with the lowest select jitter times root distance plus stratum/1000 is the system peer `*`
  (a `prefer` survivor wins; ntpd stays with the old system peer while the offsets are within a
  shrinking margin: [G] only while the old one survives, for the lab's offsets are exactly equal).
  As in ntpd, selection runs when a sample is used, and the marks change only when the system
  peer has a new sample (or when no system peer is left).
- Discipline (local_clock): the first update synchronizes the clock (`clock_sync`, leap_none,
  stratum one more than the peer's); the system poll starts at 3 (clamped to 64 s by the peers)
  and grows by one, up to 10 (1024 s), each time the updates add up to 30 while the offset stays
  within 4 jitters; offsets over 128 ms are spikes, never steps ([G]: one clock, nothing to step).
  The frequency stays 0 ppm ([G]: the drift file of a perfect simulated oscillator).

What answers ([G]): a lab time server (the Internet node for what it serves, a host listening on
udp:123) is a stratum-1 server on GPS: refid GPS, precision 2**-20 s, root delay 0, root dispersion
1 ms (the floor ntpd keeps). The device's own precision is 2**-22 s.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import partial
from typing import Any

from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.dataplane.forwarding import LoneNetwork
from nos.features.ntp.config import Key, NtpConfig, ServerSpec, compile_ntp, ntp_node
from nos.lab.packet import Packet, ipv4_int

NTP_PORT = 123
PACKET_SIZE = 76  # IP 20 + UDP 8 + NTP 48 bytes
NTP_SHIFT = 8  # clock filter stages
MINPOLL, MAXPOLL = 6, 10  # log2 s: 64 s .. 1024 s
NTP_MINPOLL = 3  # ntpd's ntp_minpoll: the system poll it starts with (`mintc`)
NTP_UNREACH = 10  # unanswered polls before the poll interval backs off
NTP_MINPKT = 2  # s between packets at least
MAXDISPERSE = 16.0
MAXDISTANCE = 1.5  # s: the root distance a fit server stays under
MINDISPERSE = 0.001
CLOCK_PHI = 15e-6  # s/s: dispersion growth
ALLAN = 2048.0  # s: the Allan intercept (2**11)
CLOCK_SGATE = 3.0  # popcorn spike gate
MINCLOCK, MAXCLOCK = 3, 10
CLOCK_LIMIT, CLOCK_PGATE, CLOCK_AVG = 30, 4.0, 8.0
CLOCK_FLOOR = 0.0005  # s: offsets under it end the startup frequency clamp
CLOCK_MINSTEP = 300.0  # s: the startup frequency clamp
STEP = 0.128  # s: the step threshold
SYS_PRECISION = -22
STRATUM_UNSPEC = 16
LEAP_NOWARNING, LEAP_NOTINSYNC = 0, 3

# Peer selection status (ctl status word), and the tally character ntpq prints for each.
REJECT, FALSETICK, EXCESS, OUTLIER, CANDIDATE, BACKUP, SYSPEER, PPS = range(8)
TALLY = " x.-+#*o"

# System events (ntpd's sys_codes).
EVNT_SPIK, EVNT_SYNC, EVNT_SYSRESTART, EVNT_NOPEER = 3, 5, 6, 8
SYS_EVENTS = {
    0: "unspecified",
    1: "freq_not_set",
    2: "freq_set",
    3: "spike_detect",
    4: "freq_mode",
    5: "clock_sync",
    6: "restart",
    7: "panic_stop",
    8: "no_sys_peer",
    9: "leap_armed",
    10: "leap_disarmed",
    11: "leap_event",
    12: "clock_step",
    13: "kern",
    14: "TAI",
    15: "stale_leapsecond_values",
}
MAX_EVENTS = 15
FSET, SPIK, SYNC = 2, 3, 5  # clock discipline states


def logtod(exponent: int) -> float:
    return math.ldexp(1.0, exponent)


def short_fp(seconds: float) -> float:
    """A root delay or dispersion as an NTP packet carries it (16.16 fixed point, truncated)."""
    return math.floor(seconds * 65536) / 65536


@dataclass(frozen=True)
class ServerState:
    """What a lab time server says of itself in its answers ([G], see the module docstring)."""

    stratum: int = 1
    refid: str = "GPS"
    precision: int = -20
    rootdelay: float = 0.0
    rootdisp: float = short_fp(MINDISPERSE)
    leap: int = LEAP_NOWARNING


LAB_SERVER = ServerState()


class Peer:
    """One association: a configured server and what the client knows of it."""

    def __init__(self, spec: ServerSpec, associd: int, now: float):
        self.spec = spec
        self.associd = associd
        self.alive = True
        self.minpoll, self.maxpoll = MINPOLL, MAXPOLL
        self.hpoll, self.ppoll = MINPOLL, MAXPOLL
        self.reach = 0
        self.unreach = 0
        self.outdate = self.update = now
        self.nextdate = now
        self.epoch = -math.inf  # when the sample last used was taken
        self.f_offset = [0.0] * NTP_SHIFT
        self.f_delay = [0.0] * NTP_SHIFT
        self.f_disp = [MAXDISPERSE] * NTP_SHIFT
        self.f_epoch = [now] * NTP_SHIFT
        self.nextpt = 0
        self.offset = self.delay = 0.0
        self.disp = MAXDISPERSE
        self.jitter = logtod(SYS_PRECISION)
        self.stratum = STRATUM_UNSPEC
        self.refid = "INIT"
        self.leap = LEAP_NOTINSYNC
        self.precision = 0
        self.rootdelay = self.rootdisp = 0.0
        self.rec: float | None = None  # device epoch of the last answer
        self.dst = 0.0  # device epoch of the last answer (for the system's reftime)
        self.status = REJECT
        self.new_status = REJECT
        self.timer: Any = None
        self.timer_at: float | None = None

    @property
    def tally(self) -> str:
        return TALLY[self.status]

    @property
    def poll_interval(self) -> int:
        """What ntpq prints under `poll`."""
        return 1 << min(self.ppoll, self.hpoll)


@dataclass
class _Candidate:
    peer: Peer
    error: float
    synch: float
    seljit: float = 0.0


class NtpClient:
    """The device's ntpd (`device.ntp`): its associations and system variables."""

    name = "ntp"

    def __init__(self, device: Any):
        self.device = device
        self.scheduler = device.scheduler
        self.peers: dict[Key, Peer] = {}  # in the order they were mobilized
        self.config = NtpConfig()
        self._node: Node | None = None
        self._started = False
        self._boot_queried = False
        digest = hashlib.sha256(f"nos-ntpd:{device.node_name}".encode()).digest()
        self._next_associd = (int.from_bytes(digest[:2], "big") & 0x7FFF) + 1
        # System variables.
        self.sys_leap = LEAP_NOTINSYNC
        self.sys_stratum = STRATUM_UNSPEC
        self.sys_refid = "INIT"
        self.sys_peer: Peer | None = None
        self.sys_epoch = -math.inf
        self.sys_offset = 0.0
        self.sys_jitter = 0.0
        self.sys_rootdelay = 0.0
        self._rootdisp = (0.0, self.scheduler.now())  # (value, since): it grows 15 ppm per second
        self.sys_reftime = 0.0  # device epoch; 0: never
        self.sys_poll = NTP_MINPOLL
        self.sys_survivors = 0
        self.clockhop = 0.0
        # Clock discipline.
        self.state = FSET
        self.clock_jitter = logtod(SYS_PRECISION)
        self.last_offset = self.clock_offset = 0.0
        self.tc_counter = 0
        self._clamp_until: float | None = None  # end of the startup frequency clamp (None: not started)
        self.drift = 0.0  # ppm
        self.wander = 0.0  # ppm
        # The status word's events.
        self.last_event = 0
        self.num_events = 0
        self._report(EVNT_SYSRESTART)

    # -- the clock ----------------------------------------------------------------------------------

    def _now(self) -> float:
        return self.scheduler.now()

    def epoch(self) -> float:
        return self.scheduler.epoch()

    @property
    def synchronized(self) -> bool:
        """Is the device's clock kept by NTP now (a system peer)?"""
        return self.sys_peer is not None

    @property
    def rootdisp(self) -> float:
        value, since = self._rootdisp
        return value + CLOCK_PHI * int(self._now() - since)  # ntpd adds 15 ppm once a second

    # -- configuration ------------------------------------------------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        return []

    def apply(self, old: Node, new: Node) -> None:
        """Mobilize the servers that appeared, demobilize those gone, update the others in place."""
        node = ntp_node(new)
        if node is self._node and self._started:
            return
        self._node, self._started = node, True
        config = compile_ntp(node)
        wanted = {spec.key: spec for spec in config.servers}
        for key in [k for k in self.peers if k not in wanted]:
            self._demobilize(self.peers.pop(key))
        now = self._now()
        fresh = 0
        for key, spec in wanted.items():
            peer = self.peers.get(key)
            if peer is not None:
                peer.spec = spec
                continue
            fresh += 1
            peer = self.peers[key] = Peer(spec, self._next_associd, now)
            self._next_associd += 1
            peer.nextdate = now + fresh
            self._arm(peer)
        self.config = config
        if config.boot_server and not self._boot_queried and self.epoch() == self.device.boot_time:
            self._boot_queried = True  # the device is starting with this configuration: once it is up
            self.scheduler.call_at(self._now(), partial(self._boot_query, config.boot_server))

    def _demobilize(self, peer: Peer) -> None:
        peer.alive = False
        if peer.timer is not None:
            peer.timer.cancel()
        if peer is self.sys_peer:
            self.sys_peer = None

    # -- polling ------------------------------------------------------------------------------------

    def _arm(self, peer: Peer) -> None:
        """Have the poll timer fire at the peer's nextdate."""
        if peer.timer_at == peer.nextdate and peer.timer is not None and not peer.timer.cancelled:
            return
        if peer.timer is not None:
            peer.timer.cancel()
        peer.timer_at = peer.nextdate
        peer.timer = self.scheduler.call_at(peer.nextdate, partial(self._transmit, peer))

    def _transmit(self, peer: Peer) -> None:
        if not peer.alive:
            return
        peer.timer = None
        now = self._now()
        hpoll = peer.hpoll
        peer.outdate = now
        peer.unreach += 1
        peer.reach = (peer.reach << 1) & 0xFF
        if not peer.reach:
            self._clock_filter(peer, 0.0, 0.0, MAXDISPERSE)
        else:
            hpoll = self.sys_poll
            peer.unreach = 0
        if peer.unreach >= NTP_UNREACH:
            hpoll += 1
        self._send(peer)
        self._poll_update(peer, hpoll)

    def _poll_update(self, peer: Peer, mpoll: int) -> None:
        peer.hpoll = max(min(peer.maxpoll, mpoll), peer.minpoll)
        earliest = self._now() + NTP_MINPKT
        hpoll = min(peer.ppoll, peer.hpoll) if peer.reach else peer.hpoll
        peer.nextdate = max(peer.outdate + (1 << hpoll), earliest)
        if peer.alive:
            self._arm(peer)

    def _packet(self, dst: int, instance: str | None) -> Packet:
        src = 0
        source = self.config.source_for(instance)
        if source is not None and ":" not in source:
            address = ipv4_int(source)
            if address in set(self.device.dataplane.addresses()):
                src = address
        return Packet(
            src=src, dst=dst, proto="udp", sport=NTP_PORT, dport=NTP_PORT, size=PACKET_SIZE, instance=instance
        )

    def _exchange(self, dst: int, instance: str | None) -> tuple[float, float] | None:
        """Send one NTP request; (round trip, offset) in seconds when an NTP answer comes back."""
        self._work()
        network = self.device.network or LoneNetwork(self.device.dataplane)
        ex = network.exchange(self.device.node_name, self._packet(dst, instance))
        reply = ex.reply
        if reply is None or reply.proto != "udp" or reply.code != "reply" or reply.sport != NTP_PORT:
            return None
        if reply.src != dst:
            return None
        out = ex.forward.latency_ms if ex.forward is not None else ex.rtt_ms / 2
        back = ex.back.latency_ms if ex.back is not None else ex.rtt_ms / 2
        return ex.rtt_ms / 1000, (out - back) / 2000

    def _send(self, peer: Peer) -> None:
        dst = peer.spec.ipv4
        if dst is None:
            self._work()
            return  # IPv6: the lab carries IPv4 only, the request goes nowhere
        answer = self._exchange(dst, peer.spec.instance)
        if answer is None:
            return
        rtt, offset = answer
        ppoll = peer.hpoll  # the poll the request carries, which the server sends back
        self.scheduler.call_at(self._now() + rtt, partial(self._receive, peer, rtt, offset, ppoll))

    def _boot_query(self, server: str) -> None:
        """The query of the boot server when the device starts (ntpdate: the clock is already right)."""
        spec = ServerSpec(server, None)
        if spec.ipv4 is not None:
            self._exchange(spec.ipv4, None)

    def _receive(self, peer: Peer, rtt: float, offset: float, ppoll: int) -> None:
        if not peer.alive:
            return
        self._work()
        server = LAB_SERVER
        peer.rec = peer.dst = self.epoch()
        peer.leap, peer.stratum, peer.refid = server.leap, server.stratum, server.refid
        peer.precision, peer.rootdelay, peer.rootdisp = server.precision, server.rootdelay, server.rootdisp
        peer.ppoll = max(peer.minpoll, ppoll)
        self._poll_update(peer, peer.hpoll)
        peer.reach |= 1
        delay = max(rtt, logtod(SYS_PRECISION))
        disp = logtod(SYS_PRECISION) + logtod(peer.precision) + CLOCK_PHI * delay
        self._clock_filter(peer, offset, delay, disp)

    def _work(self) -> None:
        load = getattr(self.device, "load", None)
        if load is not None:
            load.work("ntpd")

    # -- clock filter -------------------------------------------------------------------------------

    def _freq_clamped(self) -> bool:
        return self._clamp_until is None or self._now() < self._clamp_until

    def _clock_filter(self, peer: Peer, offset: float, delay: float, disp: float) -> None:
        now = self._now()
        j = peer.nextpt
        peer.f_offset[j], peer.f_delay[j], peer.f_disp[j], peer.f_epoch[j] = offset, delay, disp, now
        j = (j + 1) % NTP_SHIFT
        peer.nextpt = j
        grown = CLOCK_PHI * (now - peer.update)
        peer.update = now
        dst = [0.0] * NTP_SHIFT
        order = [0] * NTP_SHIFT
        for i in range(NTP_SHIFT - 1, -1, -1):
            if i != 0:
                peer.f_disp[j] += grown
            if peer.f_disp[j] >= MAXDISPERSE:
                peer.f_disp[j] = MAXDISPERSE
                dst[i] = MAXDISPERSE
            elif peer.update - peer.f_epoch[j] > ALLAN:
                dst[i] = peer.f_delay[j] + peer.f_disp[j]
            else:
                dst[i] = peer.f_delay[j]
            order[i] = j
            j = (j + 1) % NTP_SHIFT
        if not self._freq_clamped():  # sorted by distance once the clock has settled
            for i in range(1, NTP_SHIFT):
                for k in range(i):
                    if dst[k] > dst[i]:
                        order[k], order[i] = order[i], order[k]
                        dst[k], dst[i] = dst[i], dst[k]
        m = 0
        for i in range(NTP_SHIFT):
            if dst[i] >= MAXDISPERSE or (m >= 2 and dst[i] >= MAXDISTANCE):
                continue
            m += 1
        peer.disp = jitter = 0.0
        best = order[0]
        for i in range(NTP_SHIFT - 1, -1, -1):
            j = order[i]
            peer.disp = 0.5 * (peer.disp + peer.f_disp[j])
            if i < m:
                jitter += (peer.f_offset[j] - peer.f_offset[best]) ** 2
        if m == 0:
            self._clock_select()
            return
        jump = abs(peer.offset - peer.f_offset[best])
        peer.offset, peer.delay = peer.f_offset[best], peer.f_delay[best]
        if m > 1:
            jitter /= m - 1
        peer.jitter = max(math.sqrt(jitter), logtod(SYS_PRECISION))
        if (
            peer.disp < MAXDISTANCE
            and peer.f_disp[best] < MAXDISTANCE
            and jump > CLOCK_SGATE * peer.jitter
            and peer.f_epoch[best] - peer.epoch < 2.0 * (1 << peer.hpoll)
        ):
            return  # a popcorn spike
        if peer.f_epoch[best] <= peer.epoch:
            return  # an old sample: nothing new to select on
        peer.epoch = peer.f_epoch[best]
        self._clock_select()

    # -- selection ----------------------------------------------------------------------------------

    def root_distance(self, peer: Peer) -> float:
        distance = (
            (peer.delay + peer.rootdelay) / 2
            + logtod(peer.precision)
            + logtod(SYS_PRECISION)
            + CLOCK_PHI * (self._now() - peer.update)
            + peer.rootdisp
            + peer.jitter
        )
        return max(distance, MINDISPERSE)

    def unfit(self, peer: Peer) -> bool:
        if peer.leap == LEAP_NOTINSYNC or not 1 <= peer.stratum < STRATUM_UNSPEC:
            return True
        if self.root_distance(peer) >= MAXDISTANCE + CLOCK_PHI * (1 << peer.hpoll):
            return True
        return not peer.reach

    def _clock_select(self) -> None:
        previous = self.sys_peer
        self.sys_survivors = 0
        candidates: list[_Candidate] = []
        ends: list[tuple[int, float]] = []  # (-1 lower / +1 upper, offset)
        peers = list(reversed(self.peers.values()))  # ntpd's peer list: the newest association first
        for peer in peers:
            peer.new_status = REJECT
            if self.unfit(peer):
                continue
            peer.new_status = FALSETICK
            distance = self.root_distance(peer)
            candidates.append(_Candidate(peer, peer.jitter, distance))
            ends += [(-1, peer.offset - distance), (1, peer.offset + distance)]
        ranked = _ranked(ends)
        n_cand = len(candidates)
        low, high = 1e9, -1e9
        allow = 0
        while 2 * allow < n_cand:  # Marzullo: the smallest interval most candidates agree on
            count = 0
            for kind, at in ranked:
                low = at
                count -= kind
                if count >= n_cand - allow:
                    break
            count = 0
            for kind, at in reversed(ranked):
                high = at
                count += kind
                if count >= n_cand - allow:
                    break
            if high > low:
                break
            allow += 1
        survivors = [
            c
            for c in candidates
            if not (high <= low or c.peer.offset + c.synch < low or c.peer.offset - c.synch > high)
        ]
        for c in survivors:
            c.peer.new_status = OUTLIER
        while True:  # cluster: vote off the worst while more than MINCLOCK remain
            least_error, worst, worst_jitter, k = 1e9, -1e9, 0.0, 0
            for i, c in enumerate(survivors):
                least_error = min(least_error, c.error)
                c.seljit = 0.0
                if len(survivors) > 1:
                    spread = sum((o.peer.offset - c.peer.offset) ** 2 for o in survivors)
                    c.seljit = math.sqrt(spread / (len(survivors) - 1))
                if c.seljit * c.synch > worst:
                    worst_jitter, worst, k = c.seljit, c.seljit * c.synch, i
            worst_jitter = max(worst_jitter, logtod(SYS_PRECISION))
            if len(survivors) <= max(1, MINCLOCK) or worst_jitter <= least_error or survivors[k].peer.spec.prefer:
                break
            if len(survivors) > MAXCLOCK:
                survivors[k].peer.new_status = BACKUP
            del survivors[k]
        best_metric, speer, prefer = 1e9, 0, None
        for i, c in enumerate(survivors):
            c.peer.unreach = 0
            c.peer.new_status = CANDIDATE
            self.sys_survivors += 1
            if c.peer.spec.prefer:
                prefer = c.peer
            metric = c.seljit * c.synch + c.peer.stratum * MINDISPERSE
            if metric < best_metric:
                best_metric, speer = metric, i
        chosen: Peer | None = None
        if survivors:
            chosen = survivors[speer].peer
            survivor_peers = [c.peer for c in survivors]
            if previous is None or previous is chosen or previous not in survivor_peers:
                self.clockhop = 0.0
            elif (gap := abs(chosen.offset - previous.offset)) < MINDISPERSE:
                self.clockhop = MINDISPERSE if self.clockhop == 0 else self.clockhop * 0.5
                if gap < self.clockhop:
                    chosen = previous
                else:
                    self.clockhop = 0.0
            else:
                self.clockhop = 0.0
        if chosen is not None:
            if prefer is None:
                chosen.new_status = SYSPEER
                self._combine(survivors, speer)
            else:
                chosen = prefer
                self.clockhop = 0.0
                chosen.new_status = SYSPEER
                self.sys_offset, self.sys_jitter = chosen.offset, chosen.jitter
        if chosen is None:
            if previous is not None:
                self._report(EVNT_NOPEER)
            self.sys_peer = None
            for peer in peers:
                peer.status = peer.new_status
            return
        if chosen.epoch <= self.sys_epoch:
            return  # old data: the marks stay as they are
        for peer in peers:
            peer.status = peer.new_status
        self._clock_update(chosen)

    def _combine(self, survivors: list[_Candidate], speer: int) -> None:
        y = z = w = 0.0
        ref = survivors[speer].peer.offset
        for c in survivors:
            x = 1.0 / c.synch
            y += x
            z += x * c.peer.offset
            w += x * (c.peer.offset - ref) ** 2
        self.sys_offset = z / y
        self.sys_jitter = math.sqrt(w / y + survivors[speer].seljit ** 2)

    # -- the clock discipline -----------------------------------------------------------------------

    def _clock_update(self, peer: Peer) -> None:
        now = self._now()
        self.sys_peer = peer
        self.sys_epoch = peer.epoch
        self.sys_poll = max(min(self.sys_poll, peer.maxpoll), peer.minpoll)
        self._poll_update(peer, self.sys_poll)
        self.sys_stratum = min(peer.stratum + 1, STRATUM_UNSPEC)
        self.sys_refid = peer.refid if peer.stratum in (0, STRATUM_UNSPEC) else peer.spec.address
        dispersion = peer.rootdisp + peer.disp + self.sys_jitter + CLOCK_PHI * (now - peer.update)
        dispersion += abs(self.sys_offset)
        self._rootdisp = (dispersion if dispersion > MINDISPERSE else MINDISPERSE, now)
        self.sys_rootdelay = peer.delay + peer.rootdelay
        self.sys_reftime = peer.dst
        if self._local_clock(peer, self.sys_offset) == 1 and self.sys_leap == LEAP_NOTINSYNC:
            self.sys_leap = LEAP_NOWARNING

    def _local_clock(self, peer: Peer, offset: float) -> int:
        now = self._now()
        before = self.sys_poll
        self.sys_poll = max(min(self.sys_poll, peer.maxpoll), peer.minpoll)
        if abs(offset) > STEP:
            if self.state == SYNC:
                self._report(EVNT_SPIK)
                self.state = SPIK
            return 0
        previous = self.clock_jitter**2
        change = max(abs(offset - self.last_offset), logtod(SYS_PRECISION)) ** 2
        self.clock_jitter = math.sqrt(previous + (change - previous) / CLOCK_AVG)
        self._rstclock(SYNC, offset)
        if self._clamp_until is None:
            self._clamp_until = now + CLOCK_MINSTEP
        if abs(offset) < CLOCK_FLOOR:
            self._clamp_until = -math.inf
        if self._freq_clamped():
            self.tc_counter = 0
        elif abs(self.clock_offset) < CLOCK_PGATE * self.clock_jitter:
            self.tc_counter += self.sys_poll
            if self.tc_counter > CLOCK_LIMIT:
                self.tc_counter = CLOCK_LIMIT
                if self.sys_poll < peer.maxpoll:
                    self.tc_counter = 0
                    self.sys_poll += 1
        else:
            self.tc_counter -= self.sys_poll << 1
            if self.tc_counter < -CLOCK_LIMIT:
                self.tc_counter = -CLOCK_LIMIT
                if self.sys_poll > peer.minpoll:
                    self.tc_counter = 0
                    self.sys_poll -= 1
        if before != self.sys_poll:
            self._poll_update(peer, self.sys_poll)
        return 1

    def _rstclock(self, state: int, offset: float) -> None:
        if state != self.state and state != FSET:
            self._report(state)
        self.state = state
        self.last_offset = self.clock_offset = offset

    def _report(self, event: int) -> None:
        """A system event, as the status word counts them (a different event starts the count again)."""
        if self.last_event != event:
            self.num_events = 0
        if self.num_events >= MAX_EVENTS:
            return
        self.last_event = event
        self.num_events += 1

    # -- for show -----------------------------------------------------------------------------------

    def associations(self) -> list[Peer]:
        return list(self.peers.values())

    def status_word(self) -> int:
        source = 6 if self.sys_peer is not None else 0  # sync_ntp / sync_unspec
        return self.sys_leap << 14 | source << 8 | self.num_events << 4 | self.last_event


def _ranked(ends: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The interval ends by offset, ties in the order ntpd's selection sort leaves them."""
    index = list(range(len(ends)))
    for i in range(len(index)):
        least, k = ends[index[i]][1], i
        for j in range(i + 1, len(index)):
            if ends[index[j]][1] < least:
                least, k = ends[index[j]][1], j
        index[i], index[k] = index[k], index[i]
    return [ends[i] for i in index]


__all__ = ["LAB_SERVER", "NtpClient", "Peer", "ServerState"]
