"""Every docstring example in the package runs, as the installed package (not a copy under src/)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import innercircle


def modules() -> list[str]:
    names = (m.name for m in pkgutil.walk_packages(innercircle.__path__, "innercircle."))
    return sorted(n for n in names if not n.endswith("__main__"))  # __main__ runs the CLI on import


@pytest.mark.parametrize("name", modules())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_there_are_examples_to_run():
    finder = doctest.DocTestFinder()
    examples = sum(len(t.examples) for n in modules() for t in finder.find(importlib.import_module(n)))
    assert examples >= 50
