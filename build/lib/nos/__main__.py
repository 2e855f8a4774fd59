import sys

from nos.main import main

sys.exit(main())
