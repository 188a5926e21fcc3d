"""Data tables of the quantities stage (TOML): number words, months, currencies,
units and context words. Loaded by pipeline.quantities.lexicon."""
