"""Atomic, checked saves.

A save writes a temporary file in the target's folder, flushes and fsyncs it
(``F_FULLFSYNC`` on macOS, where plain fsync does not reach the disk), gives
it the target's permission bits, renames it over the target with
``os.replace`` and fsyncs the folder. The original is never deleted first, so
a crash at any point leaves either the old or the new file, complete.

Before writing, the file on disk is compared with what was loaded (size and
mtime, then a hash if those differ) so another program's change is never
overwritten silently.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from editor.core.errors import ConflictError, SaveError

TEMP_SUFFIX = ".galley-tmp"
_REPLACE_RETRIES = 10
_REPLACE_DELAY = 0.05


@dataclass(frozen=True, slots=True)
class FileSignature:
    """What a file was when Galley last read or wrote it."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path, data: bytes) -> FileSignature:
        """Signature of ``path`` whose content is known to be ``data``."""
        st = path.stat()
        return cls(len(data), st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def digest(data: bytes) -> str:
    """Return the content hash used in signatures."""
    return hashlib.sha256(data).hexdigest()


def resolve_target(path: Path) -> Path:
    """Return the file a save to ``path`` must write: symlinks are followed
    to their target, so the link stays a link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _check_link_loop(path: Path) -> None:
    try:
        path.resolve(strict=False)
        if path.is_symlink():
            os.stat(path)
    except RuntimeError:
        raise SaveError("the file is a symbolic link loop", path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SaveError("the file is a symbolic link loop", path) from None


def check_unchanged(path: Path, expected: FileSignature) -> None:
    """Raise ConflictError if ``path`` no longer holds what was loaded."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ConflictError("the file was deleted on disk since it was opened", path) from None
    except OSError as exc:
        raise SaveError(f"cannot check the file: {exc.strerror}", path) from None
    if st.st_size == expected.size and st.st_mtime_ns == expected.mtime_ns:
        return
    try:
        current = digest(path.read_bytes())
    except OSError as exc:
        raise SaveError(f"cannot check the file: {exc.strerror}", path) from None
    if current != expected.sha256:
        raise ConflictError("the file was changed on disk since it was opened", path)


def write_atomic(
    path: str | Path, data: bytes, expected: FileSignature | None = None
) -> FileSignature:
    """Replace the file at ``path`` with ``data`` atomically; return its new
    signature. ``expected``: what the file must still be (else ConflictError).

    Raises SaveError (the original file untouched) when anything fails.
    """
    path = Path(path)
    _check_link_loop(path)
    target = resolve_target(path)
    if expected is not None:
        check_unchanged(target, expected)
    folder = target.parent
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise SaveError(f"cannot save: {exc.strerror}", path) from None

    prefix = "." + target.name[:80] + "."
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            _fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        _replace(tmp_name, target)
        tmp_name = None
        _fsync_folder(folder)
        return FileSignature.of(target, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            reason = "the disk is full"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            reason = "permission denied"
        raise SaveError(f"cannot save: {reason}; the file on disk was not changed", path) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _umask() -> int:
    # os.umask can only be read by setting it; restore at once.
    current = os.umask(0o022)
    os.umask(current)
    return current


def _fsync(fd: int) -> None:
    if sys.platform == "darwin":
        import fcntl

        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass  # not supported by this file system: plain fsync below
    os.fsync(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # folders cannot be opened for fsync on Windows; NTFS journals renames
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) refuse fsync on folders
    finally:
        os.close(fd)


def _replace(source: str, target: Path) -> None:
    # On Windows a virus scanner, indexer or sync client briefly holding the
    # target makes os.replace fail with a sharing violation: retry shortly.
    for attempt in range(_REPLACE_RETRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == _REPLACE_RETRIES - 1:
                raise
            time.sleep(_REPLACE_DELAY)
