"""``python -m claimfmt``: the same as the ``claimfmt`` command."""

import sys

from claimfmt.cli import main

sys.exit(main())
