"""Photos of cases: checked by their content (JPEG, PNG, WebP, at most 10 MB and 9 a stage),
stored once by their SHA-256 with a copy stripped of every metadata (what anyone but staff
gets: a phone's photo carries its position) and a thumbnail; the EXIF position kept apart, for
staff, as the photo's place."""

from __future__ import annotations

import binascii
import hashlib
import io
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.words import STAGE_LABELS
from geo.errors import BadInput, Conflict, Unprocessable
from geo.sql.loader import query

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_STAGE = 9
MAX_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded
THUMB_PX = 320
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
STAGES = tuple(STAGE_LABELS)  # report, handling, verify
GPS_IFD = 0x8825


def _q(name: str) -> Any:
    return text(query("cases/media", name))


def _gps(img: Image.Image) -> tuple[float, float] | None:
    """(lon, lat) from the EXIF GPS block, if the photo has one."""
    try:
        gps = img.getexif().get_ifd(GPS_IFD)
    except Exception:  # a malformed EXIF block: no position, the photo still counts
        return None
    try:
        lat = _degrees(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lon = _degrees(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


def _degrees(dms: Any) -> float:
    d, m, s = (float(x) for x in dms)
    return d + m / 60 + s / 3600


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    clean = img.copy()
    clean.info.clear()  # no EXIF, ICC, XMP or text chunk goes along
    if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    clean.save(out, format=fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue()


def decode_photo(text: str, where: str) -> bytes:
    """A photo sent as text in JSON: base64, or a data: URL holding it (400 otherwise)."""
    if text.startswith("data:"):
        head, _, text = text.partition(",")
        if not head.endswith(";base64"):
            raise BadInput(f"{where}：data: URL 须为 base64 编码")
    try:
        return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise BadInput(f"{where} 不是 base64 编码的图片") from None


def read_photo(data: bytes) -> dict[str, Any]:
    """Check a photo by its content and make its public copy and thumbnail (Unprocessable:
    not a JPEG, PNG or WebP, too large, or unreadable)."""
    if len(data) > MAX_BYTES:
        raise Unprocessable(f"照片超过 {MAX_BYTES // 1024 // 1024} MB")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        img = Image.open(io.BytesIO(data))
        img.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Unprocessable("不是可读的 JPEG、PNG 或 WebP 图片") from exc
    if fmt not in FORMATS:
        raise Unprocessable(f"不支持的图片格式 {fmt}：只收 JPEG、PNG、WebP")
    place = _gps(img)
    thumb = img.copy()
    thumb.thumbnail((THUMB_PX, THUMB_PX))
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "mime": FORMATS[fmt],
        "width": img.width,
        "height": img.height,
        "original": data,
        "public": _encode(img, fmt),
        "thumb": _encode(thumb, "JPEG"),
        "place": place,
    }


def add_photo(session: Session, case_id: int, stage: str, data: bytes, who: str) -> dict[str, Any]:
    """A photo of a case at a stage; the same photo twice at a stage is one."""
    if stage not in STAGES:
        raise BadInput(f"未知阶段「{stage}」，可选：{'、'.join(STAGES)}")
    photo = read_photo(data)
    n = session.execute(_q("count"), {"case": case_id, "stage": stage}).scalar_one()
    if n >= MAX_PER_STAGE:
        raise Conflict(f"该阶段已有 {MAX_PER_STAGE} 张照片")
    session.execute(_q("store"), photo)
    lon, lat = photo["place"] or (None, None)
    row = session.execute(
        _q("attach"),
        {
            "case": case_id,
            "stage": stage,
            "sha": photo["sha256"],
            "lon": lon,
            "lat": lat,
            "who": who,
        },
    ).one_or_none()
    if row is None:
        raise Unprocessable("这张照片已在该阶段")
    return {"id": int(row.id), "sha256": photo["sha256"], "stage": stage, "gps": photo["place"]}


def add_report_photos(session: Session, case_id: int, photos: list[bytes], who: str) -> None:
    """A new case's photos, sent with its report (the JSON API's `photos`, Open311's
    `media`): each checked as any photo is, the same photo twice kept once."""
    if len(photos) > MAX_PER_STAGE:
        raise Unprocessable(f"上报照片至多 {MAX_PER_STAGE} 张")
    for data in dict.fromkeys(photos):
        add_photo(session, case_id, "report", data, who)


def case_photos(session: Session, case_id: int, with_place: bool) -> list[dict[str, Any]]:
    """A case's photos by stage; their EXIF place only with_place (staff)."""
    out = []
    for r in session.execute(_q("of_case"), {"case": case_id}):
        item = {
            "id": r.id,
            "stage": r.stage,
            "url": f"/api/v1/media/{r.sha256}",
            "thumb_url": f"/api/v1/media/{r.sha256}/thumb",
            "mime": r.mime,
            "at": r.created_at.isoformat(),
        }
        if with_place and r.lon is not None:
            item["place"] = {"lon": r.lon, "lat": r.lat}
        out.append(item)
    return out


def is_report_photo(session: Session, sha256: str) -> bool:
    """Whether a photo is some case's report photo (public: Open311's media_url)."""
    return session.execute(_q("is_report"), {"sha": sha256}).first() is not None


def public_copy(session: Session, sha256: str, thumb: bool) -> tuple[bytes, str] | None:
    """A photo's public copy (no metadata) or thumbnail, and its type."""
    r = session.execute(_q("public"), {"sha": sha256}).one_or_none()
    if r is None:
        return None
    return (bytes(r.thumb), "image/jpeg") if thumb else (bytes(r.public), r.mime)
