"""``--shard I/N``: one machine's share of a recipients file.

A row belongs to shard ``sha256("<audience folder>/<slug>") mod N + 1``: its output
path alone decides, never its position in the file, so adding, removing or reordering
other rows moves no row to another shard, and N machines given the same file and N
make disjoint sets of files whose union is what one machine makes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass

from briefgen.errors import BriefgenError
from briefgen.recipients import Recipient, RecipientList

MAX_SHARDS = 10_000
_FORM = re.compile(r"([0-9]+)/([0-9]+)")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (from 1) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, recipient: Recipient) -> bool:
        """Whether ``recipient``'s row is this shard's to build."""
        return shard_of(shard_key(recipient), self.count) == self.index

    def select(self, recipients: RecipientList) -> RecipientList:
        """The rows of this shard, in file order, each keeping its row number."""
        mine = tuple(r for r in recipients.recipients if self.holds(r))
        return dataclasses.replace(recipients, recipients=mine)


def shard_key(recipient: Recipient) -> str:
    """What decides a row's shard: its files' path without the extension."""
    return f"{recipient.folder}/{recipient.slug}"


def shard_of(key: str, count: int) -> int:
    """The shard (1 to ``count``) of a row whose :func:`shard_key` is ``key``."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % count + 1


def parse_shard(text: str) -> Shard:
    """``--shard``'s value ``I/N`` (1 ≤ I ≤ N ≤ 10,000), or a one-line error."""
    match = _FORM.fullmatch(text.strip())
    if match is None:
        raise BriefgenError(
            f"--shard: {text!r} is not I/N, two whole numbers such as 2/5 "
            "(the second of five machines)"
        )
    index, count = (_number(part) for part in match.groups())
    if not 1 <= count <= MAX_SHARDS:
        raise BriefgenError(f"--shard: N must be 1 to {MAX_SHARDS:,}, not {_shown(match[2])}")
    if not 1 <= index <= count:
        raise BriefgenError(f"--shard: I must be 1 to N ({count}), not {_shown(match[1])}")
    return Shard(index, count)


def _number(digits: str) -> int:
    # Capped before int(): a number of thousands of digits is simply too large.
    return int(digits) if len(digits) <= 9 else 10**9


def _shown(digits: str) -> str:
    return digits if len(digits) <= 9 else f"a number of {len(digits):,} digits"
