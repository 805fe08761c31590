"""The brief poll before sleeping on a query hop (kaltim_kg.query.handoff)."""

from __future__ import annotations

import os
import resource
import socket
import threading

import pytest

from kaltim_kg.query.handoff import poll_readable, readable_poller, wait_readable


def test_a_message_already_there_is_seen_at_once():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.send(b"x")
        assert poll_readable(readable_poller(ours.fileno()), 0)


def test_nothing_arriving_gives_up_after_the_window():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert not poll_readable(readable_poller(ours.fileno()), 0.01)


def test_a_message_sent_during_the_window_ends_the_poll():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        later = threading.Timer(0.05, theirs.send, args=(b"x",))
        later.start()
        try:
            assert poll_readable(
                readable_poller(ours.fileno()), 30
            )  # returns on the message, not after 30 s
        finally:
            later.join()
        assert ours.recv(1) == b"x"


def test_a_closed_peer_ends_the_poll():
    """The query process sees its server go away while polling, as when sleeping."""
    ours, theirs = socket.socketpair()
    with ours:
        theirs.close()
        assert poll_readable(readable_poller(ours.fileno()), 30)
        assert ours.recv(1) == b""


def test_sleeping_wait_sees_a_message_or_times_out():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert not wait_readable(readable_poller(ours.fileno()), 0.01)
        later = threading.Timer(0.05, theirs.send, args=(b"x",))
        later.start()
        try:
            assert wait_readable(readable_poller(ours.fileno()), 30)
        finally:
            later.join()


@pytest.fixture()
def room_for_high_descriptors():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 2000:
        reason = f"the hard limit on open files ({hard}) is too low to test fd 2000"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2001), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_descriptors_above_1023_work(room_for_high_descriptors):
    """select() refuses them; a busy server hands such numbers to new query processes."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        high = os.dup2(ours.fileno(), 2000)
        try:
            assert not poll_readable(readable_poller(high), 0)
            assert not wait_readable(readable_poller(high), 0)
            theirs.send(b"x")
            assert poll_readable(readable_poller(high), 0)
            assert wait_readable(readable_poller(high), 1)
        finally:
            os.close(high)
