#!/usr/bin/python3
"""What the cached InceptionV3 features of the labelled images can tell, read by a linear probe.

Since contradicting sentences share the wordings of true ones, the classifier must check each claim (shape,
colour, position, size) against the image, through these pooled features. This probe fits ridge-regression
one-vs-rest classifiers (numpy only) on the training split's images and scores the test split's, per
position (left, right, top, bottom, centre): which shape is there (or none), which colour, which size; and
the number of objects. Chance is the most frequent answer on the training split. When the probe cannot read
an attribute, no classifier head on top of these features can either, and the image side is the limit.

    python3 tools/image_feature_probe.py [datasets/default] [models/features/inception_v3-96-random-42]
    python3 tools/image_feature_probe.py datasets/default LAYER.f32 CHANNELS

The second form reads activations that InceptionGridDump.java wrote for labelled.jsonl's images in order
([images, CHANNELS, cells], float32 big-endian) and averages each map over its cells: the pooled features of
any layer (mixed5, mixed7, mixed10) and any weights.
"""
import glob
import hashlib
import json
import struct
import sys

import numpy as np

POSITIONS = ["left", "right", "top", "bottom", "centre"]


def read_cache(folder):
    features = {}
    for chunk in sorted(glob.glob(f"{folder}/*.chunk")):
        data = open(chunk, "rb").read()
        magic, version, dims, n = struct.unpack(">iiii", data[:16])
        if magic != 0x49474643 or version != 1:
            raise SystemExit(f"{chunk}: not a feature cache chunk of version 1")
        offset = 16
        for _ in range(n):
            key = data[offset:offset + 32].hex()
            offset += 32
            features[key] = np.frombuffer(data[offset:offset + 4 * dims], dtype=">f4").astype(np.float64)
            offset += 4 * dims
    return features


def probe(x_train, y_train, x_test, y_test, ridge=100.0):
    classes = sorted(set(y_train))
    targets = np.array([[1.0 if y == c else 0.0 for c in classes] for y in y_train])
    a = x_train.T @ x_train + ridge * np.eye(x_train.shape[1])
    w = np.linalg.solve(a, x_train.T @ targets)
    predicted = [classes[i] for i in np.argmax(x_test @ w, axis=1)]
    accuracy = np.mean([p == y for p, y in zip(predicted, y_test)])
    chance = max(y_train.count(c) for c in classes) / len(y_train)
    chance_test = np.mean([y == max(classes, key=y_train.count) for y in y_test])
    return accuracy, chance_test if chance_test else chance


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "datasets/default"
    cache = sys.argv[2] if len(sys.argv) > 2 else "models/features/inception_v3-96-random-42"
    if cache.endswith(".f32"):
        channels = int(sys.argv[3])
        grid = np.fromfile(cache, dtype=">f4").astype(np.float64)
        lines = [json.loads(l) for l in open(f"{corpus}/labelled.jsonl")]
        grid = grid.reshape(len(lines), channels, -1).mean(axis=2)
        features = {hashlib.sha256(open(p["imgpath"], "rb").read()).hexdigest(): grid[i] for i, p in enumerate(lines)}
    else:
        features = read_cache(cache)
    truth = {}
    for line in open(f"{corpus}/labels/composition.jsonl"):
        c = json.loads(line)
        truth[c["pair"]] = c["objects"]
    rows = {"train": [], "test": []}
    missing = 0
    for line in open(f"{corpus}/labelled.jsonl"):
        pair = json.loads(line)
        key = hashlib.sha256(open(pair["imgpath"], "rb").read()).hexdigest()
        if key not in features:
            missing += 1
            continue
        rows["test" if pair["split"] == "test" else "train"].append((features[key], truth[pair["pair"]]))
    x = {}
    for part, items in rows.items():
        x[part] = np.array([f for f, _ in items])
    mean, std = x["train"].mean(axis=0), x["train"].std(axis=0) + 1e-6
    for part in x:
        x[part] = np.hstack([(x[part] - mean) / std, np.ones((len(x[part]), 1))])
    print(f"{len(rows['train'])} train / {len(rows['test'])} test images, {x['train'].shape[1] - 1} features "
          f"({missing} labelled images not in the cache)")
    print(f"{'attribute':<22} {'probe':>6} {'chance':>7}")

    def report(name, answer):
        y = {part: [answer(objects) for _, objects in items] for part, items in rows.items()}
        accuracy, chance = probe(x["train"], y["train"], x["test"], y["test"])
        print(f"{name:<22} {accuracy:6.3f} {chance:7.3f}")

    def at(objects, position):
        return next((o for o in objects if o["position"] == position), None)

    report("number of objects", lambda objects: len(objects))
    for p in POSITIONS:
        report(f"shape {p}", lambda objects, p=p: (at(objects, p) or {}).get("shape", "none"))
        report(f"colour {p}", lambda objects, p=p: (at(objects, p) or {}).get("colour", "none"))
        report(f"size {p}", lambda objects, p=p: (at(objects, p) or {}).get("size", "none"))


if __name__ == "__main__":
    main()
