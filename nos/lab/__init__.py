"""The lab: devices, hosts and a piece of the Internet on one clock, joined by links (see README.md)."""
