"""Show an evaluation report: terminal tables, deltas against a baseline,
error examples in context, and a picture (per-label P/R/F1 and a confusion matrix).

Everything here reads the report dict (run.Evaluation.report), never the
scorer, so a saved report.json can be shown, compared or plotted again.
The tables print percentages (published NER scores are quoted that way);
the JSON keeps fractions in [0, 1].
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

from pipeline.document import Document
from pipeline.evaluate.errors import CATEGORIES, Outcome
from pipeline.evaluate.novelty import format_novelty
from pipeline.io.readers import InputError

ENTITY_VIEWS = (("token", "token (seqeval)"), ("char_exact", "char exact"),
                ("char_clitic", "char clitic-tolerant"))
QUANTITY_VIEWS = (("exact", "exact span"), ("overlap", "overlapping span"))


def _pct(x: float | None) -> str:
    return "   -" if x is None else f"{100 * x:5.1f}"


def _prf(scores: dict[str, Any] | None) -> str:
    if scores is None or (scores.get("support") == 0 and scores.get("predicted") == 0):
        return f"{'-':>5} {'-':>5} {'-':>5}"  # nothing to score: undefined, not 0
    return f"{_pct(scores['precision'])} {_pct(scores['recall'])} {_pct(scores['f1'])}"


def _accuracy(val: dict[str, Any]) -> str:
    """Value accuracy and how many spans it is over; undefined with none."""
    shown = _pct(val["accuracy"]) if val["matched"] else f"{'-':>5}"
    return f"{shown} ({val['matched']:>4})"


def format_report(rep: dict[str, Any]) -> str:
    lines: list[str] = []
    run, counts = rep.get("run", {}), rep["counts"]
    gold = ", ".join(map(str, run.get("gold", []))) or "?"
    split = f" [{run['split']} split]" if run.get("split") else ""
    lines.append(f"gold: {gold}{split}; predictions: {run.get('predictions', '?')}")
    line = f"{counts['documents']} documents"
    if counts["entity_documents"]:
        line += (f"; entities over {counts['sentences']:,} sentences, "
                 f"{counts['tokens']:,} tokens")
    lines.append(line)
    ents = rep.get("entities")
    if ents:
        lines += ["", "Entities: precision / recall / F1 (%)"]
        header = f"{'label':<8}{'support':>8}  " + "  ".join(
            f"{title:^17}" for _, title in ENTITY_VIEWS)
        lines.append(header)
        lines.append(f"{'':<8}{'':>8}  " + "  ".join(
            f"{'P':>5} {'R':>5} {'F1':>5}" for _ in ENTITY_VIEWS))
        token = ents["token"]
        for label in token["per_label"]:
            support = token["per_label"][label]["support"]
            lines.append(f"{label:<8}{support:>8,}  " + "  ".join(
                _prf(ents[key]["per_label"].get(label)) for key, _ in ENTITY_VIEWS))
        for avg in ("micro", "macro"):
            support = token["micro"]["support"] if avg == "micro" else ""
            support_text = f"{support:>8,}" if support != "" else f"{'':>8}"
            lines.append(f"{avg:<8}{support_text}  " + "  ".join(
                _prf(ents[key][avg]) for key, _ in ENTITY_VIEWS))
        errs = ents["errors"]
        lines += ["", "Entity outcomes (character spans): " + ", ".join(
            f"{c} {errs.get(c, 0):,}" for c in CATEGORIES)]
        conf = ents["confusion"]
        names = conf["labels"]
        lines += ["", "Confusion (rows gold, columns predicted; O = no entity)",
                  f"{'':<8}" + "".join(f"{n:>8}" for n in names)]
        for name, row in zip(names, conf["matrix"]):
            lines.append(f"{name:<8}" + "".join(f"{v:>8,}" for v in row))
        if ents.get("novelty"):
            lines += format_novelty(ents["novelty"])
    qty = rep.get("quantities")
    if qty:
        lines += ["", "Quantities: precision / recall / F1 (%), value accuracy (%)"]
        lines.append(f"{'kind':<11}{'support':>8}  " + "  ".join(
            f"{title:^17}" for _, title in QUANTITY_VIEWS) + f"  {'value':>13}")
        for kind, exact in qty["exact"]["per_label"].items():
            val = qty["value"]["per_kind"][kind]
            lines.append(f"{kind:<11}{exact['support']:>8,}  "
                         + "  ".join(_prf(qty[key]["per_label"][kind]) for key, _ in QUANTITY_VIEWS)
                         + f"  {_accuracy(val)}")
        val = qty["value"]["micro"]
        lines.append(f"{'micro':<11}{qty['exact']['micro']['support']:>8,}  "
                     + "  ".join(_prf(qty[key]["micro"]) for key, _ in QUANTITY_VIEWS)
                     + f"  {_accuracy(val)}")
        lines.append(f"{'macro':<11}{'':>8}  "
                     + "  ".join(_prf(qty[key]["macro"]) for key, _ in QUANTITY_VIEWS))
    for task, n in rep.get("not_scored", {}).items():
        lines += ["", f"{task}: not scored ({n} gold documents have them, but the predictions "
                      f"do not: no {task} stage ran, or the records lack \"{task}\")"]
    if not ents and not qty and not rep.get("not_scored"):
        lines += ["", "nothing scored: the gold has neither entities nor quantities"]
    if rep.get("failed_documents"):
        lines += ["", f"{len(rep['failed_documents'])} documents failed in the pipeline "
                      "(scored as empty predictions):"]
        lines += [f"  {f['id']}: {f.get('type')}: {f.get('message')}"
                  for f in rep["failed_documents"][:10]]
    return "\n".join(lines)


# -- deltas against an earlier report ----------------------------------------
def _headline(rep: dict[str, Any]) -> dict[str, float]:
    """The figures a comparison shows: F1 per label and averages, per view."""
    out: dict[str, float] = {}
    ents = rep.get("entities") or {}
    for key, title in ENTITY_VIEWS:
        view = ents.get(key)
        if not view:
            continue
        for label, s in view["per_label"].items():
            out[f"entities {title} {label} F1"] = s["f1"]
        out[f"entities {title} micro F1"] = view["micro"]["f1"]
        out[f"entities {title} macro F1"] = view["macro"]["f1"]
    qty = rep.get("quantities") or {}
    for key, title in QUANTITY_VIEWS:
        if key in qty:
            for kind, s in qty[key]["per_label"].items():
                out[f"quantities {title} {kind} F1"] = s["f1"]
            out[f"quantities {title} micro F1"] = qty[key]["micro"]["f1"]
    if "value" in qty:
        out["quantities value accuracy"] = qty["value"]["micro"]["accuracy"]
    return out


def deltas(current: dict[str, Any], baseline: dict[str, Any]) -> list[tuple[str, float | None,
                                                                             float | None]]:
    """(figure, baseline, current) for every headline figure of either report."""
    new, old = _headline(current), _headline(baseline)
    names = list(new) + [k for k in old if k not in new]
    return [(k, old.get(k), new.get(k)) for k in names]


def format_deltas(rows: Iterable[tuple[str, float | None, float | None]], baseline: str) -> str:
    rows = list(rows)
    width = max((len(name) for name, _, _ in rows), default=10)
    lines = [f"Against {baseline} (F1 / accuracy, %):",
             f"{'':<{width}}  {'before':>6}  {'now':>6}  {'change':>7}"]
    for name, old, new in rows:
        change = "" if old is None or new is None else f"{100 * (new - old):+7.1f}"
        lines.append(f"{name:<{width}}  {_pct(old):>6}  {_pct(new):>6}  {change:>7}")
    return "\n".join(lines)


def load_report(path: str | Path) -> dict[str, Any]:
    from pipeline.evaluate.run import REPORT_SCHEMA

    try:
        rep = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read a report: {exc}") from None
    if not isinstance(rep, dict) or rep.get("schema") != REPORT_SCHEMA:
        raise InputError(f"{path}: not an evaluate report (schema {REPORT_SCHEMA!r})")
    return rep


# -- error examples in context --------------------------------------------------
def _context(doc: Document, start: int, end: int, width: int = 40) -> str:
    """The sentence around [start, end), the stretch in ⟦ ⟧, cut to `width` chars a side."""
    sent = doc.sentence_of(start)
    lo = max(sent.start if sent else 0, start - width)
    hi = min(sent.end if sent else len(doc.text), end + width)
    text = (doc.text[lo:start] + "⟦" + doc.text[start:end] + "⟧" + doc.text[end:hi])
    return " ".join(text.split())


def format_examples(outcomes: Sequence[tuple[Document, Outcome]], n: int,
                    categories: Sequence[str] = CATEGORIES[2:]) -> str:
    """Up to `n` examples of each error category, in document order."""
    lines: list[str] = []
    for category in categories:
        picked = [(d, o) for d, o in outcomes if o.category == category][:n]
        if not picked:
            continue
        lines.append(f"{category}:")
        for doc, o in picked:
            gold = f"{o.gold.label} «{o.gold.text}»" if o.gold else "-"
            pred = f"{o.pred.label} «{o.pred.text}»" if o.pred else "-"
            spans = [e for e in (o.gold, o.pred) if e is not None]
            start, end = min(e.start for e in spans), max(e.end for e in spans)
            lines.append(f"  {doc.id}@{start}  gold {gold}  pred {pred}")
            lines.append(f"      {_context(doc, start, end)}")
    return "\n".join(lines) if lines else "no entity errors"


def format_value_errors(pairs: Sequence[tuple[Any, Any]], n: int) -> str:
    """Up to `n` quantities found at the right offsets with a wrong value."""
    lines = []
    for gold, pred in pairs[:n]:
        g = {k: v for k, v in gold.to_record().items() if k not in ("start", "end", "text")}
        p = {k: v for k, v in pred.to_record().items() if k not in ("start", "end", "text")}
        diff = {k: (g.get(k), p.get(k)) for k in sorted(set(g) | set(p)) if g.get(k) != p.get(k)}
        lines.append(f"  «{gold.text}»  " + ", ".join(
            f"{k}: gold {a!r} pred {b!r}" for k, (a, b) in diff.items()))
    return "\n".join(lines)


# -- the picture ----------------------------------------------------------------
def plot_report(rep: dict[str, Any], path: str | Path) -> None:
    """Per-label P/R/F1 bars (token level), the confusion matrix, and per-kind
    quantity F1 / value accuracy when quantities were scored."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never needs a display
    import matplotlib.pyplot as plt

    ents, qty = rep.get("entities"), rep.get("quantities")
    panels = (2 if ents else 0) + (1 if qty else 0)
    if not panels:
        raise ValueError("nothing to plot: no entity or quantity scores in the report")
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.8), squeeze=False)
    axes = list(axes[0])
    if ents:
        view = ents["token"]
        names = [*view["per_label"], "micro", "macro"]
        rows = [*view["per_label"].values(), view["micro"], view["macro"]]
        _bars(axes.pop(0), names, rows, ("precision", "recall", "f1"),
              "Entities, token level (seqeval)")
        _matrix(axes.pop(0), ents["confusion"])
    if qty:
        kinds = list(qty["exact"]["per_label"])
        rows = [{"exact F1": qty["exact"]["per_label"][k]["f1"],
                 "overlap F1": qty["overlap"]["per_label"][k]["f1"],
                 "value acc.": qty["value"]["per_kind"][k]["accuracy"]} for k in kinds]
        _bars(axes.pop(0), kinds, rows, ("exact F1", "overlap F1", "value acc."),
              "Quantities per kind")
    split = rep.get("run", {}).get("split")
    fig.suptitle("arabic-news evaluate" + (f" — {split} split" if split else ""))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _bars(ax, names: Sequence[str], rows: Sequence[dict[str, float]],
          keys: Sequence[str], title: str) -> None:
    width = 0.8 / len(keys)
    for k, key in enumerate(keys):
        xs = [i + (k - (len(keys) - 1) / 2) * width for i in range(len(names))]
        values = [100 * r[key] for r in rows]
        bars = ax.bar(xs, values, width, label=key)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(names)), names, rotation=30 if len(names) > 6 else 0)
    ax.set_xlim(-0.6, max(len(names), 3) - 0.4)  # one kind alone is not one huge bar
    ax.set_ylim(0, 118)  # headroom for the legend above 100 %
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("%")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper center", ncol=len(keys), frameon=False)


def _matrix(ax, conf: dict[str, Any]) -> None:
    names, matrix = conf["labels"], conf["matrix"]
    ax.imshow(matrix, cmap="Blues")
    top = max((v for row in matrix for v in row), default=0)
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            ax.text(j, i, f"{v}", ha="center", va="center",
                    color="white" if top and v > top / 2 else "black", fontsize=9)
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted (O = none)")
    ax.set_ylabel("gold (O = none)")
    ax.set_title("Entity confusion (character spans)")
