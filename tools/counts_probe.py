#!/usr/bin/env python3
"""What a classifier's sentence counts know, against the generator's truth.

Reads the output of CountsDump.java (per labelled pair: counts, coverage, per sentence the match logit and the
relatedness) and labels/composition.jsonl (per sentence its role: visual, contradiction, filler; the objects of
the image), and prints on the test split:
  - relatedness per role and its ROC AUC, image-related sentences above fillers;
  - the match logit's ROC AUC, true sentences above contradictions;
  - the coverage against the number of distinct objects the true sentences describe, and the model's count of the
    objects shown against the true number;
  - a small MLP (32 ReLU units, Adam, full batch) trained on the training split's counts, with and without the
    coverage and the true number of objects in the image (which the model must read from the image): the CMI and
    SC accuracy the counts allow, apart from how the classifier learns them.
Needs PyTorch (Debian: python3-torch); a probe outside the build.

  python3 tools/counts_probe.py counts.jsonl datasets/default/labels/composition.jsonl
"""
import argparse
import json

import numpy as np
import torch

from sentence_verifier_ceiling import read_composition


def auc(pos, neg):
    pos, neg = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


def features(pair, objects, extra):
    f = list(pair["counts"])
    if "coverage" in extra:
        f.append(pair["coverage"] / 4)
    if "objects" in extra:
        f.append(objects / 4)
    if "shown" in extra:
        f.append(pair["objects"] / 4)
        f.append(min(pair["coverage"] / max(pair["objects"], 1), 1.5))
    return f


def probe(pairs, composition, extra, seeds=3, steps=1500):
    """Mean test accuracy (CMI, SC) of an MLP on the counts over seeds."""
    split = {s: [p for p in pairs if p["split"] == s] for s in ("train", "test")}
    x = {s: torch.tensor([features(p, len(composition[p["pair"]]["objects"]), extra) for p in ps], dtype=torch.float32)
         for s, ps in split.items()}
    y = {s: torch.tensor([[p["cmi"], p["sc"]] for p in ps]) for s, ps in split.items()}
    right = []
    for seed in range(seeds):
        torch.manual_seed(seed)
        per_measure = []
        for k in (0, 1):
            net = torch.nn.Sequential(torch.nn.Linear(x["train"].shape[1], 32), torch.nn.ReLU(), torch.nn.Linear(32, 5))
            opt = torch.optim.Adam(net.parameters(), lr=0.01)
            for _ in range(steps):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(x["train"]), y["train"][:, k]).backward()
                opt.step()
            with torch.no_grad():
                per_measure.append((net(x["test"]).argmax(1) == y["test"][:, k]).float().mean().item())
        right.append(per_measure)
    return np.mean(right, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("counts", help="CountsDump.java output")
    ap.add_argument("composition", help="labels/composition.jsonl of the generated corpus")
    args = ap.parse_args()
    torch.set_num_threads(1)
    pairs = [json.loads(line) for line in open(args.counts)]
    composition = read_composition(args.composition)
    related, match, coverage, described, shown, objects = {}, {}, [], [], [], []
    for p in pairs:
        if p["split"] != "test":
            continue
        c = composition[p["pair"]]
        roles = [s["role"] for s in c["sentences"]]
        if len(roles) != len(p["match"]):
            raise SystemExit(f"{p['pair']}: {len(p['match'])} sentences in the dump, {len(roles)} in the composition")
        for role, m, r in zip(roles, p["match"], p["related"]):
            related.setdefault(role, []).append(r)
            match.setdefault(role, []).append(m)
        coverage.append(p["coverage"])
        shown.append(p.get("objects", -1))
        objects.append(len(c["objects"]))
        described.append(len({s["object"] for s in c["sentences"] if s["role"] == "visual"}))
    print("test sentences:", {k: len(v) for k, v in related.items()})
    print("relatedness mean per role:", {k: round(float(np.mean(v)), 3) for k, v in related.items()})
    print("relatedness AUC, image-related above fillers: %.4f"
          % auc(related["visual"] + related["contradiction"], related["filler"]))
    print("match logit AUC, true above contradicting: %.4f" % auc(match["visual"], match["contradiction"]))
    if coverage[0] >= 0:
        coverage, described = np.asarray(coverage), np.asarray(described)
        print("coverage mean by objects described:",
              {int(d): round(float(coverage[described == d].mean()), 3) for d in np.unique(described)},
              "correlation %.3f" % np.corrcoef(coverage, described)[0, 1])
    if shown[0] >= 0:
        shown, objects = np.asarray(shown), np.asarray(objects)
        print("objects shown, model's count rounded right: %.3f, mean absolute error %.3f"
              % (float((np.rint(shown) == objects).mean()), float(np.abs(shown - objects).mean())))
    options = [[], ["objects"]] + ([["coverage"], ["coverage", "objects"]] if coverage[0] >= 0 else [])
    if shown[0] >= 0:
        options.append(["coverage", "shown"])
    for extra in options:
        cmi, sc = probe(pairs, composition, extra)
        print("MLP on the counts%s: test CMI %.3f, SC %.3f"
              % ("".join(" + " + e for e in extra) + (" (true)" if "objects" in extra else ""), cmi, sc))


if __name__ == "__main__":
    main()
