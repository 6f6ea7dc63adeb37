"""Charts as inline SVG, drawn on the server from the report dict: no script, no request, no font.

Every function returns :class:`markupsafe.Markup`. Numbers are formatted here; every piece of text
that came from data (handles, kinds, months) goes through :func:`markupsafe.escape`, so a chart
is safe to drop into a page. Colours are SVG presentation attributes (allowed by a strict CSP).
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

TIER_COLORS = {"committed": "#1b7f5b", "occasional": "#58b38a", "attentive": "#e0b341", "silent": "#b9bec7",
               "hollow": "#c8553d", "unknown": "#8d99ae"}
KIND_COLORS = {"share": "#1b7f5b", "reply": "#2e6fb7", "mention": "#7b5ea7", "visit": "#e0b341",
               "message": "#d1495b", "contribution": "#00a6a6", "word_of_mouth": "#f28f3b", "response": "#6a994e",
               "like": "#c0c5ce"}
FALLBACK = "#8d99ae"


def _fmt(v, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "unknown"
    if isinstance(v, float) and digits:
        return f"{v:,.{digits}f}"
    return f"{int(round(v)):,}"


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    head = (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">')
    return Markup(head + f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, s, *, anchor: str = "start", size: int = 12, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{c}>'
            f"{escape(str(s))}</text>")


def bars(rows: list[tuple[str, float | None]], *, colors: dict | None = None, label: str = "bar chart",
         width: int = 640, suffix=None) -> Markup:
    """Horizontal bars, one per (label, value); an unknown value is drawn as a dashed outline."""
    colors = colors or {}
    row_h, left, right = 26, 150, 110
    height = row_h * max(len(rows), 1) + 10
    top = max([v for _, v in rows if v is not None] + [1])
    body = []
    for i, (name, v) in enumerate(rows):
        y = 5 + i * row_h
        body.append(_text(left - 8, y + 17, name, anchor="end"))
        if v is None:
            body.append(f'<rect x="{left}" y="{y + 4}" width="60" height="{row_h - 8}" fill="none" '
                        f'stroke="{FALLBACK}" stroke-dasharray="4 3"/>')
            body.append(_text(left + 68, y + 17, "unknown"))
            continue
        w = (width - left - right) * (v / top) if top else 0
        body.append(f'<rect x="{left}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
                    f'fill="{colors.get(name, FALLBACK)}"/>')
        extra = f" ({suffix(name, v)})" if suffix else ""
        body.append(_text(left + w + 6, y + 17, _fmt(v) + extra))
    return _svg(width, height, body, label)


def stacked_months(months: list[dict], kinds: list[str], *, label: str = "actions by kind per month",
                   width: int = 720, height: int = 260) -> Markup:
    """Stacked columns: one per month, one colour per kind (unknown kinds are left out), with a legend."""
    left, bottom, top_pad = 48, 40, 10
    legend_h = 20 * math.ceil(len(kinds) / 5)
    plot_h = height - bottom - top_pad
    totals = [sum(m.get(k) or 0 for k in kinds) for m in months]
    peak = max(totals + [1])
    n = max(len(months), 1)
    step = (width - left - 10) / n
    body = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" y2="{top_pad + plot_h}" stroke="#888"/>',
            _text(left - 6, top_pad + 10, _fmt(peak), anchor="end", size=11),
            _text(left - 6, top_pad + plot_h, "0", anchor="end", size=11)]
    for i, m in enumerate(months):
        x, y = left + i * step + 2, top_pad + plot_h
        for k in kinds:
            v = m.get(k) or 0
            if not v:
                continue
            h = plot_h * v / peak
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(step - 4, 1):.1f}" height="{h:.1f}" '
                        f'fill="{KIND_COLORS.get(k, FALLBACK)}"><title>{escape(m["month"])} {escape(k)}: '
                        f"{_fmt(v)}</title></rect>")
        if n <= 14 or i % 2 == 0:
            body.append(_text(x + step / 2 - 2, top_pad + plot_h + 14, str(m["month"])[2:], anchor="middle", size=10))
    for j, k in enumerate(kinds):
        lx, ly = left + (j % 5) * 130, height + 4 + 20 * (j // 5)
        body.append(f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{KIND_COLORS.get(k, FALLBACK)}"/>')
        body.append(_text(lx + 14, ly + 9, k.replace("_", " "), size=11))
    return _svg(width, height + legend_h, body, label)


def scatter(points: list[dict], *, label: str = "care given versus care received", width: int = 560,
            height: int = 400) -> Markup:
    """Care given (x) versus care received (y) on log(1 + x) axes, one dot per follower, coloured by tier."""
    left, bottom, pad = 56, 44, 12
    pw, ph = width - left - pad, height - bottom - pad
    xmax = max([p["care_given"] for p in points] + [1.0])
    ymax = max([p["care_received"] for p in points] + [1.0])
    sx = lambda v: left + pw * math.log1p(v) / math.log1p(xmax)  # noqa: E731
    sy = lambda v: pad + ph - ph * math.log1p(v) / math.log1p(ymax)  # noqa: E731
    top = min(xmax, ymax)
    body = [f'<rect x="{left}" y="{pad}" width="{pw}" height="{ph}" fill="none" stroke="#ccc"/>',
            f'<line x1="{sx(0):.1f}" y1="{sy(0):.1f}" x2="{sx(top):.1f}" y2="{sy(top):.1f}" stroke="#999" '
            'stroke-dasharray="5 4"/>',
            _text(left + pw / 2, height - 8, "care given by you (log scale)", anchor="middle"),
            f'<text x="14" y="{pad + ph / 2:.1f}" font-size="12" text-anchor="middle" '
            f'transform="rotate(-90 14 {pad + ph / 2:.1f})">care received from them (log scale)</text>',
            _text(left, height - 26, "0", anchor="middle", size=10),
            _text(left + pw, height - 26, _fmt(xmax), anchor="middle", size=10),
            _text(left - 4, pad + 10, _fmt(ymax), anchor="end", size=10)]
    for p in points:
        who = p.get("handle") or p.get("id")
        body.append(f'<circle cx="{sx(p["care_given"]):.1f}" cy="{sy(p["care_received"]):.1f}" r="3" '
                    f'fill="{TIER_COLORS.get(p.get("tier"), FALLBACK)}" fill-opacity="0.7"><title>'
                    f'{escape(str(who)[:80])} ({escape(str(p.get("tier")))}): given {_fmt(p["care_given"], 1)}, '
                    f'received {_fmt(p["care_received"], 1)}</title></circle>')
    return _svg(width, height, body, label)


def funnel(steps: list[dict], *, label: str = "reach funnel", width: int = 720) -> Markup:
    """The reach funnel: per step a solid bar (distinct people) over a pale bar (the naive sum)."""
    row_h, left, right = 44, 170, 190
    height = row_h * max(len(steps), 1) + 24
    values = [s.get(k) for s in steps for k in ("distinct", "naive") if s.get(k) is not None]
    peak = max(values + [1])
    scale = lambda v: (width - left - right) * math.sqrt(v / peak)  # noqa: E731 - sqrt keeps small steps visible
    body = [_text(left, 14, "solid: distinct people · pale: the naive sum (bar length ∝ √count)", size=11)]
    for i, s in enumerate(steps):
        y = 24 + i * row_h
        body.append(_text(left - 8, y + 22, s["step"], anchor="end"))
        naive, distinct = s.get("naive"), s.get("distinct")
        if naive is not None:
            body.append(f'<rect x="{left}" y="{y + 4}" width="{max(scale(naive), 1):.1f}" height="{row_h - 10}" '
                        'fill="#d7dde6"/>')
        if distinct is not None:
            body.append(f'<rect x="{left}" y="{y + 10}" width="{max(scale(distinct), 1):.1f}" '
                        f'height="{row_h - 22}" fill="#2e6fb7"/>')
        body.append(_text(width - right + 8, y + 18, f"{_fmt(distinct)} distinct", size=12))
        body.append(_text(width - right + 8, y + 33, f"naive sum {_fmt(naive)}", size=11, cls="muted"))
    return _svg(width, height, body, label)


def forecast_range(expected, low, high, *, label: str = "response forecast", width: int = 640) -> Markup:
    """A number line from 0 with the 10th–90th percentile band and the expected value marked."""
    if expected is None:
        return _svg(width, 40, [_text(10, 24, "forecast unknown")], label)
    height, left, right = 90, 30, 30
    top = max(float(high if high is not None else expected) * 1.2, 1.0)
    sx = lambda v: left + (width - left - right) * float(v) / top  # noqa: E731
    body = [f'<line x1="{left}" y1="50" x2="{width - right}" y2="50" stroke="#888"/>',
            _text(left, 70, "0", anchor="middle", size=11),
            _text(width - right, 70, _fmt(top), anchor="middle", size=11)]
    if low is not None and high is not None:
        body.append(f'<rect x="{sx(low):.1f}" y="38" width="{max(sx(high) - sx(low), 2):.1f}" height="24" '
                    'fill="#b7d3f0"/>')
        body.append(_text(sx(low), 84, f"10th pct {_fmt(low)}", anchor="middle", size=11))
        body.append(_text(sx(high), 84, f"90th pct {_fmt(high)}", anchor="middle", size=11))
    body.append(f'<line x1="{sx(expected):.1f}" y1="30" x2="{sx(expected):.1f}" y2="70" stroke="#1b3a5c" '
                'stroke-width="3"/>')
    body.append(_text(sx(expected), 24, f"expected {_fmt(expected, 1)}", anchor="middle"))
    return _svg(width, height, body, label)


__all__ = ["KIND_COLORS", "TIER_COLORS", "bars", "forecast_range", "funnel", "scatter", "stacked_months"]
