"""Optional groups inside a box, a row of cards or the sidebar drop from there: the
fitter finds them and removing one leaves the rest of its container in place."""

from __future__ import annotations

from test_parse_cases import CASES, dump, parse_case

from briefgen.errors import Location
from briefgen.model import Box, CardRow, Columns, Document, Metadata, walk


def groups_document() -> Document:
    blocks = tuple(parse_case(CASES, "groups"))
    return Document("groups", blocks, Metadata(title="Groups"), Location("groups.md.j2", 1))


def test_the_fitter_finds_the_groups_inside_containers() -> None:
    found = groups_document().droppable_groups()
    # Lowest priority first; among equals, the one further down the page first.
    assert [(d.group, d.priority) for d in found] == [(4, 1), (2, 1), (3, 2), (1, 3)]


def test_dropping_a_group_leaves_its_container() -> None:
    document = groups_document()
    box, cards = document.blocks[1], document.blocks[2]
    assert isinstance(box, Box) and isinstance(cards, CardRow)
    dropped = document.without_groups({1, 2, 4})
    kept_box, kept_cards = dropped.blocks[1], dropped.blocks[2]
    assert isinstance(kept_box, Box) and isinstance(kept_cards, CardRow)
    assert kept_box.blocks == box.blocks[:1]
    assert [c.figure for c in kept_cards.cards] == ["86%", "100×"]
    columns = dropped.blocks[-1]
    assert isinstance(columns, Columns)
    assert [line.strip().split(" at ")[0] for b in columns.main for line in dump(b)] == [
        "heading level=2",
        "paragraph",
    ]


def test_dropping_the_group_around_a_box_drops_the_box() -> None:
    document = groups_document()
    assert sum(isinstance(b, Box) for b in document.blocks) == 2
    assert sum(isinstance(b, Box) for b in document.without_groups({3}).blocks) == 1


def test_a_document_s_walked_blocks_are_worked_out_once_and_its_versions_their_own() -> None:
    document = groups_document()
    walked = document.walked
    assert walked == tuple(walk(document.blocks))
    assert any(isinstance(b, Box | Columns | CardRow) for b in walked)  # nested ones too
    assert document.walked is walked  # kept for the document
    dropped = document.without_groups({1})
    assert dropped.walked == tuple(walk(dropped.blocks)) != walked
    assert document.without_groups(set()).walked is walked  # the document itself
