"""Writing a file so that a crash leaves either the old content or the new, never a mix.

The new content goes into a temporary file in the same folder, which is flushed and fsynced and
given the original file's permission bits, then renamed over the target with ``os.replace``; the
folder is fsynced so the rename itself is durable. On Linux the temporary file is first an
unnamed one (``O_TMPFILE``): a process killed while writing it leaves nothing behind. It gets a
name (``.NOTE.md.PID.RANDOM.netzmd-tmp``) only for the instant before the rename; one left by a
process that died in that instant is removed by the next write to the folder. On any failure
that netzmd sees, the temporary file is removed.

``replace_if_unchanged`` adds compare-and-swap: right before the rename it reads the target again
and refuses when it is no longer what netzmd read (an editor saved meanwhile), so that the
person's edit survives.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import tempfile
import time
from pathlib import Path

from netzmd.errors import NetzmdError

TMP_SUFFIX = ".netzmd-tmp"
_TMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.netzmd-tmp$")
STALE_SECONDS = 60


class ChangedOnDisk(NetzmdError):
    """The file changed after netzmd read it; it was left as it is."""


def _mode_for(path: Path) -> int:
    """The permission bits to give the new file: the old file's, else what the umask allows."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _temp_name(path: Path) -> str:
    return f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}"


class Pending:
    """New content for ``path``, written and fsynced next to it but not yet in place.

    ``put`` moves it into place (optionally only if the target still holds what was read);
    ``discard`` removes it. Use as a context manager to discard whatever was not put."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.folder = path.parent
        self.data = data
        self.mode = _mode_for(path)
        self.fd: int | None = None
        self.tmp: Path | None = None
        sweep(self.folder)
        try:
            self.fd = os.open(self.folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
        except (AttributeError, OSError):  # not Linux, or a file system without O_TMPFILE
            self.fd = None
        try:
            if self.fd is None:
                self._named()
            else:
                self._fill(self.fd)
        except BaseException:
            self.discard()
            raise

    def _fill(self, fd: int) -> None:
        _write_all(fd, self.data)
        os.fchmod(fd, self.mode)
        os.fsync(fd)

    def _named(self) -> None:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=self.folder
        )
        self.tmp = Path(tmp)
        try:
            self._fill(fd)
        finally:
            os.close(fd)

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

    def put(self, expected: bytes | None, *, check: bool = True) -> None:
        """Move the new content into place. With ``check``: only when the target still holds
        ``expected`` (None: only when it does not exist); else raise ``ChangedOnDisk``."""
        try:
            if self.fd is not None and check and expected is None:
                # A new file: link the unnamed file under the target's name, which fails when
                # the name exists. No temporary name at all.
                try:
                    if self._link(self.path.name):
                        self._close()
                        _fsync_dir(self.folder)
                        return
                except FileExistsError:
                    raise _changed(self.path, None) from None
            if self.fd is not None:
                name = _temp_name(self.path)
                if self._link(name):
                    self.tmp = self.folder / name
                else:
                    self._named()
                self._close()
            assert self.tmp is not None
            if check:
                check_unchanged(self.path, expected)
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
        _fsync_dir(self.folder)

    def _close(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
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


def check_unchanged(path: Path, expected: bytes | None) -> None:
    """Raise ``ChangedOnDisk`` unless ``path`` holds exactly ``expected`` (None: is absent)."""
    if path.is_symlink():
        raise ChangedOnDisk(f"{path.name} became a symlink meanwhile; it was left as it is")
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    if current != expected:
        if current is None:
            raise ChangedOnDisk(
                f"{path.name} was deleted or renamed after netzmd read it; nothing was written"
            )
        raise _changed(path, expected)


def replace_if_unchanged(path: Path, expected: bytes | None, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, but only if ``path`` still holds ``expected``
    (None: only if it does not exist yet); else raise ``ChangedOnDisk`` and change nothing."""
    with Pending(path, data) as pending:
        pending.put(expected)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, whatever is there now."""
    with Pending(path, data) as pending:
        pending.put(None, check=False)


def sweep(folder: Path, now: float | None = None) -> list[Path]:
    """Remove temporary files that a netzmd killed mid-write left in ``folder``: named like ours,
    older than a minute, and made by a process that no longer runs. Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time() if now is None else now
    for entry in entries:
        m = _TMP_NAME.match(entry.name)
        if m is None:
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS:
                continue
            if _alive(int(m["pid"])):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
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
