"""The bundle's ``mrecist`` executable: the headless command line (core.cli).

The decoding workers are spawned processes (core.dicom.volume.decode_process_pool); in a
frozen bundle each starts this executable again, which ``freeze_support`` turns into the
worker before the command line is read.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from core.cli import main

    sys.exit(main())
