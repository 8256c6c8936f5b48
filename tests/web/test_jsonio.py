"""JSON out (webmap/jsonio.py): what Flask's default provider wrote, through orjson."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import uuid

import numpy as np
from flask.json.provider import DefaultJSONProvider


@dataclasses.dataclass
class _Row:
    code: str
    n: int


def test_same_values_as_flask_default(app) -> None:  # type: ignore[no-untyped-def]
    obj = {
        "名称": "拱墅区 <b>",
        "z": [1.5, None, True],
        "a": {"y": 1, "b": 2},
        "at": datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 1, 2),
        "money": decimal.Decimal("1.10"),
        "id": uuid.UUID(int=5),
        "row": _Row("330105", 3),
        "f64": np.float64(0.25),
        "i64": np.int64(7),
    }
    ours = app.json.dumps(obj)
    flask = DefaultJSONProvider(app)
    flask.ensure_ascii = False
    expected = flask.dumps({**obj, "i64": 7}, separators=(",", ":"))  # json has no int64
    assert ours == expected  # same text: sorted keys, compact, HTTP dates, strings
    assert "拱墅区" in ours  # UTF-8, not \\u escapes
    assert list(json.loads(ours)) == sorted(obj)


def test_not_a_number_becomes_null(app) -> None:  # type: ignore[no-untyped-def]
    # Python's json writes NaN, which no JSON parser accepts
    assert json.loads(app.json.dumps({"d": float("nan")})) == {"d": None}


def test_responses_are_utf8_json(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/locate?lon=abc&lat=30.3")
    assert r.status_code == 400
    assert r.mimetype == "application/json"
    r = client.get("/open311/v2/services.json")
    assert r.status_code == 200
    assert r.mimetype == "application/json"
    assert '"service_name":"市容环境"'.encode() in r.data  # compact, unescaped
    assert {"city_appearance", "parking"} <= {s["service_code"] for s in r.get_json()}
