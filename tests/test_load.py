"""Front-matter splitting keeps the body's first line and reports bad input with a line;
the fast line parser for front-matter gives what PyYAML gives, or leaves the text to it."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.errors import ContentError
from digest.fields import _PLAIN_URL, FieldReader
from digest.load import _OPENING, SourceDoc, find_sources, is_ignored_name, parse_source
from digest.yamlio import _IMPLICIT_RESOLVERS, _loader, parse_yaml_full, parse_yaml_simple


def parse(text: str | bytes) -> object:
    raw = text.encode() if isinstance(text, str) else text
    return parse_source(Path("content/a.txt"), raw, "a.txt")


def test_body_line_counts_front_matter_lines() -> None:
    doc = parse_source(Path("a.txt"), b"---\ntitle: T\ntags: [x]\n---\nFirst line\n", "a.txt")
    assert doc.meta == {"title": "T", "tags": ["x"]}
    assert doc.body == "First line\n"
    assert doc.body_line == 5
    assert doc.meta_lines == {"title": 2, "tags": 3}


def test_text_without_front_matter_starts_at_line_one() -> None:
    doc = parse_source(Path("a.txt"), b"Headline\n\nBody.\n", "a.txt")
    assert doc.meta == {} and doc.body_line == 1 and not doc.has_front_matter


def test_crlf_and_bom_are_normalised() -> None:
    doc = parse_source(Path("a.txt"), "\ufeff---\r\ntitle: T\r\n---\r\nBody\r\n".encode(), "a")
    assert doc.meta == {"title": "T"} and doc.body == "Body\n" and doc.body_line == 4


def test_dates_stay_text_for_our_own_checks() -> None:
    doc = parse_source(Path("a.txt"), b"---\ndate: 2024-13-45\n---\nB\n", "a.txt")
    assert doc.meta["date"] == "2024-13-45"


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (b"---\ntitle: T\nBody without end\n", 1, "not closed"),
        (b"---\ntitle: [unclosed\nx: y\n---\nBody\n", 3, "invalid YAML"),
        (b"---\n- a\n- b\n---\nBody\n", 2, "not a list"),
        (b"---\ntitle: T\n---\nok\n\xff\xfe bad\n", 5, "not UTF-8"),
    ],
)
def test_bad_input_names_path_and_line(raw: bytes, line: int, words: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_source(Path("content/a.txt"), raw, "a.txt")
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("content/a.txt", line)
    assert words in problem.message and problem.hint
    assert str(caught.value).startswith(f"content/a.txt:{line}: error: ")


@pytest.mark.parametrize(
    "name",
    [
        ".a.txt.swp",
        "a.txt~",
        "#a.txt#",
        ".#a.txt",
        "4913",
        "a.txt___jb_tmp___",
        "a.tmp",
        ".goutputstream-XYZ",
        ".DS_Store",
        "a.part",
        "a.swx",
    ],
)
def test_editor_droppings_are_ignored(name: str) -> None:
    assert is_ignored_name(name)


def test_find_sources_warns_about_non_articles(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "photo.jpg").write_bytes(b"\x00")
    (tmp_path / ".a.txt.swp").write_text("x")
    found, problems = find_sources(tmp_path)
    assert [rel for _, rel in found] == ["a.txt", "sub/b.md"]
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert "photo.jpg" in problems[0].path


# The line parser behind parse_yaml must agree with PyYAML on every text it accepts. The
# grammar below is front-matter-like on purpose, so that many texts are accepted, and is
# salted with what makes YAML read a value as something other than the text typed.
TRAPS = [
    *("yes", "No", "ON", "off", "true", "False", "y", "n", "null", "Null", "~", "NULL"),
    *("0", "017", "0o17", "0x1F", "0b101", "1_000", "+1", "-1", "1e3", "1.0e+3", "1.5"),
    *(".inf", "-.Inf", ".NaN", ".5", "12:30", "1:2:3", "190:20:30.15", "=", "<<"),
    *("2024-11-04", "2024-11-04T15:20:00-05:00", "2024-13-45", "2024-11-04 15:20"),
    *("-", "- a", "-a", "?", "? a", ":", ":a", "---", "...", "&a", "*a", "!!str x", "!x"),
    *("|", "|-", ">", "%x", "@x", "`x", "#x", "a #b", "a#b", "a: b", "a:", "a:b", "a,b"),
    *("[a]", "{a: b}", "a [b] c", "a]", "it's", 'say "hi"', "'q'", '"q"', "''", '""'),
    *("a\\b", "a\\nb", "a  b", " a", "a ", "a\tb", "\ta", "a\u00a0b", "a\u2028b", "a\x85b"),
    *("\ufeffa", "a\x7fb", "a\x00b", "a\rb", "é", "‘Forecast’", "市议会", "𝔘nicode"),
    *("Iran: talks", "https://example.com/a?b=c#d", "Westmere Herald", "natural gas"),
]
WORDS = st.lists(
    st.sampled_from(
        [
            *("news", "Iran's", "N", "a.b", "‘q’", "é", "市", "2024", "0", "1.5"),
            *("http://a.b/c", "on-line", "#1", "a:b", "say", "-", "(a)", 'q"', "50%", "&", "x,y"),
        ]
    ),
    min_size=1,
    max_size=4,
).map(" ".join)
ODD = st.text(st.sampled_from(list("aZ09 -_.:#,[]{}'\"!&*|>%@`?~=<+\\é‘\t/")), max_size=12)


def mostly(draw: st.DrawFn, usual: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> str:
    """Usually a value from `usual`, one time in six one from `odd`."""
    return draw(odd if draw(st.integers(0, 5)) == 0 else usual)


@st.composite
def scalars(draw: st.DrawFn) -> str:
    """A value as typed: plain, single- or double-quoted (escapes and all)."""
    atom = mostly(draw, WORDS, st.one_of(st.sampled_from(TRAPS), ODD))
    kind = draw(st.sampled_from(["plain", "plain", "double", "single", "single-escaped"]))
    if kind == "double":
        return f'"{atom}"'
    if kind == "single":
        return f"'{atom}'"
    if kind == "single-escaped":
        return "'" + atom.replace("'", "''") + "'"
    return atom


@st.composite
def values(draw: st.DrawFn) -> str:
    """A scalar or a `[...]` list of scalars, with the spacing people type."""
    if draw(st.booleans()):
        return draw(scalars())
    items = draw(st.lists(scalars(), max_size=3))
    sep = mostly(draw, st.just(", "), st.sampled_from([",", " , ", ",  ", " ,"]))
    pad = mostly(draw, st.just(""), st.just(" "))
    tail = mostly(draw, st.just(""), st.sampled_from([",", ", ]x", "]", " #"]))
    return f"[{pad}{sep.join(items)}{tail}{pad}]"


KEYS = st.sampled_from(
    ["title", "date", "source", "url", "tags", "draft", "slug", "author", "dek", "x", "_a"]
)
ODD_KEYS = st.sampled_from(
    [
        *("a-b", "a_1", "TITLE", "yes", "on", "True", "null", "Null", "~", "y", "n", "1"),
        *("0x1F", "<<", "=", "a b", "-a", "?a", "a:b", "é", "k" * 64, "k" * 65, "title "),
    ]
)
OTHER_LINES = st.sampled_from(
    [
        *("   ", "# comment", "---", "...", "  indented: x", "  - item", "- item"),
        *("%YAML 1.1", "tags: [a,", "  b]", "title: >", "  folded", "\t", "key", "\ufeff"),
    ]
)


@st.composite
def lines(draw: st.DrawFn) -> str:
    """A `key: value` line, with the separators and endings people type, or another line."""
    kind = draw(st.integers(0, 15))
    if kind == 0:
        return draw(OTHER_LINES)
    if kind == 1:
        return ""
    key = mostly(draw, KEYS, ODD_KEYS)
    sep = mostly(draw, st.just(": "), st.sampled_from([":", ":  ", " : ", ":\t", "::"]))
    end = mostly(draw, st.just(""), st.sampled_from([" ", "  ", " # note", "\t", "\r", " :"]))
    value = draw(values()) if sep != ":" else ""
    return f"{key}{sep}{value}{end}"


FRONT_MATTERS = st.lists(lines(), max_size=6).map("\n".join)


def typed(value: object) -> object:
    """A value with the type of every part spelled out, so that True, 1 and "1" differ."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, value)


