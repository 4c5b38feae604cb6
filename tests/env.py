"""Loaded with `-p tests.env` before Django starts: tests never touch the real data folder."""

import os
import tempfile

os.environ["FRAME_DATA_DIR"] = tempfile.mkdtemp(prefix="frame-test-")
os.environ.pop("FRAME_ENV", None)
os.environ["FRAME_TESTING"] = "1"
