"""The sender's acknowledgement journal: an append-only file, written after every 250 reply.

Why a file and not the database: the moment a server answers ``250`` to the end of
DATA (RFC 5321 §4.1.1.4) the message is the server's; if the sender died before
recording it, a restart would send it again. A database commit at that moment can
wait on a lock (SQLite allows one writer) or fail with the connection; a line flushed
to a local file cannot (and with ``fsync`` it survives a machine crash too). Each
sending process writes its own journal, named after its claim token; a restart reads
the journals of dead senders, records their messages as sent, then deletes the files.
One line per acknowledged message::

    <Message-ID> TAB <ISO time> TAB <server reply>
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path


class Journal:
    """The acknowledgement journal of one sending process."""

    def __init__(self, folder: Path, token: str, sync_each: bool = False) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.sync_each = sync_each
        self.path = folder / f"{safe_name(token)}.log"
        self._file = open(self.path, "ab")  # noqa: SIM115 – kept open for the process

    def acknowledge(self, message_id: str, at: datetime, reply: str) -> None:
        """Record that the server accepted ``message_id``.

        Once ``flush`` returns the line is the kernel's: it survives the death of this
        process (SIGKILL, out of memory, a deploy). With ``sync_each`` it is also
        ``fsync``'d, and survives a crash of the machine itself.
        """
        line = f"{message_id}\t{at.isoformat()}\t{' '.join(reply.split())}\n"
        self._file.write(line.encode("utf-8"))
        self._file.flush()
        if self.sync_each:
            os.fsync(self._file.fileno())

    def reset(self) -> None:
        """Forget acknowledgements once the database holds them all."""
        self._file.truncate(0)
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def read(folder: Path, token: str) -> dict[str, tuple[str, str]]:
    """The acknowledgements a (dead) sender journaled: Message-ID → (time, reply)."""
    path = folder / f"{safe_name(token)}.log"
    if not path.exists():
        return {}
    acks = {}
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:  # a torn last line (crash mid-write) was never synced: ignore
            acks[parts[0]] = (parts[1], parts[2])
    return acks


def forget(folder: Path, token: str) -> None:
    (folder / f"{safe_name(token)}.log").unlink(missing_ok=True)


def safe_name(token: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in token)