def assert_declines_or_agrees(text: str) -> None:
    """The line parser gives up on `text`, or gives exactly what PyYAML gives."""
    simple = parse_yaml_simple(text)
    if simple is not None:
        full = parse_yaml_full(text)  # must not raise: the line parser accepted the text
        assert typed(simple.data) == typed(full.data)
        assert simple.key_lines == full.key_lines
        assert simple.duplicates == full.duplicates


@settings(max_examples=400, deadline=None)
@given(FRONT_MATTERS)
def test_line_parser_declines_or_agrees_with_pyyaml(text: str) -> None:
    assert_declines_or_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        'title: "‘Forecast banks’"\ndate: 2023-03-28T11:21:41+00:00\nsource: "CNBC"\n'
        'tags: ["interest rates", "natural gas"]\nurl: https://www.cnbc.com/a/b-c',
        "title: Iran's talks resume\n\ndate: 2024-11-04\ntags: [north korea, nato]\n",
        "title: 'it''s'\ndek: a [b] c, d\ntags: []\nslug:\nauthor: A  B   ",
        'tags: [ a , \'b c\' ,"d"]\ntitle: say "hi"',
        "per_page: 20\nfeed_size: 0\nsummary_words: 999999999999999999\ntags: [2024, a]",
    ],
)
def test_line_parser_reads_common_front_matter(text: str) -> None:
    simple = parse_yaml_simple(text)
    assert simple is not None
    full = parse_yaml_full(text)
    assert (typed(simple.data), simple.key_lines) == (typed(full.data), full.key_lines)


