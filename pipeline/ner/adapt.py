"""Domain-adaptive pretraining: masked-LM steps on raw Arabic news.

Why: the rebuilt encoder comes from a 4-bit copy of multilingual-e5-small, a
model trained for sentence embeddings on many languages. A few thousand
masked-LM steps on the news we annotate repair some of the quantisation noise
and move the encoder toward news Arabic before NER fine-tuning sees it
(DESIGN.md, "The default model").

e5 ships no masked-LM head, so the head's transform starts from random
weights; its decoder is tied to the word embeddings. For `head_steps` steps
only the head learns (a random head's gradients would otherwise scramble the
encoder); then everything learns, at the encoder's learning rate.

Text: `raw_news/*.jsonl.gz`, packed into blocks of `block` pieces across
article boundaries (the usual `group_texts`). The last `eval_articles`
articles (of the Tunisian file, read last) are held out to report masked-LM loss
three times: with the random head, when the head has learned on the frozen
encoder ("before": what the unadapted encoder can do), and at the end
("after"). Only before -> after measures the adaptation; the drop from the
random head mostly measures the head learning. Nothing here reads the NER corpora, so the NER dev split
stays unseen.

    python -m pipeline.ner.adapt --base build/base --output build/base-news --minutes 40

Sessions here last hours, the adaptation wants more: the output keeps the
trained head (`mlm_head.safetensors`), so a later run with `--base` set to it
goes on where it stopped -- its head is loaded, not re-learnt (pass
`--head-steps 0`), and another `--seed` draws other articles first.

    python -m pipeline.ner.adapt --base build/base-news --output build/base-news-2 \
        --head-steps 0 --seed 14 --minutes 60
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Iterator

from pipeline.io.raw_news import NEWS_FILES, iter_records, news_path, title_and_text

HEAD_FILE = "mlm_head.safetensors"  # the masked-LM head's transform (its decoder is tied)


@dataclass
class AdaptConfig:
    base: Path
    output: Path
    data_dir: Path = Path("../shared/data")
    minutes: float = 40.0  # wall-clock budget for the training steps
    max_steps: int = 0  # 0 = until the time budget runs out
    head_steps: int = 150
    batch_size: int = 16
    block: int = 128
    lr: float = 5e-5
    head_lr: float = 5e-4
    warmup_steps: int = 100
    mlm_probability: float = 0.15
    eval_articles: int = 300
    max_articles: int = 0  # 0 = every article of both files (tests read a few)
    seed: int = 13
    threads: int = 1
    log_every: int = 25


def read_articles(data_dir: Path, per_file: int = 0) -> list[str]:
    """Title and text of the raw news articles (the first `per_file` of each
    file, or all), file by file."""
    return [title_and_text(rec) for name in NEWS_FILES
            for rec in iter_records(news_path(data_dir, name), per_file)]


def blocks(tokenizer, texts: list[str], block: int) -> Iterator[list[int]]:
    """Consecutive `block`-piece windows (with <s> … </s>) over the joined texts."""
    body = block - 2
    buffer: list[int] = []
    for start in range(0, len(texts), 256):
        enc = tokenizer(texts[start:start + 256], add_special_tokens=False)["input_ids"]
        for ids in enc:
            buffer.extend(ids)
            buffer.append(tokenizer.sep_token_id)  # article boundary
            while len(buffer) >= body:
                yield [tokenizer.cls_token_id, *buffer[:body], tokenizer.sep_token_id]
                del buffer[:body]


def masked_lm_step_loss(model, inputs: dict):
    """Masked-LM loss computed at the masked positions only: the 19k-way
    output layer over all 128 positions of a block would cost more than the
    encoder itself, for the 85% of positions whose loss is ignored."""
    import torch.nn.functional as F

    labels = inputs["labels"]
    hidden = model.bert(input_ids=inputs["input_ids"],
                        attention_mask=inputs.get("attention_mask")).last_hidden_state
    masked = labels != -100
    logits = model.cls(hidden[masked])
    return F.cross_entropy(logits, labels[masked])


def masked_lm_loss(model, collator, batches) -> float:
    import torch

    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for batch in batches:
            total += masked_lm_step_loss(model, collator([{"input_ids": b} for b in batch])).item()
            n += 1
    model.train()
    return total / max(n, 1)


def adapt(cfg: AdaptConfig, log=print) -> dict:
    import torch
    from transformers import (AutoTokenizer, BertForMaskedLM, BertModel,
                              DataCollatorForLanguageModeling)

    torch.set_num_threads(cfg.threads)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    tokenizer = AutoTokenizer.from_pretrained(cfg.base)
    tokenizer.model_max_length = 10**9  # whole articles are tokenised, then cut into blocks
    encoder = BertModel.from_pretrained(cfg.base, dtype=torch.float32, add_pooling_layer=False)
    model = BertForMaskedLM(encoder.config)
    model.bert.load_state_dict(encoder.state_dict(), strict=False)
    model.tie_weights()
    del encoder
    continued = (cfg.base / HEAD_FILE).exists()
    if continued:  # a previous adaptation's head: go on with it
        from safetensors.torch import load_file

        missing, unexpected = model.cls.load_state_dict(load_file(cfg.base / HEAD_FILE),
                                                        strict=False)
        if unexpected or any(".decoder." not in k for k in missing):
            raise ValueError(f"{cfg.base / HEAD_FILE}: not a masked-LM head of this encoder "
                             f"(missing {missing}, unexpected {unexpected})")
        log(f"masked-LM head loaded from {cfg.base / HEAD_FILE}")

    texts = read_articles(cfg.data_dir, cfg.max_articles)
    held_out_texts = texts[-cfg.eval_articles:]
    texts = texts[:-cfg.eval_articles]
    random.Random(cfg.seed).shuffle(texts)
    held_out = list(islice(blocks(tokenizer, held_out_texts, cfg.block), 20 * cfg.batch_size))
    # Masks for the held-out loss are drawn from a fixed generator so "before"
    # and "after" score the same masked positions.
    eval_batches = [held_out[i:i + cfg.batch_size] for i in range(0, len(held_out), cfg.batch_size)]
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=cfg.mlm_probability,
                                               return_tensors="pt")

    def eval_loss() -> float:
        state = torch.get_rng_state()
        torch.manual_seed(cfg.seed + 1)
        loss = masked_lm_loss(model, collator, eval_batches)
        torch.set_rng_state(state)
        return loss

    head = [p for n, p in model.named_parameters() if n.startswith("cls.")
            and "decoder.weight" not in n]
    body = [p for n, p in model.named_parameters() if not n.startswith("cls.")]
    for p in body:
        p.requires_grad_(False)
    optimizer = torch.optim.AdamW([{"params": head, "lr": cfg.head_lr},
                                   {"params": body, "lr": cfg.lr}], weight_decay=0.01)
    # Linear decay to the last step: known with --max-steps; with a time budget,
    # estimated from the speed of the first unfrozen steps.
    expected = float(cfg.max_steps or 1e9)

    def schedule(step: int) -> float:
        return min(1.0, (step + 1) / cfg.warmup_steps) * max(0.05, 1 - step / expected)

    random_head = eval_loss()
    log(f"held-out masked-LM loss with the {'loaded' if continued else 'random'} head: "
        f"{random_head:.3f} ({len(held_out)} blocks)")
    before = random_head if cfg.head_steps == 0 else None
    started = time.time()
    deadline = started + cfg.minutes * 60
    model.train()
    step, running, unfrozen_at = 0, [], started
    block_iter = blocks(tokenizer, texts, cfg.block)
    while True:
        batch = list(islice(block_iter, cfg.batch_size))
        if len(batch) < cfg.batch_size:  # end of the text: another pass
            block_iter = blocks(tokenizer, texts, cfg.block)
            batch = list(islice(block_iter, cfg.batch_size))
            if len(batch) < cfg.batch_size:
                raise ValueError(f"the raw news text makes fewer than {cfg.batch_size} "
                                 f"blocks of {cfg.block} pieces: raise max_articles")
        if step == cfg.head_steps:  # at step 0 with --head-steps 0: no head-only phase
            if before is None:
                before = eval_loss()
                log(f"held-out masked-LM loss before adaptation (head trained, encoder "
                    f"frozen): {before:.3f}")
            for p in body:
                p.requires_grad_(True)
            unfrozen_at = time.time()
            log(f"step {step}: head warmed up, encoder unfrozen")
        factor = schedule(step)
        optimizer.param_groups[0]["lr"] = cfg.head_lr * factor
        optimizer.param_groups[1]["lr"] = cfg.lr * factor
        loss = masked_lm_step_loss(model, collator([{"input_ids": b} for b in batch]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        running.append(loss.item())
        step += 1
        if not cfg.max_steps and step == cfg.head_steps + 20:
            per_step = (time.time() - unfrozen_at) / 20
            expected = step + (deadline - time.time()) / per_step
            log(f"about {per_step:.2f} s a step: {expected:.0f} steps in the budget")
        if step % cfg.log_every == 0:
            log(f"step {step} loss {sum(running) / len(running):.3f} "
                f"({time.time() - started:.0f}s)")
            running = []
        if (cfg.max_steps and step >= cfg.max_steps) or time.time() > deadline:
            break
    after = eval_loss()
    if before is None:  # stopped before the encoder was unfrozen: nothing adapted
        before = after
    log(f"held-out masked-LM loss after {step} steps: {after:.3f} (before adaptation "
        f"{before:.3f}, random head {random_head:.3f})")

    cfg.output.mkdir(parents=True, exist_ok=True)
    model.bert.save_pretrained(cfg.output)
    tokenizer.save_pretrained(cfg.output)
    from safetensors.torch import save_file

    # The decoder is tied (weight to the word embeddings, bias to predictions.bias).
    save_file({k: v.contiguous() for k, v in model.cls.state_dict().items()
               if ".decoder." not in k}, cfg.output / HEAD_FILE)
    summary = json.loads((cfg.base / "base_build.json").read_text(encoding="utf-8")) \
        if (cfg.base / "base_build.json").exists() else {}
    earlier = summary.get("adapted")
    summary["adapted"] = {
        **{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
        "steps": step, "blocks_seen": step * cfg.batch_size,
        "held_out_mlm_loss_random_head": round(random_head, 4),
        "held_out_mlm_loss_before": round(before, 4), "held_out_mlm_loss_after": round(after, 4),
        "held_out_perplexity_before": round(math.exp(before), 2),
        "held_out_perplexity_after": round(math.exp(after), 2),
        "seconds": round(time.time() - started),
        "head_loaded": continued,
        # A run that went on from an earlier adaptation: the steps of all of them.
        "total_steps": step + (earlier or {}).get("total_steps", (earlier or {}).get("steps", 0)),
    }
    if earlier:
        summary["adapted"]["earlier"] = earlier
    (cfg.output / "base_build.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary["adapted"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = AdaptConfig(base=Path(), output=Path())
    ap.add_argument("--base", type=Path, required=True, help="folder written by build-base")
    ap.add_argument("--output", type=Path, required=True)
    for name in ("data_dir", "minutes", "max_steps", "head_steps", "batch_size", "block", "lr",
                 "head_lr", "warmup_steps", "mlm_probability", "eval_articles", "max_articles", "seed",
                 "threads", "log_every"):
        value = getattr(defaults, name)
        ap.add_argument("--" + name.replace("_", "-"), type=type(value), default=value)
    args = ap.parse_args(argv)
    cfg = AdaptConfig(**vars(args))

    def log(msg: str) -> None:
        print(time.strftime("%H:%M:%S"), msg, flush=True)

    adapt(cfg, log)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
