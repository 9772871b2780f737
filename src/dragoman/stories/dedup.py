"""Near-duplicate detection (reprints, lightly edited copies) with MinHash over word shingles.

A reprint is linked to its original, not counted as a second source. The index answers
"which earlier article is this text a near copy of?" in about constant time per article.
"""

from __future__ import annotations

import re
import unicodedata

from datasketch import MinHash, MinHashLSH

_WORD = re.compile(r"\w+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def words(text: str) -> list[str]:
    """The case-folded words of ``text``, punctuation and invisible characters dropped."""
    normal = unicodedata.normalize("NFKC", text or "").translate(_ZERO_WIDTH).casefold()
    return _WORD.findall(normal)


def shingles(text: str, size: int = 5) -> set[str]:
    """Overlapping runs of ``size`` words; a text shorter than that is one shingle of itself."""
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) < size:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


class DuplicateIndex:
    """Remember articles' MinHash signatures and find the earliest near-copy of a new text.

    ``threshold`` is the estimated containment of word shingles (the share of the shorter
    text's shingles found in the other) from which a text counts as a copy: a reprint that
    drops a paragraph or adds a credit line still contains most of the original. It is
    derived from the MinHash Jaccard estimate and the two shingle-set sizes. A text with
    fewer than ``min_length_ratio`` times the other's shingles is never its copy (a long
    report quoting a short post is not a reprint); any pair whose Jaccard estimate reaches
    the threshold still counts. The hash seed is
    fixed, so results do not change between runs.
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 128,
        shingle: int = 5,
        seed: int = 1,
        min_length_ratio: float = 0.5,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        self.min_length_ratio = min_length_ratio
        # Banding is tuned well below the threshold: a copy with an added dateline or credit
        # line has a lower Jaccard than containment. Every candidate is verified afterwards.
        self._lsh = MinHashLSH(threshold=max(0.05, threshold - 0.3), num_perm=num_perm)
        self._signatures: dict[str, tuple[int, MinHash]] = {}
        self._sizes: dict[str, int] = {}
        self._original: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._signatures

    def signature(self, text: str) -> MinHash | None:
        """The MinHash of ``text``, or None when it has no words."""
        sketch = self._sketch(text)
        return sketch[0] if sketch else None

    def _sketch(self, text: str) -> tuple[MinHash, int] | None:
        """The MinHash of ``text`` and its number of distinct shingles."""
        grams = shingles(text, self.shingle)
        if not grams:
            return None
        minhash = MinHash(num_perm=self.num_perm, seed=self.seed)
        minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
        return minhash, len(grams)

    def _find(self, article_id: str, minhash: MinHash, size: int) -> str | None:
        best: tuple[int, str] | None = None
        for key in self._lsh.query(minhash):
            # A copy of a reprint is a copy of the original; nothing is a copy of itself.
            root = self._original.get(key, key)
            if key == article_id or root == article_id:
                continue
            if self._containment(minhash, size, key) < self.threshold:
                continue
            order = self._signatures[root][0]
            if best is None or order < best[0]:
                best = (order, root)
        return best[1] if best else None

    def _containment(self, minhash: MinHash, mine: int, other_id: str) -> float:
        """Estimated share of the shorter text's shingles found in the other; 0 when the two
        differ so much in length that one merely quotes the other."""
        jaccard = self._signatures[other_id][1].jaccard(minhash)
        theirs = self._sizes[other_id]
        if min(mine, theirs) < self.min_length_ratio * max(mine, theirs):
            return 0.0  # a long article quoting a short post in full is not its reprint
        shared = jaccard * (mine + theirs) / (1.0 + jaccard)
        return min(1.0, shared / max(1, min(mine, theirs)))

    def check(self, article_id: str, text: str) -> str | None:
        """Return the id of the earliest added article ``text`` nearly copies, without adding it."""
        sketch = self._sketch(text)
        return self._find(article_id, *sketch) if sketch is not None else None

    def add(self, article_id: str, text: str) -> None:
        """Add an article; adding an id twice, or a text without words, does nothing."""
        if article_id in self._signatures:
            return
        sketch = self._sketch(text)
        if sketch is not None:
            self._insert(article_id, *sketch)

    def _insert(self, article_id: str, minhash: MinHash, size: int) -> None:
        self._signatures[article_id] = (len(self._signatures), minhash)
        self._sizes[article_id] = size
        self._lsh.insert(article_id, minhash)

    def check_and_add(self, article_id: str, text: str) -> str | None:
        """Check, then add; the answer is what ``check`` would have said before adding."""
        sketch = self._sketch(text)
        if sketch is None:
            return None
        original = self._find(article_id, *sketch)
        if article_id not in self._signatures:
            if original is not None:
                self._original[article_id] = original
            self._insert(article_id, *sketch)
        return original
