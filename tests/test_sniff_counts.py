"""A text's form is told from the count of the marks its lines leave, each distinct line read
once and remembered (:mod:`parsers.sniff_lines`): the counts are those of reading every line,
on texts made of the lines real pages show (cells, runs of empty cells, markdown rows, bars in
prose, blank cells, tags); and a parse hands the lines split to count them to the cell
source only when they are the lines of the whole text it reads."""

from __future__ import annotations

import random

from fixtures.reportgen import HTML_STYLES, random_record, render_pipe
from parsers import sniff as S
from parsers import sniff_lines as L

LINES = [
    "规章 |",
    "0 |",
    "12 |",
    "行政许可 | 0 | ||",
    "|",
    "||",
    "||||",
    "|| ",
    " |",
    "\u3000 |",
    "\t|",
    "| 项目 | 数量 |",
    "| a | b | c |",
    "|---|---|",
    "a | b |",
    "甲|乙 |",
    "x|",
    "|x |",
    "一、总体情况",
    "2024年,我局认真落实政务公开工作。",
    "<p>段落</p>",
    "<div>",
    "# 标题",
    "",
    "   ",
    "电话:0495-3193009",
]


PIPE_LINES = ["规章 |", "0 |", "12 |", "||", "|||", "一、总体情况"]


def _texts(count: int, seed: int):
    """Pipe text with a few other lines among its own, and texts of any lines."""
    rng = random.Random(seed)
    for _ in range(count):
        lines = rng.choices(PIPE_LINES, k=rng.randint(0, 40))
        for _ in range(rng.choice([0, 1, 2, 4, 8, 30])):
            lines.insert(rng.randint(0, len(lines)), rng.choice(LINES))
        end = rng.choice(["\n"] * 6 + ["\r\n", "\x0c", "\u2028"])
        yield end.join(lines) + rng.choice(["", "\n"])


def _marks_line_by_line(text: str) -> tuple[int, int, int, int, int]:
    """The counts as the form's rules read them: each line on its own, nothing remembered."""
    counts = [0] * 6
    for line in text.splitlines():
        counts[L.line_mark(line)] += 1
    return (
        counts[L.MD_RULE],
        counts[L.MD_ROW],
        counts[L.MD_HEADING],
        counts[L.PIPE_CELL],
        counts[L.PIPE_EMPTY],
    )


def test_remembered_marks_count_as_every_line_read():
    texts = list(_texts(3000, 14))
    for text in texts + texts:  # the second time, every short line is remembered
        assert tuple(L.count_marks(text.splitlines())) == _marks_line_by_line(text), text


def test_the_marks_of_the_lines_real_pages_show():
    marks = {line: L.line_mark(line) for line in LINES}
    assert marks["规章 |"] == marks["0 |"] == marks["行政许可 | 0 | ||"] == L.PIPE_CELL
    assert marks["|"] == marks["||||"] == marks["|| "] == L.PIPE_EMPTY
    assert marks["| 项目 | 数量 |"] == marks["| a | b | c |"] == L.MD_ROW
    assert marks["|---|---|"] == L.MD_RULE
    assert marks["# 标题"] == L.MD_HEADING
    for line in (" |", "\u3000 |", "x|", "甲|乙 |", "a | b |", "|x |", "一、总体情况", "<div>", ""):
        assert marks[line] == L.NO_MARK, line


def test_the_memory_of_marks_is_bounded():
    long_line = "长" * (L._LONGEST_REMEMBERED + 1) + " |"
    assert L.count_marks([long_line]).pipe_cells == 1
    assert long_line not in L._entries
    L.count_marks([f"{i} |" for i in range(L._REMEMBERED + 10)])
    assert len(L._entries) <= L._REMEMBERED


def test_generated_pipe_text_hands_its_lines_to_the_source():
    rng = random.Random(15)
    for i in range(40):
        record = random_record(rng, ("2019", "2021")[i % 2], blank_rate=rng.choice([0, 0.2]))
        text = render_pipe(record, HTML_STYLES[i % len(HTML_STYLES)], rng=rng)
        (sniffed, decoded, _), lines = S.examine_lines(text.encode())
        assert sniffed.kind == S.PIPE
        assert decoded == text and lines == text.splitlines()