@pytest.mark.parametrize(
    "text",
    [
        "draft: yes",
        "title: 1_000",
        "title: .inf",
        "title: 0x1F",
        "title: ~",
        "tags: [a, 1.5]",
        "title: a # note",
        "title: a: b",
        "title: &x a\ndek: *x",
        "title: !!str 1",
        "title: a\ntitle: b",
        "title: a\n  b",
        "title: a\tb",
        'title: "a\\nb"',
        "yes: a",
        "title: [a,]",
        "# comment\ntitle: a",
        "title: a\n---\n",
        "per_page: 012",
        "per_page: 1000000000000000000",  # longer than the line parser reads
        "per_page: " + "9" * 5000,  # more digits than int() reads: PyYAML's error
    ],
)
def test_line_parser_leaves_the_traps_to_pyyaml(text: str) -> None:
    assert parse_yaml_simple(text) is None


def test_a_given_digest_is_the_files_sha1() -> None:
    raw = b"---\ntitle: T\n---\nBody\n"
    given_digest = hashlib.sha1(raw).hexdigest()
    assert parse_source(Path("a.txt"), raw, "a.txt").digest == given_digest
    assert parse_source(Path("a.txt"), raw, "a.txt", given_digest) == parse_source(
        Path("a.txt"), raw, "a.txt"
    )


@settings(max_examples=300, deadline=None)
@given(st.from_regex(_PLAIN_URL, fullmatch=True))
def test_urls_taken_without_urlsplit_pass_its_check(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme.lower() in ("http", "https") and parts.netloc and " " not in url
    doc = SourceDoc(Path("a.txt"), "a.txt", {"url": url}, {"url": 2})
    reader = FieldReader(doc)
    assert reader.url() == url and not reader.problems


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "'", '"', "[", "['", '["', "[a, "]), st.text(max_size=16))
def test_line_parser_agrees_on_any_characters(opening: str, typed_text: str) -> None:
    closing = opening[::-1].replace("[", "]")
    assert_declines_or_agrees(f"title: {opening}{typed_text}{closing}\ntags: [x]")


def test_line_parser_uses_pyyamls_own_table_of_implicit_types() -> None:
    # The line parser's copy of the table, so that it runs without importing PyYAML.
    def shown(table: dict[str, list[tuple[str, re.Pattern[str]]]]) -> object:
        return {k: [(tag, rx.pattern, rx.flags) for tag, rx in v] for k, v in table.items()}

    assert shown(_IMPLICIT_RESOLVERS) == shown(_loader().yaml_implicit_resolvers)


@pytest.mark.parametrize(
    "line", ["---", "----", "--- ", "---\t", "---\x0b", "---\u2028", "-- -", " ---", "---x", "--"]
)
def test_opening_fence_is_python_frontmatters_test(line: str) -> None:
    handlers = pytest.importorskip("frontmatter.default_handlers")
    boundary = handlers.YAMLHandler.FM_BOUNDARY
    assert (_OPENING.pattern, _OPENING.flags) == (boundary.pattern, boundary.flags)
    assert bool(_OPENING.match(line)) == handlers.YAMLHandler().detect(line)


def test_page_text_articles_and_simple_config_need_no_yaml_or_markdown(tmp_path: Path) -> None:
    # Those imports cost more than reading an article: a rebuild of one article skips them.
    (tmp_path / "config.yaml").write_text("title: T\nper_page: 10\nbase_url: https://a.b/\n")
    (tmp_path / "content").mkdir()
    article = tmp_path / "content" / "a.txt"
    story = (
        "Officials in the capital said on Sunday that the talks on trade would resume soon.\n\n"
        "The minister said prices could rise again before the summer, analysts warned.\n"
    )
    article.write_text(f"---\ntitle: T\ntags: [a, 2024]\ndate: 2024-11-04\n---\n{story}")
    code = f"""
        import sys
        from pathlib import Path
        from zoneinfo import ZoneInfo
        from digest.config import load_config
        from digest.sources import parse_file
        from digest.state import Stamp
        load_config(Path({str(tmp_path / "config.yaml")!r}))
        digest, parsed, _ = parse_file(
            Path({str(article)!r}), "a.txt", Stamp(0, 0), ZoneInfo("UTC"), 45
        )
        assert parsed.article is not None, parsed
        loaded = {{m.split(".")[0] for m in sys.modules}}
        print(sorted(loaded & {{"yaml", "frontmatter", "markdown"}}))
    """
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
