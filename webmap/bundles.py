"""A page's scripts and stylesheets as one file each: /static/bundle/<digest>.js and .css.

A page used to ask for eleven files at once (Leaflet, its plugins, ours, their stylesheets):
each a request for the browser and the server to handle while the page waits, the page's map
script last in line. Now it asks for two: its scripts (those every map page runs, then its
own) and their stylesheets. A bundle is the files joined in their order (a stylesheet's
relative url()s made absolute, since it is served from another folder, or the image itself
as a data: URI when under INLINE_BYTES), named by the digest of its bytes: it never changes
under its name, so it is cached for a year.

Any serving process answers for any bundle: one it has not made yet is one of the pages' lists
(page_assets), made on the first request for it. The files' modification times are part of
the key, so an edited file makes a new bundle at the next page build.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import posixpath
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from flask import Blueprint, Response, abort, request

from layers.pages import PAGES
from webmap.map_elements import LOCAL_CSS, LOCAL_JS

STATIC = Path(__file__).parent / "static"
YEAR = 365 * 24 * 3600

bp = Blueprint("bundles", __name__)


class Bundle(NamedTuple):
    body: bytes
    gz: bytes
    mimetype: str


_bundles: dict[str, Bundle] = {}  # name -> bundle
_names: dict[tuple[tuple[str, int, int], ...], str] = {}  # the files, as they are -> name
_lock = threading.Lock()

# a stylesheet's url(...) naming a file beside it (not data:, not absolute, not #fragment)
_RELATIVE = re.compile(r"""url\(\s*(['"]?)(?![a-z][a-z0-9+.-]*:|/|#)([^'")]+)\1\s*\)""", re.I)
# an image named by a stylesheet and smaller than this is written into it (data:): its own
# request would cost the page more than its bytes (Leaflet's layer control icon, 696 bytes)
INLINE_BYTES = 1024
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=[^*]*\*/", re.M)


def page_assets(page: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A page's files, as URL paths: its scripts (those every map page runs, then its own: ours
    by name, a vendored one by its path) and their stylesheets."""
    own = tuple(
        f"/static/{name}.js" if "/" in name else f"/static/gridmap/{name}.js"
        for name in (*PAGES[page].scripts, page)
    )
    return (*(p for _, p in LOCAL_JS), *own), tuple(p for _, p in LOCAL_CSS)


def url(paths: tuple[str, ...]) -> str:
    """The URL of one file holding the files at `paths` (URL paths under /static/, all .js or
    all .css), joined in their order."""
    files = tuple((p, *_stamp(p)) for p in paths)
    with _lock:
        name = _names.get(files)
    if name is None:
        name = _make(paths, files)
    return f"/static/bundle/{name}"


def _stamp(path: str) -> tuple[int, int]:
    st = _file(path).stat()
    return st.st_mtime_ns, st.st_size


def _file(path: str) -> Path:
    if not path.startswith("/static/") or ".." in path:
        raise ValueError(f"not a static file: {path}")
    return STATIC / path.removeprefix("/static/")


def _make(paths: tuple[str, ...], files: tuple[tuple[str, int, int], ...]) -> str:
    ext = posixpath.splitext(paths[0])[1]
    if ext not in (".js", ".css") or any(posixpath.splitext(p)[1] != ext for p in paths):
        raise ValueError(f"a bundle is of scripts or of stylesheets: {paths}")
    parts = []
    for path in paths:
        text = _SOURCE_MAP.sub("", _file(path).read_text(encoding="utf-8"))
        if ext == ".css":
            text = _RELATIVE.sub(functools.partial(_image, folder=posixpath.dirname(path)), text)
        parts.append(f"/* {path} */\n{text}\n")
    # a script that ends without its semicolon must not run into the next
    body = (";\n" if ext == ".js" else "\n").join(parts).encode()
    name = hashlib.sha256(body).hexdigest()[:32] + ext
    mimetype = "text/javascript" if ext == ".js" else "text/css"
    made = Bundle(body, gzip.compress(body, compresslevel=6), mimetype)
    with _lock:
        _bundles.setdefault(name, made)
        _names[files] = name
    return name


def _image(m: re.Match[str], folder: str) -> str:
    """A stylesheet's url(...) of a file beside it: from the site root, or written in."""
    path = posixpath.normpath(f"{folder}/{m.group(2)}")
    kind = _IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())
    found = _file(path)
    if kind is not None and found.is_file() and found.stat().st_size < INLINE_BYTES:
        return f"url(data:{kind};base64,{base64.b64encode(found.read_bytes()).decode()})"
    return f"url({m.group(1)}{path}{m.group(1)})"


def _every_list() -> Iterator[tuple[str, ...]]:
    for page in PAGES:
        yield from page_assets(page)


def make_every_bundle() -> None:
    """The bundles of every page's lists, made in this process (those made already kept)."""
    for paths in set(_every_list()):
        url(paths)


@bp.get("/static/bundle/<name>")
def bundle(name: str) -> Response:
    with _lock:
        found = _bundles.get(name)
    if found is None:  # made by another process: make the pages' lists here
        make_every_bundle()
        with _lock:
            found = _bundles.get(name)
    if found is None:
        abort(404, f"no bundle {name!r}")
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = name.split(".")[0] + ("z" if gzipped else "")  # one per representation
    if request.if_none_match.contains(etag):
        resp = Response(status=304)
    else:
        resp = Response(found.gz if gzipped else found.body, mimetype=found.mimetype)
        if gzipped:
            resp.headers["Content-Encoding"] = "gzip"
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    resp.vary.add("Accept-Encoding")
    return resp
