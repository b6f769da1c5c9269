"""What every part of the library file format shares: names, limits, and the errors raised."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from hortus.library.errors import LibraryError

FORMAT, VERSION = "hortus-library", 1
MANIFEST = "hortus-library.json"
MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Caps on what an imported file may hold; far above real libraries, far below harm."""

    archive: int = 512 * MiB  # the zip file itself
    member: int = 256 * MiB  # one member, uncompressed
    total: int = 512 * MiB  # all members together, uncompressed
    manifest: int = 64 * MiB  # the JSON member, uncompressed
    members: int = 1_000  # entries in the zip
    ratio: float = 200.0  # uncompressed / compressed size of a member larger than 1 MiB
    depth: int = 64  # nesting of JSON arrays and objects
    check_steps: int = 10_000_000  # steps the solutions may take on their examples, in all
    check_time: float = 60.0  # seconds they may take (the steps bound it well before)


LIMITS = Limits()
MEMBER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
SHA256 = re.compile(r"[0-9a-f]{64}")
NAME_LEN, TEXT_LEN, COUNT = 255, 100_000, 1_000_000


class LibraryFileError(LibraryError):
    """A library file that cannot be exported or imported; the message names the file and why."""

    def __init__(self, path: str | os.PathLike[str], reason: str, action: str = "import") -> None:
        self.path, self.reason = os.fspath(path), reason
        super().__init__(f"cannot {action} {self.path}: {reason}")


class Bad(ValueError):
    """A problem found in the file; ``import_library`` adds the file's name."""
