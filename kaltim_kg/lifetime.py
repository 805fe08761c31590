"""Helper processes end with the process that started them, however that one ends."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (PR_SET_PDEATHSIG).

    For processes started by multiprocessing: Granian's server workers (they kept serving
    after a SIGKILL of the main process) and the pool workers of `load` and `build` (they
    kept validating or writing dumps for a command that was gone). SIGKILL, not SIGTERM:
    with the parent gone nobody would end a graceful stop. A no-op where prctl is missing.

    Linux sends the signal when the *thread* that started the process ends, so this is
    for processes started from a thread that lives as long as its process (the main
    thread here). Query processes are started from request threads, which Granian may
    retire, so they watch their parent instead (`query_worker._exit_when_orphaned`).
    """
    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)  # the parent died before the request took effect
