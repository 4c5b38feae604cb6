#!/usr/bin/env python
from frame.cli import main

if __name__ == "__main__":
    main()
