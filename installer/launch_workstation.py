"""The bundle's ``mrecist-workstation`` executable: the reading station (desktop.app)."""

import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
