"""The Prometheus counters the app keeps (served at /metrics, webmap/observe.py). With several
gunicorn workers each writes to PROMETHEUS_MULTIPROC_DIR, which must be set before this module
is first imported (`gridmap serve` sets it)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "gridmap_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "gridmap_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CASES = Counter("gridmap_cases_taken_in_total", "Cases taken in", ["channel"])
DB_ERRORS = Counter("gridmap_database_errors_total", "Database errors answered 503", ["kind"])
TILES = Counter("gridmap_tile_cache_total", "Vector tile requests by the cache", ["result"])
