"""Linux process helpers for the tests that start servers and query processes."""

from __future__ import annotations

from pathlib import Path


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, whichever of its threads started it (Linux /proc)."""
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        kids: set[int] = set()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids |= {int(p) for p in children.read_text().split()}
            except OSError:  # the thread or process has just gone
                continue
        frontier.extend(kids - found)
        found |= kids
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
