"""Connection policies: small TOML files of named rules, each a condition in a tiny safe language.

A policy file::

    name = "picky"
    description = "Only link with people you would meet for a drink, recommend and do business with."
    otherwise = "review"            # the decision when no rule settles it

    [[rules]]
    name = "meet_for_a_drink"
    description = "would meet for a drink: you talk both ways or have met"
    when = "conversation_both_ways or 'met' in tags"
    decides = "require"             # require (must hold to connect) | connect | decline (when true)

Conditions use field names (:data:`FIELDS`), numbers, 'strings', ``true``/``false``, lists
``['a', 'b']``, comparisons ``== != < <= > >=``, ``in`` / ``not in`` (a value in a list, a tag in
``tags``), ``and``, ``or``, ``not`` and parentheses. They are parsed here into a tree and evaluated
by walking it — never by ``eval``. Logic is three-valued: a comparison with an unknown value is
unknown, ``false and unknown`` is false, ``true or unknown`` is true, anything else with unknown is
unknown.

Deciding, per candidate: any ``decline`` rule true → **decline**; else any ``decline`` rule
unknown → **review** (a hollow account is never connected by accident); else when every
``require`` rule is true and (if there are ``connect`` rules) one of them is true → **connect**;
else ``otherwise`` (default **review**). An unknown rule therefore leads to review, never to
connect.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

DECISIONS = ("connect", "decline", "review")
EFFECTS = ("require", "connect", "decline")
PRESETS = ("picky", "follow-back")

#: Fields a condition may use, with their meaning (the same names as the advise table's columns).
FIELDS: dict[str, str] = {
    "follows_me": "the account follows you (true/false)",
    "i_follow": "you follow the account",
    "invited_me": "the account sent you a pending invitation",
    "relation": "why it is a candidate: 'invitation', 'follower' or 'recommended'",
    "tier": "audit tier of a follower: committed, occasional, attentive, silent, hollow, unknown; "
            "'not_follower' otherwise",
    "engagement_score": "recency-weighted actions toward you (the audit's engagement_score)",
    "active_actions": "active actions toward you in the window",
    "care_received": "care the account gave you",
    "care_given": "care you gave the account",
    "care_balance": "(received − given) / (received + given), −1..1",
    "conversation_both_ways": "messages or replies exist in both directions between you",
    "mutual_contacts": "accounts tied (a follow either way) to both you and the account",
    "core_links": "members of your trusted core tied to the account",
    "trust_score": "percentile of trust from your trusted core (0-1)",
    "alignment_score": "closeness of the account's words to your stated values (0-1)",
    "hollow_risk": "chance the account is hollow (0-1)",
    "hollow": "the account is judged hollow (fake, automated, mass follower, farm, inactive)",
    "hollow_kind": "fake, automated, mass_follower, follow_back_farm, inactive or ''",
    "segment": "customer, supplier, prospect, peer, fan, competitor, press or other",
    "tags": "your tags on the account (use: 'met' in tags)",
    "followers_count": "followers the account's profile shows",
    "following_count": "accounts the account's profile says it follows",
    "score": "recommendation score (recommended candidates)",
}

_TOKEN = re.compile(r"""\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'[^']*'|"[^"]*")|(?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
                        |(?P<name>[A-Za-z_][A-Za-z0-9_]*))""", re.VERBOSE)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says where."""


# ------------------------------------------------------------------------------------------------
# parsing: tokens → a tree of tuples ("or", a, b) / ("cmp", op, a, b) / ("field", name) / ("lit", v)

