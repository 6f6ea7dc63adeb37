"""The top-level command group; each module of this package adds its commands to it."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="innercircle")
@click.option("--debug", is_flag=True, help="Show the full traceback of an unexpected error.")
def main(debug: bool = False) -> None:
    """innercircle: who works for you, who is hollow, and what your network is worth.

    Everything runs locally on a workspace file (DuckDB); nothing is sent anywhere unless you ask
    for an API fetch. Start with:  innercircle audit
    """
