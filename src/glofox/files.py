"""Every file the project writes goes through `atomic_write`: written under a temporary name in
the same folder, flushed to disk, then renamed over the target. A full disk, an error or a kill
leaves the previous file (or none), never part of one; the error names the file and the cause."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

TEMP_MARK = ".glofox-tmp-"


class WriteError(OSError):
    """A file could not be written; the message names it and says why."""

    def __init__(self, path: Path, cause: OSError):
        super().__init__(cause.errno, cause.strerror)
        self.filename = str(path)
        self.message = f"cannot write {path}: {cause.strerror or cause}"

    def __str__(self) -> str:
        return self.message


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}")


def remove_stale_temps(path: Path) -> None:
    """Temporary files a killed writer of `path` left behind."""
    with contextlib.suppress(OSError):
        for stale in path.parent.glob(f".{path.name}{TEMP_MARK}*"):
            with contextlib.suppress(OSError):
                stale.unlink()


@contextlib.contextmanager
def atomic_write(path: os.PathLike | str, mode: str = "w", **open_kwargs) -> Iterator[IO]:
    """Open a temporary file for writing; on success it replaces `path`, on any error it is
    removed and a WriteError names `path` (the previous file stays as it was)."""
    path = Path(path)
    if "b" not in mode:
        open_kwargs.setdefault("encoding", "utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path)
        temp = temp_path(path)
        handle = temp.open(mode, **open_kwargs)
    except OSError as error:
        raise WriteError(path, error) from error
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError(path, error) from error
        raise


def write_text(path: os.PathLike | str, text: str) -> None:
    with atomic_write(path) as handle:
        handle.write(text)
