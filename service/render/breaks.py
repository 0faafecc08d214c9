"""Where a centred heading line breaks: into lines of even length, as a văn thư breaks it.

Word fills each line as far as it goes and leaves the rest to the next, so a trích yếu a few
words too long ends with "năm / 2027" alone on its line. A văn thư breaks it so that the lines
are as even as they can be, and where the phrase allows: after a comma, before "của", "và",
"trên", "năm"…, not between a "số" and its number (nd30-spec §3.3, §3.6). The names of
agencies, the trích yếu and the V/v line are broken that way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# Words that open a phrase: a line may well start with them. Vietnamese is written in
# syllables, so without such cues a break could fall inside a word ("quốc / gia").
_OPENERS = frozenset({"của", "và", "về", "trên", "tại", "cho", "theo", "trong", "thuộc",
                      "đối", "với", "để", "nhằm", "năm", "giai", "từ", "đến", "giữa", "hoặc",
                      "các", "những", "khi", "sau", "trước"})
_GOOD, _PLAIN, _BAD = 0.0, 1.0, 12.0    # how much a break costs, in units of `penalty` below
_EVEN = 0.12                            # a good break may cost 12% of a line's length in evenness


def balanced_lines(words: Sequence[str], width: Callable[[str], int],
                   available: int) -> list[str] | None:
    """`words` as the fewest lines that fit `available`, as even as that number of lines
    allows, broken where the phrase allows when that costs little evenness; None when one word
    alone is wider than `available` (the reader's line breaking is then as good as any)."""
    sizes = [width(word) for word in words]
    if not sizes or max(sizes) > available:
        return None
    space = width(" ")
    starts = _starts(sizes, space, available)
    count = len(starts)
    if count == 1:
        return [" ".join(words)]
    target = (sum(sizes) + space * (len(sizes) - count)) / count
    penalty = 2 * (_EVEN * target) ** 2
    ends = _best_breaks(words, sizes, space, available, count, target, penalty)
    return [" ".join(words[start:end]) for start, end in zip([0, *ends], [*ends, len(words)],
                                                              strict=True)]


def _starts(sizes: Sequence[int], space: int, measure: int) -> list[int]:
    """The first word of each line when lines are filled as far as `measure` allows."""
    starts, used = [0], sizes[0]
    for i in range(1, len(sizes)):
        if used + space + sizes[i] > measure:
            starts.append(i)
            used = sizes[i]
        else:
            used += space + sizes[i]
    return starts


def _break_cost(words: Sequence[str], i: int) -> float:
    """How a break before words[i] reads: after punctuation or before a phrase, well; before a
    number ("số / 68/2010/QĐ-UBND", "năm / 2027"), badly."""
    if words[i][:1].isdigit():
        return _BAD
    if words[i - 1][-1:] in ",;:" or words[i].lower() in _OPENERS:
        return _GOOD
    return _PLAIN


def _best_breaks(words: Sequence[str], sizes: Sequence[int], space: int, available: int,
                 count: int, target: float, penalty: float) -> list[int]:
    """Break positions for exactly `count` lines of at most `available`, minimising the sum of
    each line's squared distance from `target` plus the cost of each break (dynamic
    programming over the break positions)."""
    n = len(words)
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)

    def line(start: int, end: int) -> int:
        return prefix[end] - prefix[start] + space * (end - start - 1)

    infinity = float("inf")
    # best[k][j]: the cost of words[:j] as k lines; back[k][j]: where the k-th line starts.
    best = [[infinity] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for end in range(1, n + 1):
            for start in range(end - 1, -1, -1):
                length = line(start, end)
                if length > available:
                    break
                if best[k - 1][start] == infinity:
                    continue
                cost = best[k - 1][start] + (length - target) ** 2
                if start > 0:
                    cost += penalty * _break_cost(words, start)
                if cost < best[k][end]:
                    best[k][end], back[k][end] = cost, start
    ends, end = [], n
    for k in range(count, 1, -1):
        end = back[k][end]
        ends.append(end)
    return ends[::-1]
