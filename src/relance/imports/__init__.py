"""Import services: files in, ledger rows out, with a row-by-row report.

Every import is idempotent (re-importing the same file changes nothing) and
atomic per file: a file that cannot be read at all writes nothing; a row that
cannot be read is rejected while the others import.
"""
