#!/usr/bin/env python3
"""Build, check and preview the PVD « chiffres clés » bulletin (see README.md)."""

import sys

from bulletin.cli import main

if __name__ == "__main__":
    sys.exit(main())
