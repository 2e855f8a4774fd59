"""Reading the seed documents (../shared/seeds) the way the acceptance tests need them."""

from __future__ import annotations

import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_001 = SEEDS / "001_3bccfd6a440ddfff.txt"


def seed_001_device_lines(device: str) -> list[tuple[int, str]]:
    """The `set` lines of seed 001 that configure SRX `device` ("A" or "B"), with their line numbers.

    The post labels each block of commands with the node it belongs to
    ("MNHA-VSRX-A", "MNHA-VSRX-B", "MNHA-SRX-A & B", ...). Blocks without such a
    label are generic and go to both nodes; the upstream routers' blocks
    ("MNHA-RTR-A & MNHA-RTR-B") are not SRX configuration and are left out.
    """
    out = []
    header = ""
    in_block = False
    for number, line in enumerate(SEED_001.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("set "):
            in_block = True
            if "RTR" in header:
                continue
            has_a = re.search(r"SRX-A\b", header) is not None
            has_b = re.search(r"SRX-B\b|& B\b", header) is not None
            if (not has_a and not has_b) or (device == "A" and has_a) or (device == "B" and has_b):
                out.append((number, line.strip()))
            continue
        if in_block or re.search(r"[A-Za-z]", line):
            in_block = False
        if re.search(r"[A-Za-z]", line):
            header = line if "MNHA-" in line else ""
    return out
