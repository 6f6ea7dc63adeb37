"""Readable terminal output: the audit headline and table, follower lists. Presentation only."""

from __future__ import annotations


def fmt(value, *, pct: bool = False, digits: int = 2) -> str:
    """A number for people: thousands separators; "unknown" for None/NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return "unknown"
    if pct:
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def print_audit(result: dict, *, label: str | None = None) -> None:
    """The audit: headline first, then tiers, actions by kind, care and concentration."""
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    who = escape(result.get("handle") or result["me"])
    headline = f"followers {fmt(result['followers'])} — working for you {fmt(result['working'])}"
    console.print(f"[bold]{headline}[/bold]")
    sub = f"owner {who}"
    if result.get("me_source") == "most followers":
        sub += " (chosen as the account with the most followers; give --me to choose)"
    if label:
        sub += f" · {label}"
    console.print(sub)
    console.print(f"window: the {result['window_days']} days up to {result['as_of'][:10]}")

    console.print("\n[bold]Tiers[/bold]")
    tiers = Table(show_edge=False)
    tiers.add_column("tier")
    tiers.add_column("followers", justify="right")
    tiers.add_column("share", justify="right")
    n = result["followers"] or 0
    for tier in ("committed", "occasional", "attentive", "silent", "hollow"):
        v = result.get(tier)
        tiers.add_row(tier, fmt(v), fmt(v / n, pct=True) if isinstance(v, int) and n else "unknown")
    if result.get("unknown_tier"):
        tiers.add_row("unknown", fmt(result["unknown_tier"]), fmt(result["unknown_tier"] / n, pct=True) if n else "")
    console.print(tiers)

    console.print("\n[bold]Actions toward you in the window[/bold]")
    kinds = Table(show_edge=False)
    kinds.add_column("kind")
    kinds.add_column("count", justify="right")
    for kind, count in result["by_kind"].items():
        kinds.add_row(kind, fmt(count))
    console.print(kinds)

    console.print("\n[bold]The effective network[/bold]")
    facts = Table(show_edge=False, show_header=False)
    facts.add_column("measure")
    facts.add_column("value", justify="right")
    rows = [
        ("working share", fmt(result["working_share"], pct=True)),
        ("following / mutual", f"{fmt(result['following'])} / {fmt(result['mutual'])}"),
        ("followers on the profile", fmt(result.get("followers_count_profile"))),
        ("80% of active actions come from", f"{fmt(result['concentration'])} of your followers"),
        ("care given vs received (rank correlation)", fmt(result["care_correlation"])),
        ("non-followers who act for you", fmt(result["non_follower_working"])),
        ("hollow share (flagged)", fmt(result.get("hollow_share"), pct=True)),
        ("hollow share (estimated, 90% interval)", _estimate(result)),
    ]
    for a, b in rows:
        facts.add_row(a, b)
    console.print(facts)
    if result.get("unknown_facts"):
        console.print(f"your sources cannot tell: {', '.join(result['unknown_facts'])} (shown as unknown, not 0)")
    if result.get("future_interactions_left_out"):
        console.print(f"{result['future_interactions_left_out']:,} interactions dated in the future were left out")


#: Roughly how wide each column of the followers table is on screen (header or value, plus padding).
WIDTHS = {"handle": 26, "tier": 12, "engagement_score": 12, "last_active": 12, "shares": 8, "replies": 9,
          "likes": 7, "care_balance": 9, "mentions": 10, "segment": 12, "alignment_score": 11}


def fit_columns(cols: list[str], width: int) -> list[str]:
    """The first columns of ``cols`` (most important first) that fit ``width`` characters, in order.

    >>> fit_columns(["handle", "tier", "engagement_score", "segment"], 60)
    ['handle', 'tier', 'engagement_score']
    """
    out, used = [], 0
    for c in cols:
        if used + WIDTHS.get(c, 10) > width and out:
            break
        out.append(c)
        used += WIDTHS.get(c, 10)
    return out


def _estimate(result: dict) -> str:
    share = result.get("hollow_expected_share")
    if share is None:
        return "unknown"
    return (f"{fmt(share, pct=True)} ({fmt(result.get('hollow_expected_share_low'), pct=True)} to "
            f"{fmt(result.get('hollow_expected_share_high'), pct=True)})")


def print_followers(table, *, limit: int = 30) -> None:
    """The top ``limit`` followers as a table."""
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    t = Table(show_edge=False)
    cols = fit_columns(["handle", "tier", "engagement_score", "last_active", "shares", "replies", "likes",
                        "care_balance", "mentions", "segment", "alignment_score"], console.width)
    for c in cols:
        t.add_column(c.replace("_", " "), justify="left" if c in ("handle", "tier", "segment") else "right",
                     overflow="ellipsis", max_width=24 if c == "handle" else None)
    for row in table.head(limit).itertuples(index=False):
        values = []
        for c in cols:
            v = getattr(row, c)
            if c == "handle":
                v = v if isinstance(v, str) and v else row.id
            if c == "last_active":
                v = str(v)[:10] if v is not None and v == v else "—"
            values.append(escape(fmt(v.item() if hasattr(v, "item") else v)))
        t.add_row(*values)
    console.print(t)
    hidden = "" if console.width >= sum(WIDTHS.values()) else "; widen the terminal or use --csv for every column"
    console.print(f"{len(table):,} follower{'' if len(table) == 1 else 's'}"
                  + (f" (first {limit} shown)" if len(table) > limit else "") + hidden)
