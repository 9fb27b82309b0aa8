"""Place-name normalisation: one matching key for every spelling of a name.

News and tables spell the same place many ways: Kyiv/Kiev/Київ/Киев, Kharkiv/Kharkov,
Malotaranivka/Malotaranovka, Posad-Pokrovske/Posad-Pokrovskoye, Kam'yanske/Kamianske.
Rather than listing aliases, :func:`key` applies general rules that erase the differences
between Ukrainian and Russian forms and between romanisation systems:

- Cyrillic (Ukrainian and Russian letters) is transliterated; Latin diacritics dropped;
  apostrophes, soft signs, hyphens and spaces removed.
- consonant digraphs fold: kh/h/g/x -> h, zh/z -> z, sh/sch/shch/sz -> s, ch/tsch/cz -> c,
  ts/c -> c, w -> v, ph -> f;
- vowels i, y, e, o, j (and Ukrainian і/ї/є/и) fold into one class, because Ukrainian
  writes *i* where Russian writes *o* or *e* in closed syllables (Kharkiv/Kharkov,
  Lviv/Lvov, -ivka/-ovka) and romanisations disagree on y/i/yi/ij;
- "ia" folds into that class (Кам'янське/Каменское, Zaporizhzhia/Zaporozhye), a word-final
  Russian "-aya" into "-a"; runs of the vowel class and doubled letters collapse.

The key is deliberately lossy; callers rank an exact spelling above a key match
(:func:`exact_key`) and keep both in their index.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Cyrillic -> Latin, one scheme for Ukrainian and Russian letters (folding makes them meet).
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ё": "yo",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ў": "u",
}
#: Latin letters NFKD does not decompose.
_LATIN = {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
          "ı": "i", "ʹ": "", "ʺ": ""}
_TRANSLIT = str.maketrans({**_CYR, **_LATIN})

#: Ukrainian national romanisation (2010, official for names in passports and on maps);
#: used for names that exist only in Cyrillic (KATOTTG settlements).
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UK = {**_CYR, "г": "h", "и": "y", "є": "ie", "ї": "i", "й": "i", "ю": "iu", "я": "ia",
       "х": "kh", "щ": "shch", "ь": "", "'": "", "’": "", "ʼ": ""}

#: Russian romanisation (BGN/PCGN-like, without diacritics) -- the "Russian-style" spelling.
_RU = {**_CYR, "г": "g", "и": "i", "е": "e", "ё": "yo", "й": "y", "ы": "y", "э": "e",
       "ю": "yu", "я": "ya", "х": "kh", "ц": "ts", "ь": "", "ъ": ""}

_APOSTROPHES = "'’ʼ`´‘ʻ\"ʹʺ"
_FOLDS: tuple[tuple[str, str], ...] = (
    ("shch", "s"), ("tsch", "c"), ("sch", "s"), ("tch", "c"), ("sh", "s"), ("sz", "s"),
    ("ch", "c"), ("cz", "c"), ("ts", "c"), ("tz", "c"), ("zh", "z"), ("kh", "h"), ("ph", "f"),
    ("g", "h"), ("x", "h"), ("w", "v"), ("q", "k"),
)
_FOLD_MAP = dict(_FOLDS)
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _ in _FOLDS))  # longest digraphs listed first
_VOWELS = re.compile(r"[iyeoj]+")
_DOUBLES = re.compile(r"(.)\1+")
_WORDS = re.compile(r"[^\W_]+(?:['’ʼ`´‘ʻ][^\W_]+)*", re.UNICODE)


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _strip_marks(text: str) -> str:
    """Lowercase, NFKD, drop combining marks (keeps Cyrillic й/ї/ё intact)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFC", text).lower()
    # Protect Cyrillic letters whose decomposition would change them.
    text = text.replace("й", "\0").replace("ї", "\1").replace("ё", "\2")
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.replace("\0", "й").replace("\1", "ї").replace("\2", "ё")


