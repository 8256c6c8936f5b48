"""Open blocks: a block's rules and their breaches, its shops and stalls and who looks after
them, its party members and partner units (geo/open_blocks/blocks.py); counts per street."""

from __future__ import annotations

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from geo.access import PERSONAL, covers, may_read_area_stats
from geo.codes import StreetCode
from geo.open_blocks.answers import BlockStats, OpenBlock
from geo.open_blocks.blocks import block_detail, block_stats
from webmap.auth import allow, current_caller
from webmap.db import get_replica_session
from webmap.openapi import answers
from webmap.schemas import Schema

api = APIBlueprint("blocks", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="blocks")])


class BlockPath(Schema):
    code: str = Field(max_length=32)


class StreetQuery(Schema):
    street: StreetCode | None = None


@answers(OpenBlock)
@api.get("/open-blocks/<code>")
def get_block(path: BlockPath):  # type: ignore[no-untyped-def]
    """The block with its rules and breaches, shops, stalls and 包干 coverage, party members
    (names masked unless the caller sees personal data there) and partner units."""
    caller = allow("layers")
    personal = caller.role in PERSONAL and covers(caller, None, path.code)
    return jsonify(block_detail(get_replica_session(), path.code, personal))


@answers(BlockStats)
@api.get("/stats/blocks")
def get_block_stats(query: StreetQuery):  # type: ignore[no-untyped-def]
    """Open blocks of a street (or all): shops, stalls, 包干 coverage, mobile party members,
    rule breaches in the last year, meetings."""
    may_read_area_stats(current_caller(), query.street or "")
    return jsonify(block_stats(get_replica_session(), query.street or ""))
