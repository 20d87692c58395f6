"""Words as the search index sees them, the same on SQLite and PostgreSQL.

Documents and queries are folded here, in Python, before either backend sees them:
case folded, accents and other combining marks removed (``é`` → ``e``), ligatures
spelt out (``œ`` → ``oe``), and cut into words of letters and digits (everything else
separates words). SQLite's FTS5 and PostgreSQL's ``simple`` configuration then index
the same words, so that both backends find the same documents, whether or not the
PostgreSQL server has the ``unaccent`` extension.

A query becomes a list of *terms*; each matches the words that start with it
(``jard`` finds ``jardin``) and a document must match every term. The terms are
letters and digits only, so no FTS5 or tsquery operator (``"``, ``*``, ``NEAR(``,
``AND``, ``-``, ``:``, ``&``, ``!``…) survives folding; they are quoted as well.
"""

from __future__ import annotations

import re
import unicodedata

#: Letters that Unicode does not decompose into a base letter and a mark.
SPELT_OUT = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "ð": "d",
                           "ħ": "h", "ŧ": "t"})
WORD_RE = re.compile(r"[^\W_]+")
#: Longer words are not indexed (PostgreSQL refuses words over 2047 bytes; nobody searches them).
MAX_WORD = 60
#: Folded text kept per document column: enough for any description, bounded for the index.
MAX_INDEXED_CHARS = 100_000
#: Terms used from one query; the rest are ignored (bounds the cost of a query).
MAX_TERMS = 12


def words(text: str | None) -> list[str]:
    """The folded words of ``text``, in order."""
    if not text:
        return []
    # Compatibility forms first (ﬁ → fi, № → No), then case (which may compose again), then marks.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold()).translate(SPELT_OUT)
    folded = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("M"))
    return [word for word in WORD_RE.findall(folded) if len(word) <= MAX_WORD]


def indexed_text(*parts: str | None) -> str:
    """What the index stores for a column: the folded words of every part, space-separated."""
    text = " ".join(word for part in parts for word in words(part))
    if len(text) > MAX_INDEXED_CHARS:
        text = text[:MAX_INDEXED_CHARS].rsplit(" ", 1)[0]
    return text


def query_terms(query: str | None) -> list[str]:
    """The terms of a query: its folded words, each once, at most ``MAX_TERMS``.

    One-character words (the ``l`` of ``l'eau``, ``a``, ``y``) are left out when the query
    has longer ones: as prefixes they would match nearly everything.
    """
    found = list(dict.fromkeys(words(query)))
    longer = [term for term in found if len(term) > 1]
    return (longer or found)[:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """SQLite FTS5: every term quoted, as a prefix; terms side by side must all match."""
    return " ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def tsquery(terms: list[str]) -> str:
    """PostgreSQL ``to_tsquery``: every term quoted, as a prefix (``:*``), joined by ``&``."""
    return " & ".join("'" + term.replace("\\", "\\\\").replace("'", "''") + "':*" for term in terms)
