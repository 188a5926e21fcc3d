"""Hostile input for the hardening and fuzz tests: a small committed corpus
(corpus/, described by expected.toml), a generator for the huge and binary
cases (generate.py), hypothesis strategies (strategies.py) and the FORMAT.md
invariants every output record must satisfy (invariants.py)."""
