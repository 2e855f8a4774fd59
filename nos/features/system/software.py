"""`show version` as `<software-information>` (get-software-information).

PyEZ facts read host-name, product-model (upper-cased: VSRX) and junos-version;
a vSRX 24.4 names its model `vSRX` and its product `vsrx` (`Model: vSRX`);
netmiko's autodetect looks for `JUNOS Software Release [...]` in the text, which
is the comment of the `junos` package, as Junos prints each package's comment.
"""

from __future__ import annotations

from nos import JUNOS_RELEASE, __version__
from nos.runtime.structured import E, Element, sub, text_of

MODEL = "vSRX"
PRODUCT = "vsrx"
FAMILY = "junos-es"


def software_xml(hostname: str) -> Element:
    info = E("software-information")  # no default namespace, as a vSRX sends it
    sub(info, "host-name", hostname)
    sub(info, "product-model", MODEL)
    sub(info, "product-name", PRODUCT)
    sub(info, "os-name", FAMILY)
    sub(info, "junos-version", JUNOS_RELEASE)
    for name, comment in (
        ("junos", f"JUNOS Software Release [{JUNOS_RELEASE}]"),
        ("nos", f"JUNOS nos simulator [{__version__}]"),
    ):
        package = sub(info, "package-information")
        sub(package, "name", name)
        sub(package, "comment", comment)
    return info


def render_version(info: Element) -> list[str]:
    lines = [
        f"Hostname: {text_of(info, 'host-name')}",
        f"Model: {text_of(info, 'product-model')}",
        f"Family: {text_of(info, 'os-name')}",
        f"Junos: {text_of(info, 'junos-version')}",
    ]
    lines += [text_of(package, "comment") for package in info.iterfind("package-information")]
    return lines