def clean_marks(text: str) -> str:
    """Drop combining marks (stress accents "Караджи́", diacritics) but keep case and the
    Cyrillic letters й/ї/ё/Й/Ї/Ё, which Unicode decomposes into a base letter and a mark."""
    if text.isascii():
        return text
    keep = {"й": "\0", "ї": "\1", "ё": "\2", "Й": "\3", "Ї": "\4", "Ё": "\5"}
    text = unicodedata.normalize("NFC", text)
    for a, b in keep.items():
        text = text.replace(a, b)
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = unicodedata.normalize("NFC", text)
    for a, b in keep.items():
        text = text.replace(b, a)
    return text


def words(name: str) -> list[str]:
    """Words of a name: letters/digits, apostrophes inside a word kept, hyphens split."""
    return _WORDS.findall(name)


@lru_cache(maxsize=200_000)
def exact_key(name: str) -> str:
    """Spelling-preserving key: case, diacritics, apostrophes, hyphens and spaces ignored."""
    text = _strip_marks(name)
    return "".join(ch for ch in text if ch.isalnum())


def _fold_sub(m: re.Match) -> str:
    return _FOLD_MAP[m.group()]


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    # (memoised per word: the n-grams of a sentence looked up as names share their words)
    w = word.translate(_TRANSLIT)
    if not w.isalnum():
        w = "".join(ch for ch in w if ch.isalnum())
    if not w.isascii():  # other scripts: keep as is, they can only match themselves
        return w
    w = _FOLD_RE.sub(_fold_sub, w)
    if w.endswith(("aya", "aja")):
        w = w[:-3] + "a"  # Russian feminine -aya ~ Ukrainian -a
    w = _VOWELS.sub("i", w).replace("ia", "i")
    return _DOUBLES.sub(r"\1", w)


@lru_cache(maxsize=200_000)
def key(name: str) -> str:
    """Matching key shared by the Ukrainian, Russian and romanised spellings of one name."""
    text = _strip_marks(name)
    for a in _APOSTROPHES:
        text = text.replace(a, "")
    return "".join(_fold_word(w) for w in re.split(r"[^\w]+|_", text) if w)


def _romanise(name: str, table: dict[str, str], initial: dict[str, str] | None = None) -> str:
    out: list[str] = []
    prev_letter = False
    for ch in unicodedata.normalize("NFC", name):
        low = ch.lower()
        rep = (initial or {}).get(low) if not prev_letter else None
        if rep is None:
            rep = table.get(low)
        if rep is None:
            out.append(ch)
            prev_letter = ch.isalpha()
            continue
        if ch != low and rep:
            rep = rep[0].upper() + rep[1:]
        out.append(rep)
        prev_letter = True
    return "".join(out)


def romanise_uk(name: str) -> str:
    """Ukrainian national transliteration (KMU 2010): Білогорівка -> Bilohorivka, Згурівка -> Zghurivka.

    Delegates to PyPI ``translitua`` (the maintained implementation of the official system, with its
    зг -> zgh and word-initial rules); our own table is the fallback when it is not installed."""
    try:
        from translitua import translit
    except ImportError:  # pragma: no cover - translitua is a declared dependency
        return _romanise(name, _UK, _UK_INITIAL)
    return translit(clean_marks(name))


def romanise_ru(name: str) -> str:
    """Russian-style romanisation: Белогоровка -> Belogorovka."""
    return _romanise(name, _RU)


_RU_VOWELS = frozenset("аеёиоуыэюяьъ")
#: Russian adjective and neuter endings, each with the Latin forms reporters use (BGN/PCGN, plain,
#: and the short forms of English-language news: Zadorozhny, Sudzhansky, Dolgoye/Dolgoe).
_RU_ENDINGS = (("ий", ("iy", "y", "i")), ("ый", ("y", "yy", "iy")), ("ой", ("oy", "oi")),
               ("ое", ("oye", "oe")), ("ее", ("eye", "ee")), ("ая", ("aya", "aja")),
               ("ье", ("ye", "'ye", "e")), ("ия", ("iya", "ia")))


