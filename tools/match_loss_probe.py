#!/usr/bin/python3
"""Which of the match head's choices keep it from checking claims: its loss or its sentence input?

The Java head (MatchHead) learnt from caption phrases reached test-claim ROC AUC 0.67, a PyTorch verifier on the
same grid and phrases 0.82 accuracy (sentence_verifier_ceiling.py --supervision captions). They differed in two
ways, and this probe crosses them on the same data (caption phrases of the COCO-format captions, the mixed7 grid
dumps of InceptionGridDump.java) with the same head (attention over the cells, product and projections ->
ReLU -> logit), scoring per epoch the labelled test split's true against contradicting sentences (generator
truth, labels/composition.jsonl) by ROC AUC:
  --sentence bow     a bag of words (0/1 over the corpus's words) through learnt layers
  --sentence white   the mean of the whitened Word2Vec vectors (what the Java head read beside its LSTM)
  --loss binary      each phrase true of its image, false of one random other image (the verifier's)
  --loss softmax     each phrase picks its image among the batch's 16 (the Java head's, until 2026-11-27)
  --loss inbatch     binary against every other image of the batch, own and others weighted 1/2 each (the
                     Java head's since)

    python3 tools/match_loss_probe.py --labelled-grid LABELLED.f32 --caption-grid COCO.f32 --loss inbatch
"""
import argparse
import json
import random
import re

import numpy as np
import torch

from caption_match_probe import word_vectors
from sentence_verifier_ceiling import object_phrases, read_composition, read_grid

ROOT = "datasets/default"


def roc_auc(truth, scores):
    """Mann-Whitney: the chance that a true sentence scores above a false one (ties broken by order)."""
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positive = truth == 1
    n = positive.sum()
    return (ranks[positive].sum() - n * (n + 1) / 2) / (n * (~positive).sum())


def tokens(text):
    return re.findall(r"[a-z]+", text.lower())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labelled-grid", required=True, help="mixed7 dump of labelled.jsonl's images, in its order")
    parser.add_argument("--caption-grid", required=True, help="mixed7 dump of captions_train.json's images, in its order")
    parser.add_argument("--sentence", choices=["bow", "white"], default="bow")
    parser.add_argument("--loss", choices=["binary", "softmax", "inbatch"], default="inbatch")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--word2vec", default="models/word2vec.zip")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    random.seed(0)
    composition = read_composition()
    pairs = [json.loads(line) for line in open(f"{ROOT}/labelled.jsonl")]
    labelled = read_grid(args.labelled_grid, len(pairs), 768)
    flat = labelled[[k for k, p in enumerate(pairs) if p["split"] != "test"]].reshape(-1, 768)
    mean, std = flat.mean(0), flat.std(0) + 1e-6
    coco = json.load(open(f"{ROOT}/coco/annotations/captions_train.json"))
    order = {im["id"]: k for k, im in enumerate(coco["images"])}
    captions = read_grid(args.caption_grid, len(order), 768)
    cells = torch.tensor((np.concatenate([labelled, captions]) - mean) / std, dtype=torch.float32)
    base = len(pairs)

    if args.sentence == "bow":
        vocabulary = {}
        for text in [a["caption"] for a in coco["annotations"]] + [s["text"] for c in composition.values() for s in c["sentences"]]:
            for w in tokens(text):
                vocabulary.setdefault(w, len(vocabulary))

        def encode(text):
            v = np.zeros(len(vocabulary), np.float32)
            v[[vocabulary[w] for w in tokens(text) if w in vocabulary]] = 1
            return v
    else:
        vectors = word_vectors(args.word2vec)
        words = sorted(vectors)
        m = np.stack([vectors[w] for w in words])
        m = m - m.mean(0)
        _, s, vt = np.linalg.svd(m, full_matrices=False)
        white = dict(zip(words, (m @ vt.T / (s / np.sqrt(len(m)) + 1e-3)).astype(np.float32)))

        def encode(text):
            known = [white[w] for w in tokens(text) if w in white]
            return np.mean(known, 0) if known else np.zeros(m.shape[1], np.float32)

    phrases, owners = [], []
    for a in coco["annotations"]:
        for phrase in object_phrases(a["caption"]):
            if phrase.strip():
                phrases.append(encode(phrase))
                owners.append(base + order[a["image_id"]])
    phrases, owners = torch.tensor(np.stack(phrases)), torch.tensor(owners)
    test_words, test_owner, test_truth = [], [], []
    for k, p in enumerate(pairs):
        if p["split"] == "test":
            for s in composition[p["pair"]]["sentences"]:
                if s["role"] != "filler":
                    test_words.append(encode(s["text"]))
                    test_owner.append(k)
                    test_truth.append(1.0 if s["role"] == "visual" else 0.0)
    test_words, test_owner = torch.tensor(np.stack(test_words)), torch.tensor(test_owner)
    test_truth = np.array(test_truth)

    width, m = phrases.shape[1], 256
    layers = torch.nn.ModuleDict({"query": torch.nn.Linear(width, m), "key": torch.nn.Linear(768, m),
                                  "s": torch.nn.Linear(width, m), "i": torch.nn.Linear(768, m),
                                  "hidden": torch.nn.Linear(3 * m, m), "out": torch.nn.Linear(m, 1)})
    optimiser = torch.optim.Adam(layers.parameters(), lr=0.001, weight_decay=1e-4)

    def score(words, images, training):
        if training:
            images = torch.nn.functional.dropout(images, 0.2)
        attention = torch.softmax(torch.einsum("bm,bcm->bc", layers["query"](words), layers["key"](images)) / m ** 0.5, 1)
        attended = torch.einsum("bc,bcm->bm", attention, images)
        s, i = torch.tanh(layers["s"](words)), torch.tanh(layers["i"](attended))
        return layers["out"](torch.relu(layers["hidden"](torch.cat([s * i, s, i], 1)))).squeeze(1)

    print(f"{len(phrases)} caption phrases, {len(test_truth)} test sentences; sentence {args.sentence}, loss {args.loss}",
          flush=True)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    for epoch in range(args.epochs):
        shuffled = torch.randperm(len(phrases))
        for k in range(0, len(shuffled) - 15, 16):
            b = shuffled[k:k + 16]
            if args.loss == "binary":
                others = torch.randint(base, len(cells), (len(b),))
                logits = score(torch.cat([phrases[b], phrases[b]]), cells[torch.cat([owners[b], others])], True)
                loss = bce(logits, torch.cat([torch.ones(len(b)), torch.zeros(len(b))]))
            else:
                n = len(b)
                images = owners[b]
                logits = score(phrases[b].repeat_interleave(n, 0), cells[images.repeat(n)], True).view(n, n)
                same = (images[:, None] == images[None]).float()
                if args.loss == "softmax":
                    loss = -(same / same.sum(1, keepdim=True) * torch.log_softmax(logits, 1)).sum(1).mean()
                else:
                    weights = 0.5 * same / same.sum(1, keepdim=True) \
                        + 0.5 * (1 - same) / (1 - same).sum(1, keepdim=True).clamp(min=1)
                    loss = (weights * bce(logits, same, reduction="none")).sum(1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        with torch.no_grad():
            scores = score(test_words, cells[test_owner], False).numpy()
        print(f"epoch {epoch + 1}: test claims ROC AUC {roc_auc(test_truth, scores):.3f}", flush=True)


if __name__ == "__main__":
    main()
