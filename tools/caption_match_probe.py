#!/usr/bin/python3
"""Can the cached InceptionV3 features and the Word2Vec vectors tell which image a caption belongs to?

A PyTorch check outside the build (Debian python3-torch), used to find why the encoder's sentence-image
matching learnt slowly: the same head as MatchHead (sentence and image projected to a common space, their
product and both projections -> ReLU -> one logit), on the COCO-format captions of the generated corpus,
each caption picking its own image among a batch of 16 (softmax cross-entropy). The sentence is the mean of
its word vectors: raw Word2Vec ("raw"), ZCA-like whitened ("white"), or a bag of words ("bow"). Held out: a
fifth of the images. Prints per epoch the training batches' mean accuracy and the test accuracy.

    python3 tools/caption_match_probe.py [raw|white|bow] [epochs] [features dir] [word2vec.zip]
"""
import base64
import hashlib
import json
import random
import re
import sys
import zipfile

import numpy as np
import torch

from image_feature_probe import read_cache

ROOT = "datasets/default"


def word_vectors(path):
    lines = zipfile.ZipFile(path).read("syn0.txt").decode().splitlines()[1:]
    vectors = {}
    for line in lines:
        parts = line.split()
        word = base64.b64decode(parts[0][4:]).decode() if parts[0].startswith("B64:") else parts[0]
        vectors[word] = np.array(parts[1:], np.float32)
    return vectors


def sentences(mode, captions, w2v):
    if mode == "bow":
        vocabulary = {w: i for i, w in enumerate(sorted({w for c in captions for w in c}))}
        out = np.zeros((len(captions), len(vocabulary)), np.float32)
        for i, c in enumerate(captions):
            for w in c:
                out[i, vocabulary[w]] = 1
        return out
    words = sorted(w2v)
    m = np.stack([w2v[w] for w in words])
    if mode == "white":
        m = m - m.mean(0)
        _, s, vt = np.linalg.svd(m, full_matrices=False)
        m = m @ vt.T / (s / np.sqrt(len(m)) + 1e-3)
    vectors = dict(zip(words, m))
    return np.stack([np.mean([vectors[w] for w in c if w in vectors] or [np.zeros(m.shape[1])], 0) for c in captions]).astype(np.float32)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "white"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    features = read_cache(sys.argv[3] if len(sys.argv) > 3 else "models/features/inception_v3-160-random-42")
    w2v = word_vectors(sys.argv[4] if len(sys.argv) > 4 else "models/word2vec.zip")
    torch.manual_seed(0)
    random.seed(0)
    coco = json.load(open(f"{ROOT}/coco/annotations/captions_train.json"))
    files = {im["id"]: im["file_name"] for im in coco["images"]}
    hashes, captions, images = {}, [], []
    for a in coco["annotations"]:
        f = files[a["image_id"]]
        if f not in hashes:
            hashes[f] = hashlib.sha256(open(f"{ROOT}/coco/images/{f}", "rb").read()).hexdigest()
        if hashes[f] in features:
            captions.append(re.findall(r"[a-z]+", a["caption"].lower()))
            images.append(hashes[f])
    x = np.stack([features[h] for h in images]).astype(np.float32)
    x = torch.tensor((x - x.mean(0)) / (x.std(0) + 1e-6))
    s = torch.tensor(sentences(mode, captions, w2v))
    held_out = set(random.sample(sorted(set(images)), len(set(images)) // 5))
    train = [i for i in range(len(images)) if images[i] not in held_out]
    test = [i for i in range(len(images)) if images[i] in held_out]
    m = 128
    layers = torch.nn.ModuleDict({"s": torch.nn.Linear(s.shape[1], m), "i": torch.nn.Linear(x.shape[1], m),
                                  "product": torch.nn.Linear(m, m), "sentence": torch.nn.Linear(m, m, bias=False),
                                  "image": torch.nn.Linear(m, m, bias=False), "out": torch.nn.Linear(m, 1)})
    optimiser = torch.optim.Adam(layers.parameters(), lr=0.002)

    def batch(idx):
        ps, pi = torch.tanh(layers["s"](s[idx])), torch.tanh(layers["i"](x[idx]))
        hidden = torch.relu(layers["product"](ps[:, None] * pi[None]) + layers["sentence"](ps)[:, None]
                            + layers["image"](pi)[None])
        logits = layers["out"](hidden).squeeze(-1)
        same = torch.tensor([[images[a] == images[b] for b in idx] for a in idx], dtype=torch.float32)
        targets = same / same.sum(1, keepdim=True)
        correct = ((logits * targets).sum(1) >= logits.max(1).values).float().mean().item()
        return -(targets * torch.log_softmax(logits, 1)).sum(1).mean(), correct

    for epoch in range(epochs):
        random.shuffle(train)
        seen = []
        for k in range(0, len(train) - 15, 16):
            loss, correct = batch(train[k:k + 16])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            seen.append(correct)
        with torch.no_grad():
            held = np.mean([batch(test[k:k + 16])[1] for k in range(0, len(test) - 15, 16)])
        print(f"{mode} epoch {epoch + 1}: training batches {np.mean(seen):.3f}, test {held:.3f}", flush=True)


if __name__ == "__main__":
    main()
