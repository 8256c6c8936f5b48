"""The pages' scripts get their words (labels, indicator names, categories, moves) from the
page configuration, built from the vocabularies: no script keeps a copy that could drift."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

from geo.business.words import NEED_CATEGORIES, NEED_KINDS, VISIT_STATUSES
from geo.cases.desk import QUEUES
from geo.cases.offers import STEP_LABELS
from geo.cases.words import EVENT_LABELS, NOTICE_LABELS, STAGE_LABELS
from geo.vocabulary import MOVE_LABELS, STATUS_LABELS
from layers.registry import RESIDENTIAL_INDICATORS
from webmap.pages import page_words

SCRIPTS = Path(__file__).resolve().parents[2] / "webmap" / "static" / "gridmap"
WORDS = {
    *(c for cs in NEED_CATEGORIES.values() for c in cs),
    *NEED_KINDS.values(),
    *VISIT_STATUSES.values(),
    *(label for _, label in RESIDENTIAL_INDICATORS),
    *MOVE_LABELS.values(),
    *STATUS_LABELS.values(),
    *STEP_LABELS.values(),
    *QUEUES.values(),
    *EVENT_LABELS.values(),
    *NOTICE_LABELS.values(),
    *STAGE_LABELS.values(),
}


def test_no_page_script_keeps_a_copy_of_the_vocabulary() -> None:
    scripts = sorted(SCRIPTS.glob("*.js"))
    assert len(scripts) >= 5
    for js in scripts:
        quoted = set(re.findall(r"[\"'`]([^\"'`]+)[\"'`]", js.read_text(encoding="utf-8")))
        assert not (quoted & WORDS), (js.name, sorted(quoted & WORDS))


def test_the_worker_page_gets_the_case_panels_words_and_its_to_do_queues() -> None:
    worker, desk = page_words("worker"), page_words("desk")
    assert worker == desk  # one case panel (casepanel.js) on both pages
    assert [q for q, _ in worker["workerQueues"]] == [
        "to_accept",
        "in_hand",
        "to_verify",
        "yellow",
        "red",
        "supervised",
    ]
    assert all(label == QUEUES[q] for q, label in worker["workerQueues"])
    assert worker["steps"] == STEP_LABELS


def test_the_visits_page_gets_the_three_lists_words_and_the_cockpit_its_indicators() -> None:
    visits = page_words("visits")
    assert visits["needCategories"] == NEED_CATEGORIES
    assert visits["needKinds"] == NEED_KINDS
    assert visits["visitStatuses"] == VISIT_STATUSES
    assert page_words("cockpit")["indicators"] == [list(i) for i in RESIDENTIAL_INDICATORS]


def test_made_up_page_script_digests_do_not_each_build_the_page(app) -> None:  # type: ignore[no-untyped-def]
    """A script asked for by a digest this process does not hold is served from one rebuild
    of its page; more made-up digests within the minute cost no further build."""
    from tests.conftest import keyed
    from webmap import pages

    c = keyed(app, "admin-key")
    before = pages.builds
    codes = [c.get(f"/pages/cockpit/0-{i:032x}.js").status_code for i in range(5)]
    assert codes == [200] * 5
    assert pages.builds - before == 1


def test_a_page_is_kept_until_what_it_shows_changes(app, session, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page asked for again is the one built (its data's version read, no Folium); a change
    to what it shows (a facility kind added) builds it again at once, with the change; so does
    an edit to a static file it names; another role's is its own."""
    from sqlalchemy import text

    from tests.conftest import keyed
    from webmap import bundles, pages

    admin, dispatch = keyed(app, "admin-key"), keyed(app, "dispatch-key")
    first = admin.get("/cockpit")
    assert first.status_code == 200
    before = pages.builds
    assert admin.get("/cockpit").data == first.data
    assert pages.builds == before
    assert dispatch.get("/cockpit").status_code == 200  # the street account's own
    assert pages.builds == before + 1
    session.execute(
        text("INSERT INTO facility_kinds (code, name) VALUES ('kept_test', '试验设施')")
    )
    session.flush()
    after = admin.get("/cockpit").get_data(as_text=True)
    assert pages.builds == before + 2
    config = re.compile(r'<script type="application/json" id="gridmap-config">(.*?)</script>')
    now, then = config.search(after), config.search(first.get_data(as_text=True))
    assert now is not None
    assert then is not None
    assert "试验设施" in now.group(1)  # the page config's facility kinds
    assert "试验设施" not in then.group(1)
    # a static file the page names is edited: its bundle's name changes, and the page with it
    static = tmp_path / "static"
    static.mkdir()
    (static / "vendor").symlink_to(bundles.STATIC / "vendor")
    shutil.copytree(bundles.STATIC / "gridmap", static / "gridmap")
    monkeypatch.setattr(bundles, "STATIC", static)
    assert admin.get("/cockpit").data == after.encode()  # the same files, the same bundles
    assert pages.builds == before + 2
    with (static / "gridmap" / "cockpit.js").open("a") as edited:
        edited.write("\n// edited\n")
    edited_page = admin.get("/cockpit").get_data(as_text=True)
    assert pages.builds == before + 3
    bundle = re.findall(r'src="(/static/bundle/[^"]+)"', edited_page)[-1]
    assert bundle not in after
    assert admin.get(bundle).get_data(as_text=True).rstrip().endswith("// edited")


