"""Render a frozen site through Jinja templates into output files; rendering mutates nothing.

Templates come from the site's templates folder first (file by file), then the packaged
theme. Any template problem becomes a ContentError naming the template file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import CodeType, TracebackType
from typing import Any

import jinja2
import jinja2.meta
from jinja2.runtime import Context, Macro
from jinja2.utils import missing
from markupsafe import Markup, escape

try:  # MarkupSafe 3's C escaper of plain text; older versions' escape() is C code itself
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - depends on the installed MarkupSafe
    _escape_inner = None  # type: ignore[assignment]

from .config import Config
from .errors import ContentError
from .feeds import FeedPlan, robots_page, sitemap_page
from .load import is_ignored_name
from .model import Site
from .pages import Page, PagePlan
from .views import ItemView

THEME_DIR = Path(__file__).parent / "theme"
ALL_TEMPLATES = "t:*"  # dependency on every template, for pages with dynamic includes
# Templates get `item_card(item)`, also written `item|card`: the `item` macro of this
# template with its default arguments, rendered once per article and reused on every listing
# that shows it. The filter is the cheaper call (a function call goes through Jinja's
# `Context.call`, a filter is called directly), which counts on listings of 20 cards.
CARD_TEMPLATE = "_macros.html"
CARD_FUNCTION = "item_card"
CARD_FILTER = "card"
# The templates pages render with (`pages.py`, `feeds.py`): a Renderer works out what each
# of them uses when it is made, so forked render workers share that instead of each
# parsing every template again.
PAGE_TEMPLATES = (
    "article.html", "home.html", "source.html", "tag.html", "day.html", "sources.html",
    "tags.html", "archive.html", "404.html", "atom.xml", "sitemap.xml", "robots.txt",
)  # fmt: skip
# Text longer than this is searched for characters to escape before it is escaped.
_SCAN_FIRST = 150
# Keyword arguments compiled templates pass to every call: scope, not arguments.
_SCOPE_KEYWORDS = frozenset({"_block_vars", "_loop_vars"})


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One rendered file and what it was made from (for incremental builds)."""

    path: str  # relative posix path in the output dir, e.g. "2024/11/04/slug/index.html"
    data: bytes
    # "config", "t:<template>" for each template used, "a:<key>" for each article shown, and
    # "v:<digest>" of everything else the page shows (names, neighbours, pagination).
    deps: frozenset[str]


def _escape_output(value: object) -> str:
    """Escape one `{{ }}` value of autoescaped template output (what Jinja's `escape` gives).

    Compiled templates call `escape` on every value they print and only join the results,
    so text need not become Markup on the way: skipping that wrapper (about 100 values a
    page) takes 0.46 s off the 1.6 s of rendering a 10,000-article site.
    """
    if type(value) is str:
        # Most paragraphs hold nothing to escape. Five searches for one character each run
        # at memchr speed, several times faster than MarkupSafe's loop over every character
        # (a fifth of an article page's rendering); on short text the loop is cheaper.
        if len(value) > _SCAN_FIRST and not (
            "<" in value or "&" in value or "'" in value or '"' in value or ">" in value
        ):
            return value
        return _escape_inner(value)
    if type(value) is Markup:
        return value
    return escape(value)


class FastTemplate(jinja2.Template):
    """A template whose printed values are escaped by `_escape_output`."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        """Load compiled code, then point its `escape` at the faster one."""
        template = super().from_code(environment, code, globals, uptodate)
        if _escape_inner is not None:
            # Every function of a compiled template (blocks, macros) shares this namespace
            # and looks `escape` up there: only output goes through it (see the docstring).
            template.root_render_func.__globals__["escape"] = _escape_output
        return template


def _bindable(macro: Any, given: int) -> bool:
    """Tell whether a call with `given` positional arguments only can skip Jinja's binding."""
    # Binding is needed for `caller`, catch-all arguments (varargs, kwargs) and async.
    return (
        type(macro) is Macro
        and given <= macro._argument_count
        and not (macro.caller or macro.explicit_caller or macro.catch_kwargs)
        and not (macro.catch_varargs or macro._environment.is_async)
    )