def _tokens(text: str) -> list[tuple[str, object]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read {text[pos:pos + 12]!r} at position {pos + 1}")
        pos = m.end()
        if m["num"] is not None:
            out.append(("lit", float(m["num"])))
        elif m["str"] is not None:
            out.append(("lit", m["str"][1:-1]))
        elif m["op"] is not None:
            out.append(("op", m["op"]))
        elif m["name"] in ("true", "false"):
            out.append(("lit", m["name"] == "true"))
        elif m["name"] in _KEYWORDS:
            out.append(("kw", m["name"]))
        else:
            out.append(("name", m["name"]))
    return out


class _Parser:
    def __init__(self, text: str):
        self.toks, self.i = _tokens(text), 0

    def peek(self, kind=None, value=None) -> bool:
        if self.i >= len(self.toks):
            return False
        k, v = self.toks[self.i]
        return (kind is None or k == kind) and (value is None or v == value)

    def take(self, kind=None, value=None):
        if not self.peek(kind, value):
            got = repr(self.toks[self.i][1]) if self.i < len(self.toks) else "the end"
            raise ConditionError(f"expected {value or kind} but found {got}")
        self.i += 1
        return self.toks[self.i - 1][1]

    def parse(self):
        tree = self.or_()
        if self.i != len(self.toks):
            raise ConditionError(f"unexpected {self.toks[self.i][1]!r}")
        return tree

    def or_(self):
        node = self.and_()
        while self.peek("kw", "or"):
            self.take()
            node = ("or", node, self.and_())
        return node

    def and_(self):
        node = self.not_()
        while self.peek("kw", "and"):
            self.take()
            node = ("and", node, self.not_())
        return node

    def not_(self):
        if self.peek("kw", "not"):
            self.take()
            return ("not", self.not_())
        return self.cmp()

    def cmp(self):
        left = self.value()
        if self.peek("op") and self.toks[self.i][1] in ("==", "!=", "<", "<=", ">", ">="):
            return ("cmp", self.take(), left, self.value())
        if self.peek("kw", "in"):
            self.take()
            return ("in", left, self.value())
        if self.peek("kw", "not") and self.i + 1 < len(self.toks) and self.toks[self.i + 1] == ("kw", "in"):
            self.i += 2
            return ("not", ("in", left, self.value()))
        return left

    def value(self):
        if self.peek("lit"):
            return ("lit", self.take())
        if self.peek("name"):
            return ("field", self.take())
        if self.peek("op", "("):
            self.take()
            node = self.or_()
            self.take("op", ")")
            return node
        if self.peek("op", "["):
            self.take()
            items = []
            while not self.peek("op", "]"):
                items.append(self.take("lit"))
                if not self.peek("op", "]"):
                    self.take("op", ",")
            self.take("op", "]")
            return ("lit", tuple(items))
        got = repr(self.toks[self.i][1]) if self.i < len(self.toks) else "the end"
        raise ConditionError(f"expected a value but found {got}")


def parse_condition(text: str):
    """The condition ``text`` as a tree; raises :class:`ConditionError` with the reason."""
    if not str(text).strip():
        raise ConditionError("the condition is empty")
    return _Parser(str(text)).parse()


def fields_of(tree) -> list[str]:
    """The field names a condition uses, in order of appearance."""
    if tree[0] == "field":
        return [tree[1]]
    if tree[0] == "lit":
        return []
    return list(dict.fromkeys(f for sub in tree[1:] if isinstance(sub, tuple) for f in fields_of(sub)))


# ------------------------------------------------------------------------------------------------
# evaluation: three-valued (True / False / None = unknown)

def _unknown(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NAType", "NaTType")


def _truth(v):
    if _unknown(v):
        return None
    if isinstance(v, (set, frozenset, tuple, list, str)):
        return len(v) > 0
    return bool(v)


def evaluate(tree, row: dict):
    """Evaluate a parsed condition on one candidate (a dict of fields): True, False or None."""
    op = tree[0]
    if op == "lit":
        return tree[1]
    if op == "field":
        v = row.get(tree[1])
        return None if _unknown(v) else v
    if op == "not":
        v = _truth(evaluate(tree[1], row))
        return None if v is None else not v
    if op in ("and", "or"):
        a, b = _truth(evaluate(tree[1], row)), _truth(evaluate(tree[2], row))
        stop = op == "or"  # the value that settles the result
        if a is stop or b is stop:
            return stop
        return None if a is None or b is None else not stop
    if op == "in":
        a, b = evaluate(tree[1], row), evaluate(tree[2], row)
        if a is None or b is None:
            return None
        if isinstance(b, str):
            return str(a) in b
        return a in b
    a, b = evaluate(tree[2], row), evaluate(tree[3], row)
    if a is None or b is None:
        return None
    try:
        return {"==": a == b, "!=": a != b}[tree[1]] if tree[1] in ("==", "!=") else \
            {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[tree[1]]
    except TypeError:
        return None


# ------------------------------------------------------------------------------------------------
# policies

@dataclass(frozen=True)
class Rule:
    """One named rule: a description in plain words, a condition, and what it decides."""

    name: str
    description: str
    when: str
    decides: str
    tree: tuple = field(repr=False, compare=False, default=())

    @property
    def fields(self) -> list[str]:
        return fields_of(self.tree)


@dataclass(frozen=True)
class Policy:
    """A named list of rules and the decision when none settles it."""

    name: str
    description: str
    rules: tuple[Rule, ...]
    otherwise: str = "review"
    source: str = ""

    def decide(self, row: dict) -> tuple[str, list[str], list[str]]:
        """(decision, reasons in plain words, names of the rules that decided) for one candidate."""
        results = [(r, evaluate(r.tree, row)) for r in self.rules]
        results = [(r, _truth(v)) for r, v in results]
        declined = [(r, v) for r, v in results if r.decides == "decline" and v is True]
        if declined:
            return "decline", [_reason(r, v, row) for r, v in declined], [r.name for r, _ in declined]
        doubtful = [(r, v) for r, v in results if r.decides == "decline" and v is None]
        required = [(r, v) for r, v in results if r.decides == "require"]
        connects = [(r, v) for r, v in results if r.decides == "connect"]
        settle = required + [(r, v) for r, v in connects if v is True]
        ok = (bool(required) or bool(connects)) and all(v is True for _, v in required) and \
            (not connects or any(v is True for _, v in connects))
        if ok and not doubtful:
            return "connect", [_reason(r, v, row) for r, v in settle], [r.name for r, _ in settle]
        blocking = doubtful + [(r, v) for r, v in required if v is not True] + \
            ([(r, v) for r, v in connects] if connects and not any(v is True for _, v in connects) else [])
        decision = "review" if doubtful or any(v is None for _, v in blocking) else self.otherwise
        if not blocking:
            return decision, ["no rule decides"], []
        return decision, [_reason(r, v, row) for r, v in blocking], [r.name for r, _ in blocking]

    def to_toml(self) -> str:
        """The policy as TOML text (what ``policy show`` prints)."""
        lines = [f"name = {_q(self.name)}", f"description = {_q(self.description)}",
                 f"otherwise = {_q(self.otherwise)}"]
        for r in self.rules:
            lines += ["", "[[rules]]", f"name = {_q(r.name)}", f"description = {_q(r.description)}",
                      f"when = {_q(r.when)}", f"decides = {_q(r.decides)}"]
        return "\n".join(lines) + "\n"


def _q(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fmt(v) -> str:
    if _unknown(v):
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, (set, frozenset, list, tuple)):
        return ", ".join(sorted(map(str, v))) or "none"
    return str(v) if str(v) else "none"


def _reason(rule: Rule, value, row: dict) -> str:
    mark = {True: "yes", False: "no", None: "unknown"}[value]
    facts = ", ".join(f"{f.replace('_', ' ')} {_fmt(row.get(f))}" for f in rule.fields)
    return f"{mark}: {rule.description}" + (f" ({facts})" if facts else "")


def parse_policy(data: dict, *, source: str = "") -> Policy:
    """A :class:`Policy` from parsed TOML; errors name the file and the rule."""
    def bad(message, where=None, hint=None):
        return InputError(message, file=source or None, field=where, hint=hint)

    rules = data.get("rules") or data.get("rule")
    if not isinstance(rules, list) or not rules:
        raise bad("a policy needs at least one [[rules]] table", "rules",
                  "see 'innercircle policy show picky' for the layout")
    otherwise = str(data.get("otherwise", "review"))
    if otherwise not in DECISIONS:
        raise bad(f"otherwise must be one of {', '.join(DECISIONS)}, not {otherwise!r}", "otherwise")
    out = []
    for i, r in enumerate(rules, 1):
        where = f"rules[{i}]"
        if not isinstance(r, dict):
            raise bad("each rule must be a table with name, description, when, decides", where)
        name = str(r.get("name") or f"rule_{i}")
        for key in ("description", "when", "decides"):
            if key not in r or not str(r[key]).strip():
                raise bad(f"rule {name!r} has no {key}", f"{where}.{key}")
        decides = str(r["decides"]).strip()
        if decides not in EFFECTS:
            raise bad(f"rule {name!r}: decides must be one of {', '.join(EFFECTS)}, not {decides!r}",
                      f"{where}.decides")
        try:
            tree = parse_condition(str(r["when"]))
        except ConditionError as e:
            raise bad(f"rule {name!r}: {e}", f"{where}.when") from None
        unknown = [f for f in fields_of(tree) if f not in FIELDS]
        if unknown:
            raise bad(f"rule {name!r} uses unknown field {unknown[0]!r}", f"{where}.when",
                      f"known fields: {', '.join(sorted(FIELDS))}")
        out.append(Rule(name, str(r["description"]).strip(), str(r["when"]).strip(), decides, tree))
    return Policy(str(data.get("name") or Path(source).stem or "policy"), str(data.get("description", "")),
                  tuple(out), otherwise, source)


def preset_text(name: str) -> str:
    """The TOML text of a built-in preset (``picky`` or ``follow-back``)."""
    from importlib.resources import files

    if name not in PRESETS:
        raise InputError(f"no preset named {name!r}", field="NAME", hint=f"choose one of: {', '.join(PRESETS)}")
    return files("innercircle").joinpath("policies", f"{name}.toml").read_text(encoding="utf-8")


def load_policy(name_or_path: str | Path) -> Policy:
    """A preset by name (``picky``, ``follow-back``) or a policy TOML file."""
    import tomllib

    key = str(name_or_path)
    if key in PRESETS:
        text, source = preset_text(key), f"preset {key}"
    else:
        path = Path(key)
        if not path.is_file():
            raise InputError("no such policy file or preset", file=key,
                             hint=f"use one of: {', '.join(PRESETS)}, or a TOML file")
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"not valid TOML: {e}", file=source) from None
    return parse_policy(data, source=source)


__all__ = ["DECISIONS", "EFFECTS", "FIELDS", "PRESETS", "ConditionError", "Policy", "Rule", "evaluate",
           "fields_of", "load_policy", "parse_condition", "parse_policy", "preset_text"]
