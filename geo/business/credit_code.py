"""统一社会信用代码 (GB 32100-2015): 18 characters from 31 (digits and capitals without I, O, S,
V, Z): registration authority (1), kind (1), region (6), organisation code (9, GB 11714 with
its own check character), check character (1).

The check character makes sum(value × weight) + check ≡ 0 (mod 31) over the first 17.
"""

from __future__ import annotations

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {c: i for i, c in enumerate(CHARS)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714's organisation code: 8 characters and a check (0-9 or X)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """The 18th character for the first 17."""
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARS[(31 - total % 31) % 31]


def org_check(first8: str) -> str:
    """GB 11714's check character of an organisation code's first 8 characters."""
    total = sum(VALUE[c] * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def problem(code: str) -> str | None:
    """Why a code is not a valid 统一社会信用代码, or None."""
    if len(code) != 18:
        return f"统一社会信用代码 must have 18 characters, {code!r} has {len(code)}"
    bad = sorted({c for c in code if c not in VALUE})
    if bad:
        return f"统一社会信用代码 {code!r} has characters outside its set: {''.join(bad)}"
    want = check_char(code[:17])
    if code[17] != want:
        return f"统一社会信用代码 {code!r} fails its check: the last character should be {want}"
    return None
