"""The HTML report: one self-contained file (styles and SVG charts inline, no script, no request).

Rendering only: everything shown comes from the dict of :func:`innercircle.report.build.build_report`.
Jinja2 autoescapes every value; charts are SVG built and escaped in :mod:`.charts`. The file carries
its own Content-Security-Policy (no script at all, its one style block allowed by hash, nothing
fetched from anywhere), so even a hostile name in the data cannot run or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from markupsafe import Markup


def nav() -> tuple[tuple[str, str], ...]:
    """Anchors of the report's table of contents, from the section registry."""
    from .build import SECTION_REGISTRY

    return tuple((s.name, s.nav) for s in SECTION_REGISTRY)


def _missing(v) -> bool:
    from jinja2 import Undefined

    return v is None or isinstance(v, Undefined) or (isinstance(v, float) and math.isnan(v))


def fmt_number(v, digits: int = 0) -> str:
    """1234 -> "1,234"; None/NaN -> "unknown"."""
    if _missing(v):
        return "unknown"
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "yes" if v else "no"
    if digits or isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def fmt_pct(v) -> str:
    if _missing(v) or isinstance(v, str):
        return "unknown"
    return f"{100 * v:.1f}%"


def shorten(s, n: int = 120) -> str:
    """At most ``n`` characters (an ellipsis marks a cut); None stays empty."""
    if _missing(s):
        return ""
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


#: Characters that change the direction of the text after them (overrides, embeddings, isolates, marks).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def isolate(value):
    """Every value shown: text holding direction controls is wrapped in FSI … PDI, so a right-to-left
    override in a name cannot reorder what follows it (in text and in attributes alike; the
    stylesheet also isolates the elements that show names, and names sit in ``<bdi>``)."""
    if isinstance(value, str) and not isinstance(value, Markup) and _BIDI.search(value):
        return "\u2068" + value + "\u2069"
    return value


def day(s) -> str:
    return "unknown" if _missing(s) or not s else str(s)[:10]


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment: autoescape on for every template, strict about undefined names."""
    from jinja2 import ChainableUndefined, Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(template_dir())), autoescape=True,
                      undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True, finalize=isolate)
    env.filters.update(n=fmt_number, pct=fmt_pct, short=shorten, day=day)
    return env


def template_dir() -> Path:
    return Path(str(files("innercircle.report") / "templates"))


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (template_dir() / "style.css").read_text(encoding="utf-8")


def style_hash(css: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")


def report_csp(css: str) -> str:
    """No script, no connection, no frame; only the one inline style block (by hash) and data: images."""
    return (f"default-src 'none'; style-src '{style_hash(css)}'; img-src data:; base-uri 'none'; "
            "form-action 'none'")


def charts_for(report: dict) -> dict[str, Markup]:
    """The SVG charts of every section that has data (which chart: the section registry)."""
    from .build import SECTION_REGISTRY

    out: dict[str, Markup] = {}
    for sec in (s for s in SECTION_REGISTRY if s.chart):  # only these: a lazy report builds what is asked
        data = report.get(sec.name) or {}
        if data.get("available"):
            out[sec.name] = CHARTS[sec.chart](data)
    return out


def tier_bars(t: dict) -> Markup:
    from . import charts

    n = t.get("followers") or 0
    return charts.bars([(r["tier"], r["followers"]) for r in t["tiers"]], colors=charts.TIER_COLORS,
                       label="followers per tier", suffix=lambda name, v: fmt_pct(v / n) if n else "")


def activity_months(a: dict) -> Markup:
    from . import charts

    return charts.stacked_months(a["months"], [k for k in a["kinds"] if k not in a.get("unknown_kinds", [])])


def care_scatter(c: dict) -> Markup:
    from . import charts

    return charts.scatter(c["points"])


def reach_funnel(r: dict) -> Markup:
    from . import charts

    return charts.funnel(r["funnel"])


def forecast_range(f: dict) -> Markup:
    from . import charts

    return charts.forecast_range(f.get("expected_responders"), f.get("low"), f.get("high"))


#: The chart functions a section of the registry may name.
CHARTS = {f.__name__: f for f in (tier_bars, activity_months, care_scatter, reach_funnel, forecast_range)}


def render_report(report: dict) -> str:
    """The report dict as one self-contained HTML page."""
    from .. import __version__

    css = stylesheet()
    from .build import SECTION_REGISTRY

    return environment().get_template("report.html").render(
        report=report, meta=report["meta"], charts=charts_for(report), css=Markup(css), csp=report_csp(css),
        nav=nav(), sections=SECTION_REGISTRY, version=__version__)


def write_report(report: dict, path: str | Path) -> Path:
    """Write the HTML report to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(render_report(report), encoding="utf-8")
    return path


__all__ = ["charts_for", "environment", "fmt_number", "fmt_pct", "render_report", "report_csp", "shorten",
           "stylesheet", "write_report"]
