"""Waiting for the other end of a query hop without paying for a wake-up each time.

Every query goes from a server process to a query process and back over a socket. A
process asleep on a socket must be woken, and on this kind of VM waking a process on the
other core costs ~40 µs each way (a bare socket ping-pong takes 81 µs across cores, 10 µs
on one); it was most of the hop's cost. So the side that expects a message soon polls for
it a little while first, yielding the core at every turn so that anything else runnable
goes first, and only then sleeps.
"""

from __future__ import annotations

import os
import select
import time

# A query process polls this long after answering: the next query of a client that
# sends one after another arrives well within it.
QUERY_PROCESS_POLL_SECONDS = 0.002
# A server thread polls this long for its answer when it is its process's only query in
# flight: cheap queries come back within it. With more in flight the threads share one
# GIL, and polling would slow the others down (point lookups at 8 clients: -10 to -20 %).
SERVER_POLL_SECONDS = 0.0005


def readable_poller(fd: int) -> select.poll:
    """A poller for "`fd` is readable", made once per socket and reused for every wait.

    poll, not select: select() refuses descriptors above 1023, which a server process with
    many open connections hands out to the query processes it starts later.
    """
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return poller


def poll_readable(readable: select.poll, seconds: float) -> bool:
    """True as soon as the poller's socket is readable; False after `seconds` without that."""
    deadline = time.monotonic() + seconds
    while True:
        if readable.poll(0):
            return True
        if time.monotonic() >= deadline:
            return False
        os.sched_yield()


def wait_readable(readable: select.poll, seconds: float) -> bool:
    """Sleep until the poller's socket is readable (True) or `seconds` have passed (False)."""
    return bool(readable.poll(max(seconds, 0.0) * 1000))
