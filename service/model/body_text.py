"""Body text as a clerk pastes it from Word → the same blocks the JSON body uses.

Line markers give the structure (Phần I, Chương I, Mục 1 with their title on the next line;
I., 1., a), -, +, Điều N.); labels found in the text are kept as written, so a plan whose own
numbering skips III prints as it was written.
"""

from __future__ import annotations

import re

_MARKERS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("article", re.compile(r"^(Điều\s+\d+[a-zđ]?\.)\s*(.*)$"), 1),
    ("roman", re.compile(r"^([IVX]+\.)\s+(.+)$"), 1),   # sections run I–XXXIX, never L or C
    # "1.1." or "1.2" but not "1.245 hồ sơ" (a thousands separator opening a sentence)
    ("arabic2", re.compile(r"^(\d+\.\d{1,2}\.?)\s+(.+)$"), 3),
    ("arabic", re.compile(r"^(\d+\.)\s+(.+)$"), 2),
    ("letter", re.compile(r"^([a-zđ]\))\s*(.+)$"), 4),
)
# "Chương II" alone on its line (its title follows on the next), or "Chương II. TITLE"; ranked
# above every numbered block, Phần over Chương over Mục over Tiểu mục.
_PART = re.compile(r"^((Phần|Chương|Tiểu mục|Mục)\s+([IVXLC]+|\d+))\s*(?:[.:–-]\s*(.*))?$",
                   re.IGNORECASE)
_PART_RANK = {"phần": -3, "chương": -2, "mục": -1, "tiểu mục": 0}
_DASH = re.compile(r"^[-–•]\s*(.+)$")
_PLUS = re.compile(r"^\+\s*(.+)$")


_TITLE_CHARS = 160


def is_title(text: str) -> bool:
    """A short line without a sentence ending reads as a heading ("2. Yêu cầu:")."""
    stripped = text.rstrip()
    return len(stripped) <= _TITLE_CHARS and (stripped.endswith(":")
                                              or not stripped.endswith((".", ";", ",", "./.")))


def is_article_title(text: str) -> bool:
    """What follows "Điều N." names the article ("Phạm vi điều chỉnh", printed bold with its
    label) when it is short and ends as no sentence does; anything else, a line that opens a
    list with ":" included, is the article's first provision, upright (nd30-spec §3.7)."""
    stripped = text.rstrip()
    return len(stripped) <= _TITLE_CHARS and not stripped.endswith((".", ";", ",", ":", "!", "?"))


def parse(text: str) -> list[dict]:
    """Parse pasted body text into blocks (kind, label, text/heading/item, children)."""
    root: list[dict] = []
    stack: list[tuple[int, dict]] = []   # (rank, block) of open numbered blocks

    def container() -> list[dict]:
        return stack[-1][1]["children"] if stack else root

    untitled: dict | None = None        # a part whose title is the next line
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if untitled is not None:
            untitled["part"], untitled = line, None
            continue
        part = _PART.match(line)
        if part:
            rank = _PART_RANK[part.group(2).lower()]
            while stack and stack[-1][0] >= rank:
                stack.pop()
            block = {"kind": "part", "part": (part.group(4) or "").strip(),
                     "label": part.group(1), "children": []}
            container().append(block)
            stack.append((rank, block))
            if not block["part"]:
                untitled = block
            continue
        block = _numbered(line)
        if block is not None:
            rank, block = block
            while stack and stack[-1][0] >= rank:
                stack.pop()
            container().append(block)
            stack.append((rank, block))
            continue
        plus, dash = _PLUS.match(line), _DASH.match(line)
        if plus or dash:
            _add_bullet(container(), (plus or dash).group(1), sub=bool(plus))
            continue
        container().append({"kind": "text", "text": line, "label": None})
    if untitled is not None:                # a label on the last line: keep it as text
        _retract(root, untitled)
    return root


def _retract(blocks: list[dict], part: dict) -> None:
    """Turn a part that got no title back into the text line it was."""
    for i, block in enumerate(blocks):
        if block is part:
            blocks[i] = {"kind": "text", "text": part["label"], "label": None}
            return
        _retract(block.get("children", []), part)


def _numbered(line: str) -> tuple[int, dict] | None:
    for name, pattern, rank in _MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        label, rest = m.group(1), m.group(2).strip()
        if name == "article":
            return rank, {"kind": "article", "article": rest, "label": label, "children": []}
        if name == "roman" and len(label) == 2 and label != "I." and not is_title(rest):
            continue                     # "V. Nguyễn …" is a sentence, not section V
        if name == "roman" or is_title(rest):
            return rank, {"kind": "heading", "heading": rest, "label": label, "children": []}
        return rank, {"kind": "item", "item": rest, "label": label, "children": []}
    return None


def _add_bullet(siblings: list[dict], text: str, *, sub: bool) -> None:
    last = siblings[-1] if siblings else None
    if sub and last is not None and last["kind"] == "bullets":
        _add_bullet(last["bullets"][-1]["children"], text, sub=False)
        return
    item = {"text": text, "children": []}
    if last is not None and last["kind"] == "bullets" and last["label"] == ("+" if sub else None):
        last["bullets"].append(item)
    else:
        siblings.append({"kind": "bullets", "bullets": [item], "label": "+" if sub else None})