def romanise_ru_variants(name: str, limit: int = 8) -> list[str]:
    """Latin forms of a Russian name as English-language reporting writes them.

    Долгое -> Dolgoye, Dolgoe; Задорожный -> Zadorozhny, Zadorozhnyy; Теткино -> Tetkino; Курковичи ->
    Kurkovichi; ё as yo or e; е as ye after a vowel or word-initially (BGN) or plain e. The variants
    matter because our index ranks an exact spelling above a folded-key match (which merges Dolgoye with
    Delhi and Illinivka with Olenivka). Returns at most *limit* distinct forms, the BGN-like one first.
    """
    base = clean_marks(name)
    out: list[str] = []
    for ye in (True, False):
        for e_alt in (0, 1, 2):
            words = []
            for w in re.split(r"(\W+)", base):
                if not w or not w[0].isalpha():
                    words.append(w)
                    continue
                low = w.lower()
                ending = ""
                for cyr, lats in _RU_ENDINGS:
                    if low.endswith(cyr) and len(low) > len(cyr) + 1:
                        ending = lats[min(e_alt, len(lats) - 1)]
                        low = low[: -len(cyr)]
                        break
                chars = []
                for i, ch in enumerate(low):
                    prev = low[i - 1] if i else ""
                    if ch == "е":
                        chars.append("ye" if ye and (not prev or prev in _RU_VOWELS) else "e")
                    elif ch == "ё":
                        chars.append("yo" if ye else "e")
                    else:
                        chars.append(_RU.get(ch, ch))
                lat = "".join(chars) + ending
                words.append(lat[:1].upper() + lat[1:] if w[0].isupper() else lat)
            out.append("".join(words))
    try:  # the maintained library's plain Russian system, for what our rules miss
        from translitua import RussianSimple, translit
        out.append(translit(base, RussianSimple))
    except ImportError:  # pragma: no cover
        pass
    return list(dict.fromkeys(x for x in out if x))[:limit]


_ADJ_SUFFIX = re.compile(
    r"(?:с['’ʼ]?кий|ський|ская|ська|ское|ське|цкий|цький|ский|ий|ый|ій|"
    r"s['’ʼ]?k(?:yi|yy|iy|ij|y|i|a|aya|e|oye|oe)|ts['’ʼ]?k(?:yi|yy|iy|y|i)|(?<=[a-z])(?:yi|iy|yy))$", re.I)


@lru_cache(maxsize=100_000)
def admin2_stem(name: str) -> str:
    """Matching key of a raion/district name without its adjective suffix and generic word.

    "Izium raion", "Ізюмський", "Izyumsky district" -> one stem; "Shebekino district", "Шебекинский
    район" -> one stem (the town's final vowel is dropped on both sides)."""
    ws = [w for w in words(clean_marks(name)) if w.lower() not in _ADMIN2_WORDS]
    if not ws:
        return ""
    first = _ADJ_SUFFIX.sub("", ws[0]) or ws[0]
    k = key(" ".join([first, *ws[1:]]))
    return k[:-1] if len(k) > 4 and k[-1] in "ia" else k


_ADMIN2_WORDS = frozenset({
    "raion", "rayon", "raionu", "rajon", "district", "districts", "municipal", "urban", "okrug", "r",
    "район", "району", "раион", "р", "рн", "округ", "городской", "муниципальный", "міська", "city", "gorodskoy",
    "municipality", "the", "of", "r-n",
})


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


_OTHER_SCRIPT = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u0400-\u04ff\u1e00-\u1eff]")


def is_latin_or_cyrillic(text: str) -> bool:
    """True if every letter is Latin or Cyrillic (other scripts are not indexed)."""
    return _OTHER_SCRIPT.search(text) is None


_VOWEL_SET = frozenset("aiu")


def edit_distance(a: str, b: str, limit: float) -> float:
    """Levenshtein distance on keys, a vowel-for-vowel swap costing 0.5 (Rabotino/Robotyne
    differ by unstressed a/o only); returns limit + 1 as soon as it must exceed *limit*."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        cur = [float(i)]
        va = ca in _VOWEL_SET
        for j, cb in enumerate(b, 1):
            sub = 0.0 if ca == cb else 0.5 if va and cb in _VOWEL_SET else 1.0
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return min(prev[-1], limit + 1)
