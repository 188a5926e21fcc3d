"""Write annotated records as JSONL, one line per article, never half a file.

Output goes to `OUT.partial` and is renamed to `OUT` only when the run
completes, so a crash never leaves a truncated file that looks finished.
The file is line-buffered: each finished line reaches the operating system at
once, so a killed run loses at most the line it was writing (a torn last
line, which `--resume` drops) and `OUT.partial` always shows real progress.
Errors on the output side (a full disk, a closed pipe) propagate: they are
the run's failure, not an article's.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any


def dumps(record: dict[str, Any]) -> str:
    # ensure_ascii=False keeps Arabic readable; one record is one line.
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class JsonlWriter:
    def __init__(self, path: str | Path, *, append: bool = False):
        self.path = None if str(path) == "-" else Path(path)
        self.partial = None if self.path is None else partial_path(self.path)
        self._fh: IO[str]
        if self.path is None:
            self._fh = sys.stdout
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # append: a resumed run continues a .partial it has already checked.
            self._fh = open(self.partial, "a" if append else "w", encoding="utf-8",
                            buffering=1)

    def write(self, record: dict[str, Any]) -> None:
        self._fh.write(dumps(record) + "\n")

    def write_line(self, line: str) -> None:
        """A record already serialised by `dumps` (workers serialise their own)."""
        self._fh.write(line + "\n")

    def flush(self) -> None:
        self._fh.flush()
        if self.path is not None:
            os.fsync(self._fh.fileno())

    def commit(self) -> None:
        """The run is complete: make the output visible under its real name."""
        self._fh.flush()
        if self.path is not None:
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self.partial, self.path)

    def close(self) -> None:
        if self.path is not None and not self._fh.closed:
            self._fh.close()


def partial_path(path: Path) -> Path:
    return path.with_name(path.name + ".partial")
