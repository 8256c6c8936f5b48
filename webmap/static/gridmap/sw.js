/* gridmap's service worker (issue #30): the worker's page works with no signal, and opens at
   once on a weak one. Assets under /static/ and the page's own scripts (/pages/…, named by
   their content's digest) come from the cache of this version (a new deployment serves a new
   VERSION, and the old caches go); the page itself comes from its last copy while a fresh one
   is fetched for the next visit (its scripts are those of the copy: they match); the API's
   reads go to the network first and fall back to their last copy. Writes never pass through
   here: the page's outbox (outbox.js) keeps them. Signing out clears both caches
   (Clear-Site-Data, and a message). */
"use strict";
const VERSION = "__VERSION__";
const SHELL = "gridmap-shell-" + VERSION;
const DATA = "gridmap-data-" + VERSION;
const SLOW_MS = 6000; // a weak signal: after this, the last copy if there is one

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== DATA).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener("message", (e) => {
  if (e.data === "forget") e.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))));
});

function fromCacheFirst(req) {
  return caches.open(SHELL).then((c) => c.match(req).then((hit) => hit || fetch(req).then((r) => {
    if (r.ok) c.put(req, r.clone());
    return r;
  })));
}
function fromNetworkFirst(req) {
  return caches.open(DATA).then((c) => {
    const net = fetch(req).then((r) => {
      if (r.ok && r.type === "basic") c.put(req, r.clone());
      return r;
    });
    const slow = new Promise((ok) => setTimeout(ok, SLOW_MS)).then(() => c.match(req)).then((hit) => hit || net);
    return Promise.race([net, slow]).catch(() => c.match(req).then((hit) => {
      if (hit) return hit;
      return new Response(JSON.stringify({ error: "offline", message: "没有网络，且此前未保存过这些内容" }), {
        status: 503, headers: { "Content-Type": "application/json; charset=utf-8" },
      });
    }));
  });
}
// The last copy now, a fresh one kept for the next time (none yet: the network's).
function fromLastCopy(req) {
  return caches.open(DATA).then((c) => c.match(req).then((hit) => {
    const fresh = fetch(req).then((r) => {
      if (r.ok && r.type === "basic" && !r.redirected) c.put(req, r.clone());
      return r;
    });
    if (!hit) return fresh.catch(() => fromNetworkFirst(req));
    fresh.catch(() => null);
    return hit;
  }));
}
self.addEventListener("fetch", (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/sw.js" || url.pathname === "/login" || url.pathname.startsWith("/api/v1/session")) return;
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/pages/")) e.respondWith(fromCacheFirst(req));
  else if (req.mode === "navigate" && url.pathname === "/worker") e.respondWith(fromLastCopy(req));
  else e.respondWith(fromNetworkFirst(req));
});
