"""The brief poll before sleeping on a query hop (kaltim_kg.handoff)."""

from __future__ import annotations

import socket
import threading

from kaltim_kg.handoff import poll_readable


def test_a_message_already_there_is_seen_at_once():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.send(b"x")
        assert poll_readable(ours.fileno(), 0)


def test_nothing_arriving_gives_up_after_the_window():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert not poll_readable(ours.fileno(), 0.01)


def test_a_message_sent_during_the_window_ends_the_poll():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        later = threading.Timer(0.05, theirs.send, args=(b"x",))
        later.start()
        try:
            assert poll_readable(ours.fileno(), 30)  # returns on the message, not after 30 s
        finally:
            later.join()
        assert ours.recv(1) == b"x"


def test_a_closed_peer_ends_the_poll():
    """The query process sees its server go away while polling, as when sleeping."""
    ours, theirs = socket.socketpair()
    with ours:
        theirs.close()
        assert poll_readable(ours.fileno(), 30)
        assert ours.recv(1) == b""
