#!/usr/bin/env python3
"""Build, check and preview the PVD « chiffres clés » bulletin (see README.md)."""

from bulletin.launch import entry

if __name__ == "__main__":
    entry()
