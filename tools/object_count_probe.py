#!/usr/bin/python3
"""How well the cached InceptionV3 grid counts the objects of the labelled images, as the classifier's count does.

The classifier counts the objects an image shows (Classifier.OBJECTS): per cell of the mixed7 grid a small ReLU
layer gives "an object is here", summed over the cells. This probe trains the same shape of counter with PyTorch
on the training split's images (target: the number of objects the generator placed, which the BBC captions list)
and prints the share of test images whose rounded count is right, for three standardisations of the grid: per
channel (shared by the cells), per cell and channel as the model has it (FeatureNorm, floor at 1% of the typical
spread), and that clipped at +-3 as the model clips it. Needs PyTorch (Debian: python3-torch); outside the build.

    python3 tools/object_count_probe.py [datasets/default] [models/features/inception_v3-160-random-42-mixed7]
"""
import hashlib
import json
import sys

import numpy as np
import torch

from image_feature_probe import read_cache
from sentence_verifier_ceiling import read_composition

POOLED, CHANNELS = 2048, 768


class CellCount(torch.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip
        self.layers = torch.nn.Sequential(torch.nn.Linear(CHANNELS, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))
        with torch.no_grad():
            self.layers[2].bias.fill_(-4.0)  # as the model: about one object at the start, not half the cells

    def forward(self, x):
        if self.clip:
            x = x.clamp(-self.clip, self.clip)
        return torch.sigmoid(self.layers(x)).sum((1, 2))


def fit(x, y, clip, epochs=60, seed=0):
    torch.manual_seed(seed)
    net = CellCount(clip)
    opt = torch.optim.Adam(net.parameters(), lr=0.002)
    xt, yt = torch.tensor(x["train"]), torch.tensor(y["train"])
    for _ in range(epochs):
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), 32):
            b = order[i:i + 32]
            opt.zero_grad()
            ((net(xt[b]) - yt[b]) ** 2).mean().backward()
            opt.step()
    with torch.no_grad():
        predicted = net(torch.tensor(x["test"])).numpy()
    return float((np.rint(predicted) == y["test"]).mean())


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "datasets/default"
    cache = sys.argv[2] if len(sys.argv) > 2 else "models/features/inception_v3-160-random-42-mixed7"
    torch.set_num_threads(2)
    features = read_cache(cache)
    composition = read_composition(f"{corpus}/labels/composition.jsonl")
    grids, counts = {"train": [], "test": []}, {"train": [], "test": []}
    for line in open(f"{corpus}/labelled.jsonl"):
        pair = json.loads(line)
        key = hashlib.sha256(open(pair["imgpath"], "rb").read()).hexdigest()
        part = "test" if pair["split"] == "test" else "train"
        grids[part].append(features[key][POOLED:].astype(np.float32))
        counts[part].append(len(composition[pair["pair"]]["objects"]))
    g = {p: np.stack(v) for p, v in grids.items()}
    y = {p: np.asarray(v, dtype=np.float32) for p, v in counts.items()}
    cells = g["train"].shape[1] // CHANNELS
    print(f"{len(y['train'])} train / {len(y['test'])} test images, {cells} cells; most frequent count on test "
          f"{max(np.mean(y['test'] == k) for k in range(1, 5)):.3f}")
    by_channel = g["train"].reshape(-1, CHANNELS)
    mean, std = by_channel.mean(0), by_channel.std(0) + 1e-6
    channel = {p: ((v.reshape(len(v), cells, CHANNELS) - mean) / std).astype(np.float32) for p, v in g.items()}
    m, s = g["train"].mean(0), g["train"].std(0)
    s = np.maximum(s, max(0.01 * s.mean(), 1e-6))
    cell = {p: ((v - m) / s).reshape(len(v), cells, CHANNELS).astype(np.float32) for p, v in g.items()}
    print(f"per cell and channel: largest |value| train {np.abs(cell['train']).max():.0f}, "
          f"test {np.abs(cell['test']).max():.0f}")
    for name, x, clip in (("per channel", channel, 0), ("per cell and channel", cell, 0),
                          ("per cell and channel, clipped at 3", cell, 3)):
        print(f"{name:<36} test counts right {fit(x, y, clip):.3f}")


if __name__ == "__main__":
    main()
