"""The ``savantsdk`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .__about__ import version


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="savantsdk",
        description=(
            "MLB data from Baseball Savant, the MLB Stats API, PrizePicks, The Odds API and "
            "SportRadar, cached and rate-limited, turned into player props."
        ),
    )
    parser.add_argument("--version", action="version", version=f"savantsdk {version()}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return 0  # pragma: no cover - subcommands are dispatched by their own handlers


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
