/* A compound's panel, on every page: click a compound and its three parties (居委会, 业委会 or
   物管委, 物业), party branch, commissioner, residential buildings with their lifts and
   stairwell branches, and open cases. Text only ever as textContent. */
(function () {
  "use strict";
  const gm = window.gridmap;
  function table(rows) {
    const t = gm.el("table");
    for (const [label, value] of rows) {
      if (value == null || value === "") continue;
      const tr = gm.el("tr");
      tr.appendChild(gm.el("th", null, label));
      tr.appendChild(gm.el("td", null, value));
      t.appendChild(tr);
    }
    return t;
  }
  function render(c) {
    let box = document.getElementById("gm-compound");
    if (!box) {
      box = gm.el("div", "gm-compound");
      box.id = "gm-compound";
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const close = gm.el("button", "gm-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "关闭");
    close.addEventListener("click", () => box.remove());
    box.appendChild(close);
    box.appendChild(gm.el("h3", null, c.name));
    box.appendChild(gm.el("div", "gm-muted", `${c.compound_type} · ${c.households} 户 · ${c.community.name}`));
    const p = c.three_parties, oc = p.owners_committee, pr = p.property;
    box.appendChild(gm.el("h4", null, "三方协同"));
    box.appendChild(table([
      ["居委会", p.residents_committee.name],
      ["业主组织", oc.kind + (oc.name ? ` · ${oc.name}` : "")],
      ["届期", oc.term_start ? `${oc.term_start} 至 ${oc.term_end || ""}` : null],
      ["物业", pr.company],
      ["服务等级", pr.level ? pr.level + "级" : "未评级"],
      ["收费模式", pr.fee_model],
      ["小区党支部", p.party_org && p.party_org.name],
      ["小区专员", p.commissioner],
      ["在办案件", c.open_cases],
    ]));
    const homes = c.residential_buildings || [];
    if (homes.length) {
      box.appendChild(gm.el("h4", null, `住宅楼幢（${homes.length}）`));
      const t = gm.el("table", "gm-homes");
      const head = gm.el("tr");
      for (const h of ["楼幢", "单元", "层", "户", "电梯", "楼道党支部"]) head.appendChild(gm.el("th", null, h));
      t.appendChild(head);
      for (const b of homes) {
        const tr = gm.el("tr");
        const lift = b.elevator.state === "无" ? "无" : `${b.elevator.state}${b.elevator.count}台`;
        for (const v of [b.name, b.units, b.floors, b.households, lift, b.stairwell_branch ? "✓" : ""]) {
          tr.appendChild(gm.el("td", null, v == null ? "" : v));
        }
        t.appendChild(tr);
      }
      box.appendChild(t);
    }
    const meetings = c.meetings || [];
    if (meetings.length) {
      box.appendChild(gm.el("h4", null, "近期议事"));
      box.appendChild(table(meetings.map((m) => [m.date, `${m.kind} · ${m.topic}（${m.status_label}）`])));
    }
    for (const p of c.renewal_projects || []) {
      const a = gm.el("a", "gm-link", `有机更新：${p.name}（签约率 ${p.rate_pct}%）→`);
      a.href = "/renewal/" + encodeURIComponent(p.id);
      box.appendChild(a);
    }
    box.dataset.code = c.code;
  }
  gm.showCompound = function (code) {
    return fetch("/api/v1/compounds/" + encodeURIComponent(code)).then((r) => {
      if (!r.ok) throw new Error("compound " + r.status);
      return r.json();
    }).then(render);
  };
  gm.onSelect.compounds = (props) => gm.showCompound(props.code);
})();
