"""Exit 0 when the PostgreSQL server for the tests answers, 1 otherwise (with the reason)."""

import os
import sys

import psycopg

url = os.environ.get("JXC_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
try:
    with psycopg.connect(url, connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except Exception as error:  # any failure means: not available
    print(f"PostgreSQL not reachable at {url}: {error}".strip(), file=sys.stderr)
    sys.exit(1)
