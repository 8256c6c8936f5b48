"""GET /api/v1/locate: the assignment of a point without creating a case."""

from __future__ import annotations

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from geo.answers import Assignment
from geo.assign import locate
from geo.points import to_wgs84_point
from webmap.auth import allow
from webmap.db import get_read_connection, get_settings
from webmap.openapi import answers
from webmap.schemas import LocateQuery

api = APIBlueprint("locate", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="locate")])


@answers(Assignment)
@api.get("/locate")
def locate_point(query: LocateQuery):  # type: ignore[no-untyped-def]
    """Street, community, grid, zone, party organisation and worker for a point."""
    allow("locate")
    lon, lat = to_wgs84_point(query.lon, query.lat, query.crs)
    snap = get_settings().snap_distance_m
    return jsonify(locate(get_read_connection(), lon, lat, snap).as_dict())
