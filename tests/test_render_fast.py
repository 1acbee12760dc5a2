"""The render shortcuts (macro calls, escaping, digests) give exactly what plain Jinja gives."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import jinja2
import pytest
from markupsafe import Markup, escape

from digest.article_views import digest
from digest.feeds import _QUOTED, _URL_SAFE
from digest.render import FastEnvironment, Renderer, _escape_output

MACROS = """\
{% macro plain(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}
{% macro defaults(a, b=2, c="<c>") %}[{{ a }}|{{ b }}|{{ c }}]{% endmacro %}
{% macro with_caller(a) %}<{{ caller() }}{{ a }}>{% endmacro %}
{% macro rest(a) %}[{{ a }}{{ varargs|join(",") }}{{ kwargs|dictsort|join(",") }}]{% endmacro %}
{% macro nothing() %}-{% endmacro %}
"""
PAGE = """\
{% import "m.html" as m %}
{{ m.plain("<x>", 1) }} {{ m.defaults("&") }} {{ m.defaults(1, 3) }} {{ m.defaults(1, c=4) }}
{% for i in [1, 2] %}{{ m.plain(i, loop.index) }}{% endfor %}
{% call m.with_caller("<a>") %}in{% endcall %} {{ m.rest(1, 2, 3, k="v") }} {{ m.nothing() }}
{{ m.plain(1, 2)|upper }} {% set s = m.defaults("q") %}{{ s ~ "<" }}
{% autoescape false %}{{ m.plain("<raw>", 1) }}{% endautoescape %}
"""


def render_both(page: str, **context: object) -> tuple[str, str]:
    """Render one template with Jinja's own environment and with digest's."""
    outputs = []
    for cls in (jinja2.Environment, FastEnvironment):
        loader = jinja2.DictLoader({"m.html": MACROS, "page.html": page})
        env = cls(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
        outputs.append(env.get_template("page.html").render(**context))
    return outputs[0], outputs[1]


def test_macro_calls_render_as_jinja_renders_them() -> None:
    plain, fast = render_both(PAGE)
    assert fast == plain
    assert "[&lt;x&gt;|1]" in fast and "[&amp;|2|&lt;c&gt;]" in fast and "[1|2|4]" in fast


def test_macro_call_errors_are_jinja_errors() -> None:
    for page in ('{% import "m.html" as m %}{{ m.plain(1, 2, 3) }}',
                 '{% import "m.html" as m %}{{ m.plain(1, d=2) }}'):  # fmt: skip
        with pytest.raises(TypeError):
            render_both(page)


@pytest.mark.parametrize(
    "value",
    [
        "", "plain", "x" * 500, "“quoted” text " * 40, "a & b " * 40, "<b>" + "x" * 300,
        "x" * 300 + ">", "x" * 300 + "'", 'x' * 300 + '"', "é" * 200 + "&", 7, None,
        Markup("<i>kept</i>" * 30), "\U0001f600" * 200 + "<",
    ],
)  # fmt: skip
def test_output_escaping_is_markupsafes(value: object) -> None:
    assert _escape_output(value) == escape(value)


@dataclass(frozen=True)
class Point:
    """A dataclass, digested by its repr."""

    x: int


def test_digest_is_by_value_and_tells_kinds_apart() -> None:
    a, b = "".join(["ti", "tle"]), "title"  # equal strings, different objects
    assert a is not b
    assert digest(a, [a, a], None) == digest(b, [b, b], None)
    assert digest("1") != digest(1) != digest(True) and digest(None) != digest("None")
    assert digest(("a", "b")) != digest(("a",), "b") != digest("ab")
    assert digest(Point(1)) == digest(Point(1)) != digest(Point(2))
    assert digest(Markup("<b>")) != digest("<b>")


@pytest.mark.parametrize(
    "url",
    ["https://example.org/2024/11/04/a-b_c~d/", "https://example.org/tags/q?x=1&y=2#f",
     "https://example.org/tags/café/", "https://example.org/a b/", "https://x.org/<>\"{}|^`"],
)  # fmt: skip
def test_plain_addresses_skip_percent_encoding_only_when_it_changes_nothing(url: str) -> None:
    quoted = quote(url, safe=_URL_SAFE)
    assert bool(_QUOTED.fullmatch(url)) == (quoted == url)


def test_renderer_prepares_templates_but_reports_their_errors_when_used() -> None:
    loader = jinja2.DictLoader({"article.html": "{% if %}", "home.html": "ok"})
    env = FastEnvironment(loader=loader, autoescape=True)
    renderer = Renderer(env)
    renderer.prepare()  # article.html cannot be parsed: left for render to report
    assert renderer.template_deps("home.html") == {"t:home.html"}
    with pytest.raises(jinja2.TemplateSyntaxError):
        renderer.template_deps("article.html")
