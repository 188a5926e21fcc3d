"""`arabic-news evaluate`: accuracy against gold labels, as numbers and as a picture."""

from __future__ import annotations

import argparse
import sys

from pipeline.commands.common import add_config_options, config_from_args

HELP = "score entities and quantities against gold labels"

DESCRIPTION = """\
Score predicted entities (PER, LOC, ORG) and quantities against gold labels.

GOLD is annotated JSONL (docs/FORMAT.md; a record is gold for entities when
it has an "entities" key, for quantities when it has "quantities") or CoNLL
(.conll: token<TAB>BIO-tag, blank line between sentences; its text is
rebuilt by joining tokens with single spaces, one sentence a line). Without
--pred the configured pipeline runs on the gold texts first; with --pred the
predictions are read from annotated JSONL (as `annotate` or --write-pred
writes it), matched to gold by id and text.

Entities are scored three ways: on the gold tokens with seqeval's default
(conlleval) semantics -- comparable with published scores; on character
spans exactly; and on character spans tolerating a leading clitic
(و ف ب ل ك: gold "وسوريا" vs predicted "سوريا"). Errors are split into
boundary, label, boundary+label, missed and spurious. With --seen TRAIN,
recall and precision are also split between names the training data holds
and names it does not: how the model does on names it never saw.
Quantities get span P/R/F1 (exact and overlapping) and value accuracy per
kind.

Bad gold (misaligned offsets, unknown labels, a CoNLL line without a tag)
stops the run with FILE:LINE; it never scores silently wrong.

exit status: 0 scored, 1 scored but some documents failed in the pipeline
(they count as empty predictions), 2 bad usage, config or gold.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("gold", nargs="+", metavar="GOLD",
                        help="gold files: annotated .jsonl or .conll")
    parser.add_argument("--pred", action="append", default=[], metavar="PRED.jsonl",
                        help="predictions as annotated JSONL (repeatable); default: run the "
                             "configured pipeline on the gold texts")
    parser.add_argument("--dev-split", action="store_true",
                        help="score only the held-out dev split of CoNLL gold: its last 10%% "
                             "of sentences (n - n//10 onwards), the split training leaves out")
    parser.add_argument("--labels", default="PER,LOC,ORG", metavar="A,B,...",
                        help="entity labels to score (default: PER,LOC,ORG); any other gold "
                             "label is an error unless ignored")
    parser.add_argument("--ignore-labels", default="MISC", metavar="A,B,...",
                        help="gold/predicted labels dropped before scoring (default: MISC; "
                             "'' for none)")
    parser.add_argument("--seen", action="append", default=[], metavar="TRAIN",
                        help="training data (annotated .jsonl or CoNLL; repeatable): split "
                             "entity scores into names it holds and names it does not. A "
                             "CoNLL file that is also GOLD under --dev-split counts only "
                             "its training part")
    out = parser.add_argument_group("output")
    out.add_argument("--json", metavar="REPORT.json",
                     help="write the report as JSON (keys documented in docs/evaluate.md)")
    out.add_argument("--plot", metavar="REPORT.png",
                     help="draw per-label P/R/F1 and the confusion matrix (matplotlib)")
    out.add_argument("--baseline", metavar="OLD.json",
                     help="print changes against an earlier --json report")
    out.add_argument("--errors", type=int, default=0, metavar="N",
                     help="print up to N examples of each entity error kind, in context")
    out.add_argument("--write-pred", metavar="PRED.jsonl",
                     help="save the pipeline's predictions, to re-score later with --pred")
    out.add_argument("--no-progress", action="store_true",
                     help="no progress bar (it shows only on a terminal anyway)")
    add_config_options(parser)


def _names(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.evaluate.gold import read_gold
    from pipeline.evaluate.report import (deltas, format_deltas, format_examples,
                                          format_report, format_value_errors, load_report,
                                          plot_report)
    from pipeline.evaluate.run import Evaluation

    if args.errors < 0:
        raise argparse.ArgumentTypeError("--errors N: N must not be negative")
    if args.pred and args.write_pred:
        raise argparse.ArgumentTypeError("--write-pred saves the pipeline's predictions; "
                                         "with --pred there are none to save")
    labels, ignore = _names(args.labels), _names(args.ignore_labels)
    baseline = load_report(args.baseline) if args.baseline else None  # fail before the work
    gold = read_gold(args.gold, labels=labels, ignore=ignore, dev_split=args.dev_split)
    seen = None
    if args.seen:
        from pipeline.evaluate.novelty import SeenNames

        seen = SeenNames.read(args.seen, labels=labels, ignore=ignore,
                              train_part_of=args.gold if args.dev_split else ())
    evaluation = Evaluation(labels=labels, ignore=ignore, seen=seen)
    about: dict[str, object] = {
        "gold": [str(p) for p in args.gold],
        "split": "dev" if args.dev_split else None,
        "labels": list(labels), "ignored_labels": list(ignore),
    }
    if args.pred:
        about.update(_score_predictions(args, gold, evaluation, labels, ignore))
    else:
        about.update(_score_pipeline(args, gold, evaluation))
    rep = evaluation.report(**about)

    print(format_report(rep))
    if args.errors and rep["entities"]:
        print("\nEntity errors, in context (⟦ ⟧ marks gold and predicted spans together):")
        print(format_examples(evaluation.outcomes, args.errors))
    if args.errors and evaluation.quantities.wrong_values:
        print("\nQuantity values that differ (right span):")
        print(format_value_errors(evaluation.quantities.wrong_values, args.errors))
    if baseline is not None:
        print("\n" + format_deltas(deltas(rep, baseline), args.baseline))
    if args.json:
        import json

        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rep, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
        print(f"\nreport: {args.json}", file=sys.stderr)
    if args.plot:
        if not rep["entities"] and not rep["quantities"]:
            print(f"arabic-news evaluate: --plot {args.plot}: nothing was scored, so there is "
                  "nothing to draw", file=sys.stderr)
            return 2
        Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
        plot_report(rep, args.plot)
        print(f"plot: {args.plot}", file=sys.stderr)
    return 1 if rep["failed_documents"] else 0


def _score_predictions(args, gold, evaluation, labels, ignore) -> dict[str, object]:
    from pipeline.evaluate.gold import GoldError, read_annotated_jsonl

    preds = {}
    for path in args.pred:
        for p in read_annotated_jsonl(path, labels=labels, ignore=ignore):
            if p.doc.id in preds:
                raise GoldError(f"{p.where}: predicted id {p.doc.id!r} already given at "
                                f"{preds[p.doc.id].where}")
            preds[p.doc.id] = p
    for g in gold:
        p = preds.get(g.doc.id)
        if p is None:
            raise GoldError(f"{g.where}: no prediction for gold document {g.doc.id!r} "
                            f"in {', '.join(args.pred)}")
        evaluation.add(g, p.doc, entities_predicted=p.has_entities,
                       quantities_predicted=p.has_quantities)
    return {"predictions": ", ".join(args.pred)}


def _score_pipeline(args, gold, evaluation) -> dict[str, object]:
    from tqdm import tqdm

    from pipeline.document import Document

    config = config_from_args(args)
    pipeline = config.build_pipeline()
    stages = config.pipeline.stages
    model = getattr(config.stages.get("entities"), "model", None)
    writer = None
    if args.write_pred:
        from pipeline.io.jsonl import JsonlWriter

        writer = JsonlWriter(args.write_pred)
    # The pipeline sees only id and text: the gold's tokens and entities stay
    # on the gold side, and predictions are projected onto them when scored.
    fresh = (Document(id=g.doc.id, text=g.doc.text) for g in gold)
    show = sys.stderr.isatty() and not args.no_progress
    try:
        for g, pred in zip(gold, tqdm(pipeline.pipe(fresh), total=len(gold), unit="doc",
                                      disable=not show)):
            evaluation.add(g, pred, entities_predicted="entities" in stages,
                           quantities_predicted="quantities" in stages)
            if writer is not None:
                writer.write(pred.to_record(tokens=False))
        if writer is not None:
            writer.commit()
    finally:
        if writer is not None:
            writer.close()
    return {"predictions": "pipeline", "config": str(config.path),
            "stages": list(stages), "model": None if model is None else str(model)}
