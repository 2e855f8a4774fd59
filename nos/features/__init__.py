"""Features: one folder each (verify + apply for its configuration, its runtime, its show renderers).

`install(device)` gives a device all of them and brings them up to its active
configuration. It is the one place that knows the whole set; the runtime,
the configuration engine and the CLI reach features only through the
device's registry.
"""

from __future__ import annotations

from nos.config.tree import Node


def install(device) -> None:  # type: ignore[no-untyped-def]
    from nos.features import bgp, dataplane, firewall, interfaces, ipmon, routing, rpm
    from nos.features.bgp.speaker import Bgp
    from nos.features.dataplane.forwarding import Dataplane
    from nos.features.events import EventPolicies
    from nos.features.interfaces.state import Interfaces
    from nos.features.routing import RoutingFeature
    from nos.routing.engine import RoutingEngine

    engine = RoutingEngine(device.scheduler.epoch)
    ifaces = Interfaces(device, engine)
    filters = firewall.Firewall(device, engine, ifaces)
    routing_feature = RoutingFeature(engine, ifaces)  # a commit's interface changes join routing's batch
    plane = Dataplane(device, engine, ifaces, filters)
    probes = rpm.RpmService(device)
    monitoring = ipmon.IpMonitoring(device, probes, engine, ifaces)
    speaker = Bgp(device, engine, plane)
    device.routing = engine
    device.dataplane = plane
    device.firewall = filters
    device.rpm = probes
    device.bgp = speaker
    # The data plane after what it forwards with; RPM after the data plane it probes through;
    # ip-monitoring after RPM, whose results it acts on; BGP last, its sessions over all of them.
    for feature in (routing_feature, ifaces, filters, plane, probes, monitoring, speaker, EventPolicies(device)):
        device.features.register(feature)
    routing.register(device, routing_feature)
    interfaces.register(device, ifaces)
    dataplane.register(device, plane)
    firewall.register(device, filters)
    rpm.register(device, probes)
    ipmon.register(device, monitoring)
    bgp.register(device, speaker)
    from nos.features import flow  # security zones and policies: the feature (device.security), its commands

    security = flow.install(device)
    from nos.features import nat  # security nat: the feature and its commands (device.nat for the flow)

    def nat_lookups(root: Node) -> nat.Lookups:  # NAT's rules name the policies' address book and applications
        config = security.config_for(root)
        return nat.Lookups(config.global_address_ranges, config.applications.matches_name)

    nat.install(device, nat_lookups)
    from nos.features.flow import sessions  # the flow session table (device.flow_sessions), its commands

    sessions.install(device)
    from nos.features import ntp  # the NTP client, polling its servers through the data plane (device.ntp)

    ntp.install(device)
    from nos.features.system import load  # the load averages, fed by the daemons' work (device.load)

    load.attach(device)
    from nos.features import system  # the device's own commands: show version, show system/chassis ...

    system.register(device)
    empty = Node(device.schema.root)
    for feature in device.features.features:
        feature.apply(empty, device.db.active_expanded)
