"""The pages' scripts get their words (labels, indicator names, categories, moves) from the
page configuration, built from the vocabularies: no script keeps a copy that could drift."""

from __future__ import annotations

import re
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


def test_a_page_is_kept_until_what_it_shows_changes(app, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A page asked for again is the one built (its data's version read, no Folium); a change
    to what it shows (a facility kind added) builds it again at once, with the change; so does
    the minute's end (the static files it names); another role's is its own."""
    from sqlalchemy import text

    from tests.conftest import keyed
    from webmap import pages

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
    config = re.search(r'<script src="(/pages/cockpit/0-[^"]+)"', after)
    assert config is not None
    assert "试验设施" in admin.get(config.group(1)).get_data(as_text=True)
    old = re.search(r'<script src="(/pages/cockpit/0-[^"]+)"', first.get_data(as_text=True))
    assert old is not None
    assert "试验设施" not in admin.get(old.group(1)).get_data(as_text=True)
    monkeypatch.setattr(pages, "REBUILT_S", 0.0)
    assert admin.get("/cockpit").status_code == 200
    assert pages.builds == before + 3
