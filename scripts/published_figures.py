"""Print the published figures the demo reproduces (issue #17), as the API returns them: run
after `gridmap demo`, against the database `make run` serves (or DATABASE_URL)."""

import json

from geo.settings import load_settings
from ops.database import resolve_url
from webmap import create_app

s = load_settings()
app = create_app({"DATABASE_URL": resolve_url(s), "SETTINGS": s})
c = app.test_client()
c.environ_base["HTTP_X_API_KEY"] = s.demo_key


def get(p):
    r = c.get(p)
    assert r.status_code == 200, (p, r.status_code, r.get_data(as_text=True)[:200])
    return r.get_json()


res = get("/api/v1/stats/residential")
print("GET /api/v1/stats/residential")
for k in (
    "committee_formation",
    "owners_committee",
    "property_coverage_old",
    "service_level_old",
    "elevators_added",
    "elevators_renewed",
    "reelections_due",
):
    print(f"  {k}: {res[k]}")
print(
    "  open_cases_per_100_households:",
    json.dumps(res["open_cases_per_100_households"], ensure_ascii=False),
)
st = get("/api/v1/stats/residential?street=330105016")
print(
    "GET ?street=330105016 (朝晖):",
    st["compounds"],
    "compounds, committee_formation",
    st["committee_formation"],
)
(p,) = get("/api/v1/renewal/projects")
print("GET /api/v1/renewal/projects:", json.dumps(p, ensure_ascii=False))
d = get(f"/api/v1/renewal/projects/{p['id']}")
print(
    "  groups:",
    json.dumps(
        [
            (g["name"], len(g["buildings"]), g["households"], g["signed"], g["rate_pct"])
            for g in d["groups"]
        ],
        ensure_ascii=False,
    ),
)
print("  daily first/last:", d["daily"][0], d["daily"][-1])
m = get("/api/v1/stats/meetings")
print("GET /api/v1/stats/meetings:", json.dumps(m, ensure_ascii=False))
hh = get("/api/v1/search?q=河罕上街区")["results"][0]["code"]
red = [x for x in get(f"/api/v1/meetings?place_code={hh}") if x["kind"] == "红茶议事会"]
print("河罕上街区 红茶议事会:", len(red), [x["topic"] for x in red])
dh = get("/api/v1/search?q=大浒东苑BC区")["results"][0]["code"]
print(
    "大浒东苑BC区 fee-reform meetings:",
    len(
        [x for x in get(f"/api/v1/meetings?place_code={dh}") if x["topic"].startswith("酬金制改革")]
    ),
)
