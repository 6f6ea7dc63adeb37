"""The hollow share of a set of accounts, estimated as a share (quantification)."""

from __future__ import annotations


def expected_share(risks):
    raise NotImplementedError
