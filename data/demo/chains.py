"""The demo's party organisations of the business side (issue #32): a governance committee
(楼宇治理委员会, 党组织—楼委会—物业) for every business building, spanning its firms, under its
business community's branch; and 凤栖谷商务社区's three industry-chain branches (生物医药, 医疗器械,
科创平台: the seed), each spanning the community's firms along its chain."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

FENGQIGU = "凤栖谷商务社区"
# each chain branch and the firm industries (data/demo/business.py INDUSTRIES) along it
CHAINS = (
    ("生物医药产业链党支部", ("生命健康",)),
    ("医疗器械产业链党支部", ("生命健康", "科技咨询")),
    ("科创平台产业链党支部", ("人工智能", "信息技术", "软件和信息服务", "科技咨询")),
)


def build_building_party_orgs(session: Session) -> dict[str, int]:
    session.execute(
        text(
            "INSERT INTO party_orgs (code, name, kind, parent_code, area_kind, area_code) "
            "SELECT 'LWH' || b.code, b.name || '楼宇治理委员会', 'building_committee', "
            "p.code, 'building', b.code FROM buildings b "
            "LEFT JOIN party_orgs p ON p.code = 'DZB' || b.business_community_code "
            "ON CONFLICT (code) DO NOTHING"
        )
    )
    session.execute(
        text(
            "INSERT INTO party_org_firms (org_code, firm_code) "
            "SELECT 'LWH' || f.building_code, f.code FROM firms f ON CONFLICT DO NOTHING"
        )
    )
    bc = session.execute(
        text("SELECT code FROM business_communities WHERE name = :n"), {"n": FENGQIGU}
    ).scalar()
    chains = 0
    if bc is not None:
        for i, (name, industries) in enumerate(CHAINS, start=1):
            code = f"CL{bc}{i}"
            session.execute(
                text(
                    "INSERT INTO party_orgs (code, name, kind, parent_code, area_kind, "
                    "area_code) SELECT :c, :n, 'chain_branch', p.code, 'business_community', :bc "
                    "FROM (SELECT 1) one LEFT JOIN party_orgs p ON p.code = 'DZB' || :bc "
                    "ON CONFLICT (code) DO NOTHING"
                ),
                {"c": code, "n": name, "bc": bc},
            )
            # the chain's firms, one in two of those a neighbouring chain shares
            session.execute(
                text(
                    "INSERT INTO party_org_firms (org_code, firm_code) "
                    "SELECT :c, f.code FROM firms f JOIN buildings b ON b.code = f.building_code "
                    "WHERE b.business_community_code = :bc AND f.industry = ANY(:ind) "
                    "AND (cardinality(:ind) = 1 OR f.industry <> '生命健康' "
                    "     OR get_byte(decode(md5(f.code), 'hex'), 0) % 2 = 1) "
                    "ON CONFLICT DO NOTHING"
                ),
                {"c": code, "bc": bc, "ind": list(industries)},
            )
            chains += 1
    committees = session.execute(
        text("SELECT count(*) FROM party_orgs WHERE kind = 'building_committee'")
    ).scalar_one()
    return {"building_committees": int(committees), "chain_branches": chains}
