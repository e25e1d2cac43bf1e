from core.cli import main
import sys

sys.exit(main())
