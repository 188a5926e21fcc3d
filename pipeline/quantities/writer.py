"""Integer -> Arabic words (Modern Standard Arabic, masculine, nominative).

    >>> to_words(2396)
    'ألفان وثلاثمئة وستة وتسعون'
    >>> to_words(110000)
    'مئة وعشرة آلاف'

Used for test generation (every number the writer spells must read back to
itself) and by anyone who needs the spoken form. Grammar followed: 3-10 take
the plural of a scale ("ثلاثة آلاف"), 11-99 its accusative singular
("أحد عشر ألفا"), 100 and above its genitive singular ("مئة ألف"); 1 and 2
are the scale word and its dual ("ألف", "ألفان"). Groups are joined by و.
"""

from __future__ import annotations

ONES = ("صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة")
TEENS = {11: "أحد عشر", 12: "اثنا عشر"}
TENS = {20: "عشرون", 30: "ثلاثون", 40: "أربعون", 50: "خمسون", 60: "ستون", 70: "سبعون",
        80: "ثمانون", 90: "تسعون"}
HUNDREDS = {1: "مئة", 2: "مئتان", 3: "ثلاثمئة", 4: "أربعمئة", 5: "خمسمئة", 6: "ستمئة",
            7: "سبعمئة", 8: "ثمانمئة", 9: "تسعمئة"}
# scale: (singular, dual, plural, accusative singular)
SCALES = (
    (10**12, ("تريليون", "تريليونان", "تريليونات", "تريليونا")),
    (10**9, ("مليار", "ملياران", "مليارات", "مليارا")),
    (10**6, ("مليون", "مليونان", "ملايين", "مليونا")),
    (10**3, ("ألف", "ألفان", "آلاف", "ألفا")),
)
_AND = " و"


def _below_hundred(n: int) -> str:
    if n <= 10:
        return ONES[n]
    if n in TEENS:
        return TEENS[n]
    if n < 20:
        return f"{ONES[n - 10]} عشر"
    tens, ones = divmod(n, 10)
    return TENS[tens * 10] if ones == 0 else f"{ONES[ones]}{_AND}{TENS[tens * 10]}"


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(HUNDREDS[hundreds])
    if rest:
        parts.append(_below_hundred(rest))
    return _AND.join(parts)


def _group(count: int, names: tuple[str, str, str, str]) -> str:
    """`count` (1-999) of one scale: "ألف", "ألفان", "ثلاثة آلاف", "أحد عشر ألفا"."""
    singular, dual, plural, accusative = names
    if count == 1:
        return singular
    if count == 2:
        return dual
    if count <= 10:
        return f"{ONES[count]} {plural}"
    tail = count % 100
    if count > 100 and tail in (1, 2):
        # 101000 is "مئة ألف وألف", not "مئة وواحد ألف".
        return f"{_below_thousand(count - tail)} {singular}{_AND}{_group(tail, names)}"
    if 3 <= tail <= 10 and count > 100:
        return f"{_below_thousand(count - tail)}{_AND}{ONES[tail]} {plural}"
    word = accusative if 11 <= tail <= 99 else singular
    return f"{_below_thousand(count)} {word}"


def to_words(n: int) -> str:
    """Spell a non-negative integer below 10**15 in Arabic words."""
    if n < 0:
        return f"سالب {to_words(-n)}"
    if n >= 10**15:
        raise ValueError(f"{n} is too large to spell (limit 10**15 - 1)")
    if n == 0:
        return ONES[0]
    parts = []
    for scale, names in SCALES:
        count, n = divmod(n, scale)
        if count:
            parts.append(_group(count, names))
    if n:
        parts.append(_below_thousand(n))
    return _AND.join(parts)
