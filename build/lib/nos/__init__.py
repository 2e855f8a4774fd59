"""nos: a Junos-like network operating system that runs on a laptop."""

__version__ = "0.1.0"

# The Junos release nos presents itself as (show version, `version` statement).
JUNOS_RELEASE = "24.4R1.9"
