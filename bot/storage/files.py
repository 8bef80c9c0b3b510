"""The files and directories claimbot creates are its owner's alone, whatever the umask.

The database holds buyers' names, orders and the team's messages; backups and exports hold
the same. Each is created readable and writable by the owner only: files 0600, directories
0700, not whatever the process's umask leaves of 0644/0755.

What claimbot creates, it makes private: the database file (SQLite then gives its -wal, -shm
and journal files the database's mode), every missing directory on the way to it (`data/` by
default), a backup (and its `.partial`), an `export -o` file. The database and its -wal/-shm
are made private again at every open (an older claimbot left them 0644): they are claimbot's
own. A directory that already exists is left as it is, `data/` included: it may be shared on
purpose (a home, a StateDirectory= of systemd, a mounted volume), and whose it is, claimbot
cannot tell. `chmod 700` one an older claimbot created.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

FILE_MODE: Final = 0o600
DIR_MODE: Final = 0o700
# Beside the database: SQLite's write-ahead log, its shared memory, a rollback journal.
SIDE_FILES: Final = ("-wal", "-shm", "-journal")


def private_dirs(path: Path) -> None:
    """`path` as a directory: created with any missing parents, each 0700. Directories that
    exist are not changed."""
    missing: list[Path] = []
    current = path
    while not os.path.lexists(current) and current.parent != current:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made in the meantime by someone else: not claimbot's to change
        directory.chmod(DIR_MODE)  # mkdir's mode is masked by the umask


def private_file(path: Path) -> None:
    """`path` as a private file: created empty and 0600 when missing, an existing one made
    0600 (only ever called for claimbot's own files: the database and its side files)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _tighten(path)
        return
    try:
        os.fchmod(fd, FILE_MODE)  # the mode given to open is masked by the umask
    finally:
        os.close(fd)


def private_database(path: Path) -> None:
    """Before SQLite opens `path`: its directory, the file itself and the side files that
    exist, all private. SQLite creates the side files later with the database's mode."""
    private_dirs(path.parent)
    private_file(path)
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            _tighten(side)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, replacing what it held, readable by the owner only: a new file
    is 0600, an existing regular file is made 0600 (its contents are claimbot's now). A
    device or pipe (`-o /dev/stdout`) is written to as it is."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, FILE_MODE)
        handle.write(data)


def _tighten(path: Path) -> None:
    """An existing file of claimbot's, made 0600 if it is more open; a file someone else owns
    is left as it is, with a warning."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) != FILE_MODE:
            path.chmod(FILE_MODE)
    except OSError as error:
        log.warning("could not make %s private: %s", path, error)
