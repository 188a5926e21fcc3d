"""Character classes of Arabic news text, as regex fragments (data, not logic).

Kept in one place so the tokeniser, the normaliser and the number grammar agree
on what a letter, a digit and a separator are.
"""

# Arabic letters, including the extended block and the presentation forms
# (U+FB50-U+FDFF, U+FE70-U+FEFC) that copy-pasted PDFs are full of.
ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06ee-\u06ef\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
# Marks that ride on letters: harakat, superscript alef, Quranic marks, and tatweel.
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
LETTER = f"[{ARABIC_LETTERS}{ARABIC_MARKS}A-Za-z\u00c0-\u024f]"

# Invisible format characters: bidi marks, embeddings and isolates, zero-width
# spaces and joiners, word joiner, the BOM, the Arabic letter mark. Copy-pasted
# news is full of them; they are never part of a word's edge.
INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c"

WESTERN_DIGITS = "0-9"
EASTERN_DIGITS = "\u0660-\u0669"  # ٠-٩
PERSIAN_DIGITS = "\u06f0-\u06f9"  # ۰-۹
DIGIT = f"[{WESTERN_DIGITS}{EASTERN_DIGITS}{PERSIAN_DIGITS}]"

# Decimal and thousands separators that may sit between digits: . , and the
# Arabic decimal (٫ U+066B) and thousands (٬ U+066C) separators.
NUMBER_SEPARATORS = ".,\u066b\u066c"

# Sentence-final punctuation: full stop, question marks (Latin and Arabic),
# exclamation, ellipsis. The Arabic semicolon ends a clause, not a sentence.
SENTENCE_FINAL = (".", "?", "\u061f", "!", "\u2026", "...")
# Closing marks that belong to the sentence they follow.
CLOSING = ('"', "\u00bb", ")", "]", "\u201d", "'", "\u2019", "}")