class FastContext(Context):
    """A template context that calls macros with fewer steps."""

    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call a macro given positional arguments straight away, anything else as Jinja does.

        Jinja's way inspects the callable and then binds the arguments one by one: that was
        about 2 µs of each call, and an article page makes three or four (`m.when`...).
        """
        if kwargs.keys() <= _SCOPE_KEYWORDS and _bindable(obj, len(args)):
            # What Macro.__call__ does with these: arguments not given are `missing`
            # (the macro then uses its defaults), and autoescaping makes the text Markup.
            if len(args) < obj._argument_count:
                args += (missing,) * (obj._argument_count - len(args))
            try:
                text = obj._func(*args)
            except StopIteration:
                return self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
            return Markup(text) if self.eval_ctx.autoescape else text
        return super().call(obj, *args, **kwargs)


class FastEnvironment(jinja2.Environment):
    """An environment whose templates render with less overhead per page."""

    template_class = FastTemplate
    context_class = FastContext

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dict instead of a ChainMap over the environment's.

        Jinja copies the map on every render and every `{% import %}`; with a ChainMap
        that was a tenth of the render time. Environment globals are never changed after
        templates load (Jinja's documented rule), so the copy cannot go stale.
        """
        return {**self.globals, **(d or {})}


def make_environment(config: Config) -> jinja2.Environment:
    """Create the Jinja environment: site templates over the theme, strict and autoescaping."""
    theme = jinja2.FileSystemLoader(THEME_DIR / "templates")
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(config.templates_dir),
            theme,
            # `{% extends "theme/base.html" %}` lets an override build on the file it replaces.
            jinja2.PrefixLoader({"theme": theme}),
        ]
    )
    env = FastEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A plain dict instead of the locked LRU cache: every page asks for its template,
        # the one it extends and the macros it imports; a theme has a few dozen templates.
        cache_size=-1,
    )

    def card(item: ItemView) -> Markup:
        # Uncached, for templates rendered without a Renderer (which puts its own here).
        return env.get_template(CARD_TEMPLATE).module.item(item)  # type: ignore[attr-defined, no-any-return]

    env.filters[CARD_FILTER] = card
    return env


def render_site(site: Site, env: jinja2.Environment) -> Iterator[OutputFile]:
    """Render every page, feed, the sitemap, robots.txt and 404.html of a site."""
    renderer = Renderer(env)
    plan = PagePlan(site)
    in_sitemap: list[tuple[str, datetime | None]] = []
    for page in plan.pages():
        yield renderer.render(page)
        if page.url is not None:
            in_sitemap.append((page.url, page.lastmod))
    for page in FeedPlan(plan).pages():
        yield renderer.render(page)
    yield renderer.render(sitemap_page(plan, in_sitemap))
    yield renderer.render(robots_page(plan))


