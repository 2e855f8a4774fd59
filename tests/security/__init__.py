"""Attacks a hostile login would try (issue 9), each refused or harmless."""
