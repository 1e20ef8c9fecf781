"""Writing a file so that a crash leaves either the old content or the new, never a mix.

The new content goes into a temporary file in the same folder, which is flushed and fsynced and
given the original file's permission bits (and its owner and group, where the process may), then
renamed over the target with ``os.replace``; the folder is fsynced so the rename itself is
durable. On Linux the temporary file is first an unnamed one (``O_TMPFILE``): a process killed
while writing it leaves nothing behind. It gets a name (``.NOTE.md.PID.HOST-RANDOM.netzmd-tmp``)
only for the instant before the rename; one left by a process that died in that instant is
removed by the next netzmd command that scans the folder (``sweep_files``) or writes to it
(``sweep``). On any failure that netzmd sees, the temporary file is removed.

``replace_if_unchanged`` adds compare-and-swap: right before the rename it looks at the target
again and refuses when it is no longer what netzmd read (an editor saved meanwhile), so that the
person's edit survives. What was read is the bytes *and* the stat (``Stamp``: device, inode,
size, mtime, ctime), and ``read_settled`` reads a file only once it has been left alone for
``SETTLE_NS``: a program that saves a note in place (shell redirection, ``rsync --inplace``, sync
clients) shows netzmd a half-written file that stays the same between netzmd's read and its
check, and only the time of its last change tells that it is not done yet.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, Protocol

from netzmd.errors import NetzmdError

TMP_SUFFIX = ".netzmd-tmp"
_TMP_NAME = re.compile(
    r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?:(?P<host>[0-9a-f]{8})-)?[A-Za-z0-9_]+\.netzmd-tmp$"
)
STALE_SECONDS = 60

SETTLE_NS = 2_000_000_000
"""A file changed less than this long ago (by its mtime or ctime, or by what netzmd saw) may be
in the middle of a save; netzmd waits before it reads it for writing."""
WAIT_LIMIT_NS = 10_000_000_000
"""How long netzmd waits for a file that keeps changing before it gives up."""
RECORD_NS = 60_000_000_000
"""How long before the newest one an entry of the record of what netzmd wrote is kept."""


class ChangedOnDisk(NetzmdError):
    """The file changed after netzmd read it; it was left as it is."""


class StillChanging(ChangedOnDisk):
    """Another program kept changing the file for as long as netzmd waited for it."""


class NotWritable(NetzmdError):
    """A file netzmd must not replace: read-only, or with more than one hard link."""


# --- what a file is: its stat, and a clock to tell how long ago it changed ---------------------


class Stamp(NamedTuple):
    """What identifies one state of a file: a file whose stamp is unchanged was not written to
    (a write moves the ctime, which no program can set back) and was not replaced."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Stamp:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    @property
    def changed_ns(self) -> int:
        """When the file last changed, by its own times."""
        return max(self.mtime_ns, self.ctime_ns)


class Clock(Protocol):
    """Wall-clock time (comparable with file times) and a way to wait. Injected for tests."""

    def time_ns(self) -> int: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock: the only place netzmd's write path reads it."""

    def time_ns(self) -> int:
        return time.time_ns()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def settle_wait(stamp: Stamp, now_ns: int, steady_since_ns: int, settle_ns: int) -> int:
    """How many nanoseconds to wait before a file in state ``stamp`` counts as saved: none when
    its last change is ``settle_ns`` or more before ``now_ns``, or when it has been seen in this
    state since ``steady_since_ns`` for that long (a file time in the future, from a clock that
    is off on a network drive or set by a program, then costs one wait, not a refusal)."""
    by_times = stamp.changed_ns + settle_ns - now_ns
    by_watching = steady_since_ns + settle_ns - now_ns
    return max(0, min(by_times, by_watching))


