// The sign-in page: POST /api/v1/session, then the page asked for (or the role's own), after
// a first-use password change when the account must change it.
(function () {
  "use strict";
  const HOME = { admin: "/cockpit", command: "/cockpit", street: "/cockpit", community: "/worker",
    grid_worker: "/worker", compound_commissioner: "/worker", building_commissioner: "/worker", planner: "/planner" };
  const $ = (id) => document.getElementById(id);
  const say = (text) => { $("gm-login-message").textContent = text || ""; };
  let account = null, oldPassword = "";
  function next() {
    const n = new URLSearchParams(location.search).get("next");
    // only a page of this site: the target is resolved as the browser would resolve it
    // ("/\\host" is another host to it) and its origin compared, never a prefix test
    let target = null;
    try {
      const u = new URL(n || "", location.href);
      if (n && u.origin === location.origin) target = u.pathname + u.search + u.hash;
    } catch (e) { target = null; }
    location.assign(target || HOME[account.role] || "/");
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)gridmap_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  $("gm-signin").addEventListener("submit", (e) => {
    e.preventDefault();
    say("");
    oldPassword = $("gm-password").value;
    fetch("/api/v1/session", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("gm-username").value.trim(), password: oldPassword }) })
      .then((r) => r.json().then((out) => ({ ok: r.ok, out: out })))
      .then(({ ok, out }) => {
        if (!ok) { say(out.message || "登录失败"); return; }
        account = out;
        if (out.must_change_password) { $("gm-signin").hidden = true; $("gm-change").hidden = false; $("gm-new").focus(); return; }
        next();
      }).catch(() => say("无法连接服务器"));
  });
  $("gm-change").addEventListener("submit", (e) => {
    e.preventDefault();
    if ($("gm-new").value !== $("gm-new2").value) { say("两次输入的密码不一致"); return; }
    fetch("/api/v1/session/password", { method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({ old_password: oldPassword, new_password: $("gm-new").value }) })
      .then((r) => r.json().then((out) => ({ ok: r.ok, out: out })))
      .then(({ ok, out }) => { if (!ok) { say(out.message || "修改失败"); return; } next(); })
      .catch(() => say("无法连接服务器"));
  });
})();
