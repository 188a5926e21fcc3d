"""Optional stanza tokenizer, from models on disk only.

Stanza normally checks the network at start-up and downloads what is missing;
here that must never happen, so we pass `download_method=None` and check the
model folder ourselves first, with an error that says how to fill it.
"""

from __future__ import annotations

from pathlib import Path

HOW_TO_GET = (
    "On a machine with network: pip install 'arabic-news-pipeline[stanza]' && "
    "python -c \"import stanza; stanza.download('ar', model_dir='DIR', processors='tokenize,mwt')\" "
    "then copy DIR here and set [stages.tokenize] stanza_dir = \"DIR\"."
)


class StanzaUnavailable(RuntimeError):
    pass


class StanzaTokenizer:
    def __init__(self, model_dir: Path):
        try:
            import stanza
        except ImportError as exc:
            raise StanzaUnavailable(f"backend 'stanza' needs the stanza package. {HOW_TO_GET}") from exc
        if not (model_dir / "ar").is_dir() or not any((model_dir / "ar").glob("tokenize/*.pt")):
            raise StanzaUnavailable(
                f"backend 'stanza': no Arabic tokenizer model under {model_dir}/ar/tokenize. "
                f"{HOW_TO_GET}")
        self._nlp = stanza.Pipeline("ar", dir=str(model_dir), processors="tokenize",
                                    download_method=None, verbose=False)

    def __call__(self, text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        doc = self._nlp(text)
        tokens, sentences = [], []
        for sent in doc.sentences:
            toks = [(t.start_char, t.end_char) for t in sent.tokens]
            if toks:
                tokens.extend(toks)
                sentences.append((toks[0][0], toks[-1][1]))
        return tokens, sentences
