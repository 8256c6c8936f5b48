"""The month's evaluation as a workbook (`gridmap report`, GET /api/v1/stats/evaluation/export):
a sheet per level, ranked, with Chinese headers, and a sheet of the definitions."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from data.export import workbook
from geo.evaluation.evaluation import evaluate
from geo.evaluation.words import INDICATORS, LEVEL_LABELS, LEVELS


def evaluation_workbook(session: Session, period: str, areas: list[str] | None) -> bytes:
    sheets: dict[str, pd.DataFrame] = {}
    definitions: dict[str, dict[str, str]] = {}
    for level in LEVELS:
        answer = evaluate(session, level, period, areas)
        definitions = answer["definitions"]
        keys = [k for k in INDICATORS if any(k in e["indicators"] for e in answer["entities"])]
        rows = [
            {
                "排名": e["rank"],
                "编码": e["code"],
                "名称": e["name"],
                "综合得分": e["score"],
                f"较 {answer['previous']}": e["change"],
                **{INDICATORS[k][0]: e["indicators"].get(k) for k in keys},
            }
            for e in answer["entities"]
        ]
        columns = ["排名", "编码", "名称", "综合得分", f"较 {answer['previous']}"]
        columns += [INDICATORS[k][0] for k in keys]
        sheets[LEVEL_LABELS[level]] = pd.DataFrame(rows, columns=columns)
    sheets["指标定义"] = pd.DataFrame(
        [{"指标": d["name"], "定义": d["definition"]} for d in definitions.values()],
        columns=["指标", "定义"],
    )
    return workbook(sheets)