def test_a_page_built_by_one_serving_process_is_served_by_the_others(  # type: ignore[no-untyped-def]
    db_url: str, connection, session, tmp_path: Path
) -> None:
    """Two apps (two serving processes) sharing one folder: the page one built, the other
    serves without building it, and its scripts too; a change to what it shows builds it again
    (once), and the old file is not served."""
    from sqlalchemy import text

    from tests.conftest import keyed, make_app
    from tests.fixtures import SETTINGS
    from webmap import pages
    from webmap.shared_pages import SharedPages

    apps = [make_app(db_url, connection, SETTINGS) for _ in range(2)]
    for a in apps:  # a test's app shares nothing by itself (its connection sees its own writes)
        a.extensions["gridmap.shared_pages"] = SharedPages(tmp_path / "pages")
    one, two = (keyed(a, "admin-key") for a in apps)
    before = pages.builds
    built = one.get("/planner")
    assert built.status_code == 200
    assert pages.builds == before + 1
    assert len(list((tmp_path / "pages").iterdir())) == 1
    served = two.get("/planner")
    assert served.data == built.data
    assert pages.builds == before + 1
    pages._SCRIPTS.clear()  # neither process holds the scripts in memory: the folder has them
    for src in re.findall(r'src="(/pages/planner/[^"]+)"', built.get_data(as_text=True)):
        assert two.get(src).status_code == 200
    assert pages.builds == before + 1
    session.execute(
        text("INSERT INTO facility_kinds (code, name) VALUES ('shared_test', '共享试验')")
    )
    session.flush()
    again = two.get("/planner").get_data(as_text=True)
    assert "共享试验" in again  # in the page config
    for src in re.findall(r'src="(/pages/planner/[^"]+)"', again):  # and its script is served
        assert two.get(src).status_code == 200
    assert pages.builds == before + 2
    assert one.get("/planner").get_data(as_text=True) == again  # the other's, not its old one
    assert pages.builds == before + 2
    # a process of other settings (a basemap in GCJ-02) on the same host builds its own
    amap = make_app(db_url, connection, dataclasses.replace(SETTINGS, basemap="amap"))
    amap.extensions["gridmap.shared_pages"] = SharedPages(tmp_path / "pages")
    theirs = keyed(amap, "admin-key").get("/planner").get_data(as_text=True)
    assert pages.builds == before + 3
    assert theirs != again
    assert '"displayCrs": "gcj02"' in theirs
