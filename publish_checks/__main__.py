"""``python -m publish_checks`` and the ``publish-checks`` console script."""

from __future__ import annotations

import sys

from publish_checks.frontend.cli import main as _main


def main() -> None:
    sys.exit(_main())


if __name__ == "__main__":
    main()
