#!/usr/bin/env python
"""Django's command-line utility for Laget (the same as the installed `laget` command)."""

from laget.cli import main

if __name__ == "__main__":
    main()
