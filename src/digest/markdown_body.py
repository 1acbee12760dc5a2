"""Render Markdown article bodies to HTML that cannot carry scripts.

The `markdown` package is imported on the first Markdown body, not with this module: a
build whose articles are all page text (and every rebuild of one such article) never pays
for it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import markdown

_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|#|/|\.|[^:/?#]+(?:[/?#]|$))", re.IGNORECASE)


@cache
def _no_raw_html() -> type[markdown.extensions.Extension]:
    """The extension that keeps raw HTML as text and drops unsafe links (made on first use)."""
    import xml.etree.ElementTree as ET

    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    class _Sanitise(Treeprocessor):
        """Drop links and images whose address could run script (javascript:, data:)."""

        def run(self, root: ET.Element) -> None:
            """Remove unsafe href/src attributes in place."""
            for element in root.iter():
                for attr in ("href", "src"):
                    value = element.get(attr)
                    if value is not None and not _SAFE_SCHEME.match(value.strip()):
                        del element.attrib[attr]

    class _NoRawHtml(Extension):
        """Treat raw HTML in Markdown as text: content is escaped like everything else."""

        def extendMarkdown(self, md: markdown.Markdown) -> None:
            """Unregister the raw-HTML processors and add the link sanitiser."""
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.treeprocessors.register(_Sanitise(md), "sanitise", 0)

    return _NoRawHtml


_TAGS = re.compile(r"<[^>]+>")


def render_markdown(text: str) -> tuple[str, str | None, str]:
    """Return (html, first level-1 heading or None, plain text) for a Markdown body."""
    from html import unescape

    import markdown

    md = markdown.Markdown(
        extensions=["extra", "sane_lists", _no_raw_html()()], output_format="html"
    )
    title = None
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip():
            if line.startswith("# "):
                title = line[2:].strip().strip("#").strip()
                text = "\n".join(lines[index + 1 :])
            break
    html = md.convert(text)
    plain = unescape(_TAGS.sub(" ", html))
    return html, title, " ".join(plain.split())