def test_lines_are_handed_on_only_when_they_are_the_whole_text_read():
    text = "\n".join(PIPE_LINES * 8)
    assert S.examine_lines(text.encode())[1] == text.splitlines()
    (sniffed, decoded, _), lines = S.examine_lines(b"\xef\xbb\xbf" + text.encode())
    assert sniffed.kind == S.PIPE and decoded == text and lines == text.splitlines()
    twice = ("\ufeff\ufeff" + text).encode()  # the codec takes one mark off, the parse another
    (sniffed, decoded, _), lines = S.examine_lines(twice)
    assert sniffed.kind == S.PIPE and decoded == text and lines is None
    long = text + "\n" + "0 |\n" * 60_000
    (sniffed, decoded, _), lines = S.examine_lines(long.encode())
    assert sniffed.kind == S.PIPE and decoded == long and lines is None
    html = "<html><body><table><tr><td>0 |</td></tr></table></body></html>"
    assert S.examine_lines(html.encode()) == (S.examine(html.encode()), None)


def test_the_start_is_the_text_after_its_leading_blanks():
    for text in (
        "",
        " \n",
        "\ufeff\n<html>",
        " " * 5000 + "abc",
        "\n" * 9000 + "x" * 10,
        "a" * 9000,
    ):
        assert S._start(text) == text.lstrip("\ufeff \t\r\n")[:4096]


def _document_alone(text: str):
    """The pipe text's document read with every memory of lines emptied first."""
    from parsers.cells import pipe

    pipe._seen_lines.clear()
    pipe._seen_rows.clear()
    L._entries.clear()
    return pipe.pipe_stream_document(text)


def test_the_lines_the_sniff_looked_up_are_read_as_the_source_reads_them_alone():
    """A pipe text's source takes the entries counting the marks looked up; whatever the
    memory holds (nothing, the lines' marks only — met in a text of another form —, or their
    tokens too), the document is the one the text read alone gives, and each entry holds the
    line's mark after its token."""
    from parsers.cells import pipe
    from parsers.cells.pipe import pipe_stream_document

    rng = random.Random(16)
    long_line = "本年度" + "，本机关依法公开政府信息" * 30  # (longer than a remembered line)
    for i in range(30):
        record = random_record(rng, ("2019", "2021")[i % 2], blank_rate=rng.choice([0, 0.2]))
        lines = render_pipe(record, HTML_STYLES[i % len(HTML_STYLES)], rng=rng).splitlines()
        for _ in range(rng.randint(0, 3)):  # long lines, some of them twice
            lines.insert(rng.randint(0, len(lines)), long_line + str(rng.randint(0, 1)))
        text = "\n".join(lines)
        alone = _document_alone(text)
        for memory in ("empty", "marks only", "warm"):
            if memory == "empty":
                _document_alone("")
            elif memory == "marks only":
                _document_alone("")
                L.count_marks(text.splitlines())
            (sniffed, decoded, _), looked_up = S.examine_lines(text.encode())
            assert sniffed.kind == S.PIPE and isinstance(looked_up, L.TextLines)
            doc = pipe_stream_document(decoded, looked_up)
            assert (doc.text, doc.title, doc.meta, list(doc.stream_lines or [])) == (
                alone.text,
                alone.title,
                alone.meta,
                list(alone.stream_lines or []),
            )
            assert [entry[: L.MARK] for entry in doc.stream or []] == [
                entry[: L.MARK] for entry in alone.stream or []
            ]
            assert [entry[: L.MARK] for entry in doc.stream or []] == [
                pipe._line_read(line) for line in text.splitlines()
            ]
            assert [entry[L.MARK] for entry in doc.stream or []] == [
                L.line_mark(line) for line in text.splitlines()
            ]
            assert not looked_up.unread()


def test_a_line_met_twice_in_its_text_for_the_first_time_has_its_mark_each_time():
    long_line = "一、总体情况" * 40 + " |"
    for lines in (
        ["新的一行 |", "新的一行 |", long_line, "||", long_line],
        [long_line],
        ["只此一行 |"],
        [],
    ):
        _document_alone("")
        read = L.read_lines(lines)
        assert list(read.marks) == [L.line_mark(line) + L.UNREAD for line in lines]
        assert read.unread() == list(range(len(lines)))
        assert tuple(read.counts) == _marks_line_by_line("\n".join(lines))
        assert long_line not in L._entries