def read_stamped(path: Path) -> tuple[bytes, os.stat_result | None]:
    """The bytes of ``path`` and the stat they belong to; None for the stat when the file
    changed while it was being read. Never through a symlink."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    try:
        before = os.fstat(fd)
        parts: list[bytes] = []
        while chunk := os.read(fd, max(before.st_size + 1, 65536)):
            parts.append(chunk)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    data = b"".join(parts)
    same = Stamp.of(before) == Stamp.of(after) and len(data) == after.st_size
    return data, (after if same else None)


def read_settled(
    path: Path,
    name: str,
    *,
    clock: Clock,
    ours: Callable[[bytes, Stamp], bool] | None = None,
    settle_ns: int | None = None,
    limit_ns: int | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> tuple[bytes, os.stat_result]:
    """Read ``path`` for writing once it is saved: when it changed less than ``settle_ns`` ago
    (default ``SETTLE_NS``) and is not a state netzmd wrote itself (``ours``), wait until it
    has been left alone that long, and read it again. A file that keeps changing for
    ``limit_ns`` (default ``WAIT_LIMIT_NS``) is refused (``StillChanging``); ``name`` names it
    in the message. ``on_wait`` hears once, before the first wait, what is waited for. OSError
    as ``open`` raises it."""
    settle = SETTLE_NS if settle_ns is None else settle_ns
    limit = WAIT_LIMIT_NS if limit_ns is None else limit_ns
    start = clock.time_ns()
    steady: Stamp | None = None
    steady_since = start
    while True:
        data, st = read_stamped(path)
        now = clock.time_ns()
        if st is None:  # changing while being read: look again in a moment
            steady = None
            wait = min(settle, 50_000_000)
        else:
            stamp = Stamp.of(st)
            if stamp != steady:
                steady, steady_since = stamp, now
            wait = settle_wait(stamp, now, steady_since, settle)
            if wait == 0 or (ours is not None and ours(data, stamp)):
                return data, st
        if now - start + wait > limit:
            raise StillChanging(
                f"{name} is being changed by another program: it kept changing for the "
                f"{limit / 1e9:g} s netzmd waited for it to be saved; it was left as it is",
                hint="Run the command again once it is saved.",
            )
        if on_wait is not None:
            on_wait(f"waiting for {name}: another program changed it a moment ago")
            on_wait = None
        clock.sleep(wait / 1e9)


# --- which files netzmd may replace ----------------------------------------------------------


def may_write(mode: int, owner: int, group: int, uid: int, groups: Iterable[int]) -> bool:
    """Whether the permission bits ``mode`` let the user ``uid`` (in ``groups``) write a file
    of ``owner``:``group``. Root may write anything, so for root only a file that nobody may
    write (no write bit at all) counts as read-only."""
    if uid == 0:
        return bool(mode & 0o222)
    if uid == owner:
        return bool(mode & stat.S_IWUSR)
    if group in groups:
        return bool(mode & stat.S_IWGRP)
    return bool(mode & stat.S_IWOTH)


def refuse_unsafe(st: os.stat_result, rel: str) -> None:
    """Raise ``NotWritable`` for a file that netzmd must not replace: one whose permission bits
    do not let this process write it (a read-only note is the person's "do not change"), and
    one with a second hard link, which a replace would split from it: the other name would keep
    the old text. Writing such a note in place instead cannot be atomic (a crash or a reader
    at the wrong moment sees half a note), so netzmd leaves it alone, as it does symlinks."""
    import shlex

    uid = os.geteuid()
    groups = {os.getegid(), *os.getgroups()}
    if not may_write(st.st_mode, st.st_uid, st.st_gid, uid, groups):
        mode = stat.S_IMODE(st.st_mode)
        whose = "" if uid in (0, st.st_uid) else f", owned by user {st.st_uid}"
        raise NotWritable(
            f"{rel} is read-only (mode {mode:04o}{whose}); netzmd does not change a note that "
            "is not writable; nothing was written",
            hint=f"To change it, make it writable first: chmod u+w {shlex.quote(rel)} "
            "(in the vault folder).",
        )
    if st.st_nlink > 1:
        raise NotWritable(
            f"{rel} has {st.st_nlink} hard links; netzmd writes a note by replacing it with a "
            "new file, which would split the links (the other names would keep the old text), "
            "and writing it in place is not safe; nothing was written",
            hint="Change it in an editor ('netzmd edit'), or give it a file of its own first: "
            f"cp -p {shlex.quote(rel)} {shlex.quote(rel + '.new')} && "
            f"mv {shlex.quote(rel + '.new')} {shlex.quote(rel)} (the other links keep the old "
            "text).",
        )


# --- the temporary file, and putting it in place ------------------------------------------------


def _mode_for(st: os.stat_result | None) -> int:
    """The permission bits to give the new file: the old file's, else what the umask allows."""
    if st is not None:
        return stat.S_IMODE(st.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _host() -> str:
    """A short tag of this machine, so that a sweep knows whose process ids it can check."""
    return f"{zlib.crc32(os.uname().nodename.encode('utf-8', 'replace')):08x}"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}.{_host()}-"


def _temp_name(path: Path) -> str:
    return f"{_temp_prefix(path)}{secrets.token_hex(4)}{TMP_SUFFIX}"


class Pending:
    """New content for ``path``, written and fsynced next to it but not yet in place.

    ``put`` moves it into place (optionally only if the target still holds what was read);
    ``discard`` removes it. Use as a context manager to discard whatever was not put.
    ``swept``: the caller has swept the folder of temporary files already (the index scan
    does it for the notes), so this does not list it again. ``durable=False``: no fsync of the
    file nor of its folder; the caller makes many files durable at once (``sync_all`` before
    the first ``put``, ``sync_folders`` after the last), or needs the file only while it runs
    (a copy to put back on a failure)."""

    def __init__(
        self, path: Path, data: bytes, *, swept: bool = False, durable: bool = True
    ) -> None:
        self.path = path
        self.folder = path.parent
        self.data = data
        self.durable = durable
        try:
            self.target: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            self.target = None
        self.mode = _mode_for(self.target)
        self.fd: int | None = None
        self.unnamed = False  # self.fd is an O_TMPFILE file without a name yet
        self.tmp: Path | None = None
        if not swept:
            sweep(self.folder)
        try:
            fd = os.open(self.folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
        except (AttributeError, OSError):  # not Linux, or a file system without O_TMPFILE
            fd = None
        try:
            if fd is None:
                self._named()
            else:
                self.fd, self.unnamed = fd, True
                self._fill(fd)
        except BaseException:
            self.discard()
            raise

    def _fill(self, fd: int) -> None:
        _write_all(fd, self.data)
        self._keep_owner(fd)
        os.fchmod(fd, self.mode)  # after fchown, which may clear set-id bits
        if self.durable:
            os.fsync(fd)

    def _keep_owner(self, fd: int) -> None:
        """The old file's owner and group, as far as this process may give them."""
        if self.target is None:
            return
        uid, gid = self.target.st_uid, self.target.st_gid
        mine = os.fstat(fd)
        if (mine.st_uid, mine.st_gid) == (uid, gid):
            return
        try:
            os.fchown(fd, uid, gid)
        except OSError:
            with contextlib.suppress(OSError):  # not root: its group, if the user is in it
                os.fchown(fd, -1, gid)

    def _named(self) -> None:
        fd, tmp = tempfile.mkstemp(
            prefix=_temp_prefix(self.path), suffix=TMP_SUFFIX, dir=self.folder
        )
        self.fd, self.unnamed, self.tmp = fd, False, Path(tmp)
        self._fill(fd)

    def _link(self, name: str) -> bool:
        """Give the unnamed file ``name`` in the folder; False when the system cannot."""
        assert self.fd is not None
        folder_fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.link(f"/proc/self/fd/{self.fd}", name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        except FileExistsError:
            raise
        except OSError:
            return False
        finally:
            os.close(folder_fd)
        return True

    def put(
        self, expected: bytes | None, *, check: bool = True, seen: Stamp | None = None
    ) -> Stamp:
        """Move the new content into place. With ``check``: only when the target still holds
        ``expected`` (None: only when it does not exist) and, given ``seen``, is still in
        that state; else raise ``ChangedOnDisk``. Returns the stamp of the file written."""
        try:
            if self.unnamed and check and expected is None:
                # A new file: link the unnamed file under the target's name, which fails when
                # the name exists. No temporary name at all.
                try:
                    if self._link(self.path.name):
                        self.unnamed = False
                        return self._done()
                except FileExistsError:
                    raise _changed(self.path, None) from None
            if self.unnamed:
                name = _temp_name(self.path)
                if self._link(name):
                    self.tmp, self.unnamed = self.folder / name, False
                else:
                    self._close()
                    self._named()
            assert self.tmp is not None
            if check:
                check_unchanged(self.path, expected, seen)
            if check and expected is None:
                # A new file: a hard link fails when the name exists meanwhile. File systems
                # without hard links (FAT) get the check above and a rename instead.
                try:
                    os.link(self.tmp, self.path)
                except FileExistsError:
                    raise _changed(self.path, None) from None
                except OSError:
                    os.replace(self.tmp, self.path)
                else:
                    os.unlink(self.tmp)
            else:
                os.replace(self.tmp, self.path)
            self.tmp = None
        except BaseException:
            self.discard()
            raise
        return self._done()

    def _done(self) -> Stamp:
        """The stamp of the file now in place (taken from the file itself, whatever its name),
        then close it and make the rename durable."""
        assert self.fd is not None
        try:
            written = Stamp.of(os.fstat(self.fd))
        finally:
            self._close()
        if self.durable:
            _fsync_dir(self.folder)
        return written

    def _close(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            self.unnamed = False
            os.close(fd)

    def discard(self) -> None:
        self._close()
        if self.tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
            self.tmp = None

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def _changed(path: Path, expected: bytes | None) -> ChangedOnDisk:
    if expected is None:
        return ChangedOnDisk(
            f"{path.name} was created by something else meanwhile; it was left as it is",
            hint="Look at it, then run the command again.",
        )
    return ChangedOnDisk(
        f"{path.name} changed on disk after netzmd read it (saved in an editor?); "
        "it was left as it is, with that change",
        hint="Run the command again to apply it to the new version.",
    )


def check_unchanged(path: Path, expected: bytes | None, seen: Stamp | None = None) -> None:
    """Raise ``ChangedOnDisk`` unless ``path`` holds exactly ``expected`` (None: is absent) and,
    given ``seen``, is still the file in the state that was read (same device, inode, size,
    mtime and ctime: a program that wrote to it meanwhile, even the same bytes, moved them)."""
    if path.is_symlink():
        raise ChangedOnDisk(f"{path.name} became a symlink meanwhile; it was left as it is")
    try:
        current: bytes | None
        current, st = read_stamped(path)
    except FileNotFoundError:
        current, st = None, None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ChangedOnDisk(
                f"{path.name} became a symlink meanwhile; it was left as it is"
            ) from None
        raise
    if current is None:
        if expected is not None:
            raise ChangedOnDisk(
                f"{path.name} was deleted or renamed after netzmd read it; nothing was written"
            )
        return
    if current != expected:
        raise _changed(path, expected)
    if seen is not None and (st is None or Stamp.of(st) != seen):
        raise ChangedOnDisk(
            f"{path.name} was written to by another program after netzmd read it; it was left "
            "as it is",
            hint="Run the command again once it is saved.",
        )


def replace_if_unchanged(
    path: Path, expected: bytes | None, data: bytes, *, seen: Stamp | None = None
) -> Stamp:
    """Write ``data`` to ``path`` atomically, but only if ``path`` still holds ``expected``
    (None: only if it does not exist yet) and, given ``seen``, is still in that state; else
    raise ``ChangedOnDisk`` and change nothing. Returns the stamp of the file written."""
    with Pending(path, data) as pending:
        return pending.put(expected, seen=seen)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, whatever is there now."""
    with Pending(path, data) as pending:
        pending.put(None, check=False)


# --- temporary files left behind ---------------------------------------------------------------


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of netzmd's temporary files (cheap: for every hidden file a scan
    meets)."""
    return name.endswith(TMP_SUFFIX) and _TMP_NAME.match(name) is not None


def sweep(folder: Path, now: float | None = None) -> list[Path]:
    """Remove temporary files that a netzmd killed mid-write left in ``folder`` (see
    ``sweep_files``). Returns what was removed."""
    try:
        with os.scandir(folder) as listing:
            names = [entry.path for entry in listing if is_temp_name(entry.name)]
    except OSError:
        return []
    return sweep_files(names, now)


def sweep_files(paths: Iterable[str], now: float | None = None) -> list[Path]:
    """Remove those of ``paths`` (named like netzmd's temporary files) that a netzmd killed
    mid-write left behind: made on this machine by a process that no longer runs; made
    elsewhere (a shared or network folder) or by an older netzmd, when also older than
    ``STALE_SECONDS``. ``now``: the time to judge the age by (default: the real clock)."""
    removed: list[Path] = []
    here = _host()
    current = time.time() if now is None else now
    for path in paths:
        m = _TMP_NAME.match(os.path.basename(path))
        if m is None:
            continue
        try:
            if m["host"] == here:
                if _alive(int(m["pid"])):
                    continue
            else:
                if current - os.lstat(path).st_mtime < STALE_SECONDS:
                    continue
                if m["host"] is None and _alive(int(m["pid"])):
                    continue
            os.unlink(path)
            removed.append(Path(path))
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def sync_all() -> None:
    """Make every file written so far durable at once (``sync(2)``): for many files, far
    cheaper than an fsync of each."""
    os.sync()


def sync_folders(folders: Iterable[Path]) -> None:
    """Make the renames in each folder durable (an fsync of each folder, once)."""
    for folder in dict.fromkeys(folders):
        _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds exactly ``data``. True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError):
        pass
    write_atomic(path, data)
    return True


# --- what netzmd wrote itself ---------------------------------------------------------------


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Written:
    """A small record (a JSON file in the cache folder) of the state in which netzmd left the
    files it wrote: a file found in exactly that state (same stamp, same bytes) was not touched
    by anyone since, so it need not be waited for, and commands run back to back stay fast.
    Only recent entries matter; those written more than ``RECORD_NS`` before the newest are
    dropped. Best effort: a record
    that cannot be read or written only costs a wait."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def _load(self) -> dict[str, tuple[Stamp, str]]:
        try:
            raw = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return {}
        entries: dict[str, tuple[Stamp, str]] = {}
        if isinstance(raw, dict):
            for key, entry in raw.items():
                if (
                    isinstance(entry, list)
                    and len(entry) == 6
                    and all(type(n) is int for n in entry[:5])
                    and isinstance(entry[5], str)
                ):
                    entries[key] = (Stamp(*entry[:5]), entry[5])
        return entries

    def ours(self, key: str, data: bytes, stamp: Stamp) -> bool:
        """Whether ``key`` is in ``stamp`` with ``data`` as netzmd left it."""
        return self._load().get(key) == (stamp, digest(data))

    def remember(self, states: Iterable[tuple[str, bytes, Stamp]]) -> None:
        """Note the state in which netzmd left these files (key, bytes, stamp)."""
        new = {key: (stamp, digest(data)) for key, data, stamp in states}
        if not new:
            return
        entries = self._load()
        entries.update(new)
        # keep what changed shortly before the newest entry (by the files' own times, no
        # clock): older states are settled anyway
        newest = max(stamp.changed_ns for stamp, _ in new.values())
        keep = {
            key: [*stamp, hashed]
            for key, (stamp, hashed) in entries.items()
            if newest - stamp.changed_ns < RECORD_NS
        }
        text = json.dumps(keep, ensure_ascii=False, sort_keys=True).encode("utf-8")
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            self.file.parent.mkdir(exist_ok=True)
            tmp.write_bytes(text)
            os.replace(tmp, self.file)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