def static_files(config: Config) -> list[tuple[str, Path]]:
    """List static files as (output path, source): the theme's, overridden by the site's."""
    found: dict[str, Path] = {}
    for root in (THEME_DIR / "static", config.templates_dir / "static"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            parts = path.relative_to(root).parts
            if path.is_file() and not any(is_ignored_name(p) for p in parts):
                found["static/" + "/".join(parts)] = path
    return sorted(found.items())


class Renderer:
    """Renders planned pages, remembering which templates each template pulls in."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._deps: dict[str, frozenset[str]] = {}
        # Keyed by URL; the view is kept to check that a hit shows the same item.
        self._cards: dict[str, tuple[ItemView, Markup]] = {}
        self._card_macro: Callable[[ItemView], Markup] | None = None
        env.filters[CARD_FILTER] = self.item_card

    def prepare(self) -> None:
        """Load the page templates and work out their dependencies now, before workers fork.

        A rebuild of a dozen pages skips this: parsing every template costs more than they.

        A template problem is left for `render` to report with its location.
        """
        for name in PAGE_TEMPLATES:
            known = dict(self._deps)
            try:
                self.env.get_template(name)
                self.template_deps(name)
            except Exception:  # reported by render, at its place
                self._deps = known  # no half-made entries

    def render(self, page: Page) -> OutputFile:
        """Render one page into an output file with its dependencies."""
        data = self.render_bytes(page)
        templates = self.template_deps(page.template)
        deps = frozenset(
            ["config", "v:" + page.version, *templates, *["a:" + k for k in page.keys]]
        )
        return OutputFile(page.path, data, deps)

    def render_bytes(self, page: Page) -> bytes:
        """Render one page's bytes (the build records its templates itself)."""
        try:
            template = self.env.get_template(page.template)
            text = template.render(page.context, **{CARD_FUNCTION: self.item_card})
        except jinja2.TemplateSyntaxError as exc:
            raise _syntax_error(exc) from None
        except Exception as exc:
            error = self._located(exc, page)
            if error is None:
                raise  # not raised by template code: a bug in digest, keep the traceback
            raise error from exc
        return text.encode("utf-8")

    def item_card(self, item: ItemView) -> Markup:
        """Render a listing item with the `item` macro of `_macros.html`, once per item.

        A listing item shows on about five listings; its card does not depend on the page.
        """
        hit = self._cards.get(item.url)
        if hit is not None and (hit[0] is item or hit[0] == item):
            return hit[1]
        if self._card_macro is None:
            self._card_macro = _card_function(self.env)
        html = self._card_macro(item)
        self._cards[item.url] = (item, html)
        return html

    def template_deps(self, name: str) -> frozenset[str]:
        """Return `t:<name>` for a template and every template it extends, includes or imports."""
        cached = self._deps.get(name)
        if cached is not None:
            return cached
        self._deps[name] = frozenset({f"t:{name}"})  # guards against include cycles
        if self.env.loader is None:
            raise TypeError("the environment has no template loader; use make_environment()")
        source, _filename, _uptodate = self.env.loader.get_source(self.env, name)
        found = {f"t:{name}"}
        ast = self.env.parse(source, name)
        if _uses_card(ast):
            found |= self.template_deps(CARD_TEMPLATE)
        for ref in jinja2.meta.find_referenced_templates(ast):
            # A computed template name could be anything: depend on all templates.
            found |= self.template_deps(ref) if ref is not None else {ALL_TEMPLATES}
        self._deps[name] = frozenset(found)
        return self._deps[name]

    def _located(self, exc: Exception, page: Page) -> ContentError | None:
        """Turn an error raised inside template code into a ContentError at its line."""
        where = _template_frame(exc.__traceback__, self._search_paths())
        if where is None:
            if isinstance(exc, jinja2.TemplateNotFound):
                hint = f"add {exc.name} to {self._search_paths()[0]} or fix the template name"
                return ContentError(page.template, 1, f"template {exc.name!r} not found", hint)
            return None
        path, line = where
        if isinstance(exc, jinja2.TemplateNotFound):
            message = f"template {exc.name!r} not found"
            hint = "check the name in this include, import or extends tag"
        elif isinstance(exc, jinja2.UndefinedError):
            message = f"undefined value: {exc.message}"
            hint = f"{page.template} gets: " + ", ".join(sorted(page.context))
        else:
            message = f"template error: {type(exc).__name__}: {exc}"
            hint = f"check the expression on this line; {page.template} gets: " + ", ".join(
                sorted(page.context)
            )
        return ContentError(path, line, message, hint)

    def _search_paths(self) -> list[str]:
        paths: list[str] = []
        loader = self.env.loader
        loaders = loader.loaders if isinstance(loader, jinja2.ChoiceLoader) else [loader]
        for item in loaders:
            if isinstance(item, jinja2.FileSystemLoader):
                paths.extend(str(Path(p)) for p in item.searchpath)
        return paths


def _card_function(env: jinja2.Environment) -> Callable[[ItemView], Markup]:
    """The `item` macro of `_macros.html` as a function of one item, called directly if it can."""
    macro = env.get_template(CARD_TEMPLATE).module.item  # type: ignore[attr-defined]
    if not (_bindable(macro, 1) and macro._default_autoescape):
        return macro  # type: ignore[no-any-return]
    function, rest = macro._func, (missing,) * (macro._argument_count - 1)
    return lambda item: Markup(function(item, *rest))  # as Macro.__call__ does it


def _uses_card(ast: jinja2.nodes.Template) -> bool:
    """Tell whether a template shows item cards (`item_card(...)` or `|card`).

    Any use of the name counts, even of a variable the template sets itself: a dependency
    too many only re-renders a page, and this is a tenth of the cost of
    `jinja2.meta.find_undeclared_variables`.
    """
    return any(n.name == CARD_FUNCTION for n in ast.find_all(jinja2.nodes.Name)) or any(
        f.name == CARD_FILTER for f in ast.find_all(jinja2.nodes.Filter)
    )


def _syntax_error(exc: jinja2.TemplateSyntaxError) -> ContentError:
    path = exc.filename or exc.name or "<template>"
    return ContentError(
        path,
        exc.lineno,
        f"template syntax error: {exc.message}",
        "check the {% %} and {{ }} tags on this line and that every block is closed",
    )


def _template_frame(tb: TracebackType | None, roots: list[str]) -> tuple[str, int] | None:
    """Find the innermost traceback frame that runs template code (Jinja maps it to the file)."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(Path(filename).is_relative_to(root) for root in roots):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
