"""Settings: every tunable, read once from the environment into one frozen object.

Nothing else reads the environment for these, and no function default repeats one: the app
keeps the object it was created with (webmap/__init__.py), the command line loads it once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    """External database; None means the project-managed local cluster under var_dir."""
    database_url_read: str | None
    """A streaming replica of it for map layers, tiles, statistics and the OGC API; None: all
    reads on the primary."""
    var_dir: Path
    pg_port: int
    port: int
    demo_key: str
    snap_distance_m: float
    """A point outside every grid goes to the nearest within this many metres (geodesic)."""
    duplicate_radius_m: float
    """An open case of the same category this close (geodesic metres) …"""
    duplicate_window_h: float
    """… and reported within these many hours is a possible duplicate."""
    basemap: str
    """`none` (offline), an intranet tile URL template, `tianditu:<key>` or `amap`."""
    basemap_attribution: str
    district_name: str
    district_bounds: tuple[float, float, float, float]
    """WGS84 minlon, minlat, maxlon, maxlat shown when the database has no grids yet."""
    max_body_bytes: int
    """Largest request body read, except a batch file's (HTTP 413 beyond)."""
    max_batch_bytes: int
    max_upload_bytes: int  # a request carrying photos: a case's report with them, one photo
    """Largest batch file read by POST /api/v1/cases/batch."""
    request_budget_s: float
    """Longest a request's database statement may run before it is cancelled and the request
    answered 503 (below gunicorn's 30 s worker timeout); a batch import has none."""
    patrol_keep_days: int
    """Patrols (tracks) older than this many days are purged."""
    warning_p: float
    """事件预警: a community × category's day is a spike when its count's Poisson upper tail
    against its own baseline is below this."""
    session_hours: float
    """How long a sign-in lasts (the session cookie and its server-side record)."""
    audit_days: float
    """How long audit entries are kept (`gridmap audit --purge` deletes older ones)."""
    auth_proxy_header: str | None
    """A header naming the signed-in user, set by the government's unified identity service
    (统一身份认证) in front of us, e.g. X-Remote-User; None: no such service."""
    auth_proxy_from: tuple[str, ...]
    """Addresses that header is trusted from (the proxy's); from anywhere else it is ignored."""
    trusted_proxies: tuple[str, ...]
    """Reverse proxies in front of us whose `X-Forwarded-For` is believed: a request through
    one is counted (sign-in throttling, rate limits, logs) by the client address the proxy
    saw, not the proxy's; () (the default): the connection's own address, and the header is
    ignored."""
    oidc_issuer: str | None
    """The identity service's OpenID Connect issuer URL (its discovery document lives under
    it); None: no OIDC sign-in."""
    oidc_client_id: str | None
    oidc_client_secret: str | None
    oidc_username_claim: str
    """The ID token claim naming the account (`preferred_username` by default)."""
    secret_key: str | None
    """Signs the short-lived OIDC sign-in state; when unset, a random one is kept in the data
    folder (set it when several machines serve the platform)."""
    read_timeout_s: float
    """Longest a client may take to send a whole request, head and body (ops/worker.py); a
    slower one is cut off."""
    send_timeout_s: float
    """Longest a client may take to take an answer, from its first byte (ops/worker.py); a
    slower one is cut off."""
    send_buffer_mb: int
    """Memory each serving process may hold for answers their clients have not yet taken, so
    a slow reader holds no thread (ops/worker.py)."""
    rate_limit: str | None
    """Requests per caller without an API key, e.g. `300 per minute`; None (`off`): no limit."""
    rate_limit_keyed: str
    """Requests per API key."""
    metrics_from: tuple[str, ...]
    """Addresses /metrics answers (Prometheus); others get 403."""
    tile_cache_mb: int
    """Memory each serving process keeps for vector tiles (webmap/tile_cache.py); 0: none."""
    tile_disk_mb: int
    """Disk the serving processes of this host share for vector tiles, under var_dir/tiles
    (webmap/tile_cache.py); 0: none."""
    coverage_reach_m: float
    """How far the stored walking distances reach (metres): the longest coverage threshold.
    Twice the 15-minute life circle of GB 50180-2018 (1000 m) by default; changing it
    rebuilds the coverage tables at the next `gridmap migrate` (or queued rebuild)."""

    @property
    def pg_dir(self) -> Path:
        return self.var_dir / "pg"


def _bounds(text: str) -> tuple[float, float, float, float]:
    parts = [float(v) for v in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"GRIDMAP_DISTRICT_BOUNDS must be minlon,minlat,maxlon,maxlat: {text!r}")
    return parts[0], parts[1], parts[2], parts[3]


def default_var_dir(env: dict[str, str]) -> Path:
    """The data folder (the private cluster, the secret key): var/ of a source checkout (the
    development loop), else the user's data folder, $XDG_DATA_HOME or ~/.local/share, /gridmap;
    never inside an installed package."""
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "geo" / "settings.py").is_file():
        return REPO_ROOT / "var"
    return Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "gridmap"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    e = dict(os.environ) if env is None else env
    return Settings(
        database_url=e.get("DATABASE_URL") or None,
        database_url_read=e.get("DATABASE_URL_READ") or None,
        var_dir=Path(e["GRIDMAP_VAR"]) if e.get("GRIDMAP_VAR") else default_var_dir(e),
        pg_port=int(e.get("GRIDMAP_PG_PORT", "54329")),
        port=int(e.get("PORT", "5000")),
        demo_key=e.get("GRIDMAP_DEMO_KEY", "demo-key"),
        snap_distance_m=float(e.get("GRIDMAP_SNAP_M", "100")),
        duplicate_radius_m=float(e.get("GRIDMAP_DUPLICATE_M", "250")),
        duplicate_window_h=float(e.get("GRIDMAP_DUPLICATE_HOURS", "72")),
        basemap=e.get("GRIDMAP_BASEMAP", "none"),
        basemap_attribution=e.get("GRIDMAP_BASEMAP_ATTRIBUTION", "底图"),
        district_name=e.get("GRIDMAP_DISTRICT_NAME", "拱墅区"),
        district_bounds=_bounds(e.get("GRIDMAP_DISTRICT_BOUNDS", "119.9,30.1,120.4,30.5")),
        coverage_reach_m=float(e.get("GRIDMAP_COVERAGE_REACH_M", "2000")),
        tile_cache_mb=int(e.get("GRIDMAP_TILE_CACHE_MB", "64")),
        tile_disk_mb=int(e.get("GRIDMAP_TILE_DISK_MB", "512")),
        metrics_from=tuple(
            a.strip() for a in e.get("GRIDMAP_METRICS_FROM", "127.0.0.1,::1").split(",")
        ),
        request_budget_s=float(e.get("GRIDMAP_REQUEST_BUDGET_S", "20")),
        read_timeout_s=float(e.get("GRIDMAP_READ_TIMEOUT_S", "60")),
        send_timeout_s=float(e.get("GRIDMAP_SEND_TIMEOUT_S", "300")),
        send_buffer_mb=int(e.get("GRIDMAP_SEND_BUFFER_MB", "256")),
        session_hours=float(e.get("GRIDMAP_SESSION_HOURS", "12")),
        audit_days=float(e.get("GRIDMAP_AUDIT_DAYS", "180")),
        auth_proxy_header=e.get("GRIDMAP_AUTH_PROXY_HEADER") or None,
        oidc_issuer=e.get("GRIDMAP_OIDC_ISSUER") or None,
        oidc_client_id=e.get("GRIDMAP_OIDC_CLIENT_ID") or None,
        oidc_client_secret=e.get("GRIDMAP_OIDC_CLIENT_SECRET") or None,
        oidc_username_claim=e.get("GRIDMAP_OIDC_USERNAME_CLAIM", "preferred_username"),
        secret_key=e.get("GRIDMAP_SECRET_KEY") or None,
        auth_proxy_from=tuple(
            a.strip() for a in e.get("GRIDMAP_AUTH_PROXY_FROM", "127.0.0.1,::1").split(",")
        ),
        trusted_proxies=tuple(
            a.strip() for a in e.get("GRIDMAP_TRUSTED_PROXIES", "").split(",") if a.strip()
        ),
        rate_limit=None
        if e.get("GRIDMAP_RATE_LIMIT", "300 per minute").lower() == "off"
        else e.get("GRIDMAP_RATE_LIMIT", "300 per minute"),
        rate_limit_keyed=e.get("GRIDMAP_RATE_LIMIT_KEYED", "3000 per minute"),
        max_body_bytes=int(e.get("GRIDMAP_MAX_BODY_BYTES", str(1 << 20))),
        max_batch_bytes=int(e.get("GRIDMAP_MAX_BATCH_BYTES", str(256 << 20))),
        max_upload_bytes=int(e.get("GRIDMAP_MAX_UPLOAD_BYTES", str(32 << 20))),
        patrol_keep_days=int(e.get("GRIDMAP_PATROL_DAYS", "90")),
        warning_p=float(e.get("GRIDMAP_WARNING_P", "0.01")),
    )
