#!/usr/bin/python3
"""How well can *any* model check a generated sentence against its image, given the image representation?

The SC labels of the generated corpus follow from how many of a text's image-related sentences are true and
how many contradict the image (LabelRules); contradictions share the wordings of true sentences, so only the
image tells them apart. This tool trains a verifier WITH the per-sentence truth the generator recorded
(labels/composition.jsonl: roles visual / contradiction), which no model of this project gets, on the
labelled training split, and scores the test split: the verifier's accuracy on true vs contradicting
sentences, and the SC accuracy that the label rules reach from its predicted roles (fillers taken as known:
their words alone give them away). It is an optimistic ceiling for the classifier, which learns from one SC
label per text: when this verifier cannot reach the bar, no classifier on the same image input will.

Two other trainings (--supervision) ask what a model without that truth can learn: "text" from each text's SC
label only, as the classifier does (soft counts of related and of true sentences feed an SC head), and
"captions" from no label at all: the object phrases of the COCO-format captions, each true of its own image,
against a random other image (--negatives image) or as a copy with one attribute swapped (--negatives swap).
Both are still scored on the labelled test split's sentences and SC.

The sentence is a bag of its words; the image is a set of cells (one for pooled features), attended by the
sentence; the head is MatchHead's (product and both projections -> ReLU -> logit). Image inputs:
  cache DIR   the project's feature cache (pooled InceptionV3 features, what the model reads)
  pixels      a 3x3 grid of the image's cells, each an 8x8 RGB thumbnail (no learnt features at all)
  grid FILE   float32 big-endian activations [pairs of labelled.jsonl in order, --channels, cells]

    python3 tools/sentence_verifier_ceiling.py [--epochs 30] [--threads N] cache models/features/inception_v3-160-random-42
    python3 tools/sentence_verifier_ceiling.py pixels
    python3 tools/sentence_verifier_ceiling.py --supervision captions --caption-grid COCO.f32 --channels 768 grid LABELLED.f32
"""
import argparse
import hashlib
import json
import random
import re

import numpy as np
import torch

from image_feature_probe import read_cache

ROOT = "datasets/default"


def sc_level(visual, contradicting, total):
    """LabelRules.sc as a value in -1..1."""
    related = visual + contradicting
    if related == 0:
        return 0.0
    r = (visual - contradicting) / related
    halves = int(np.floor(abs(r) * 2 + 0.5))
    if related / total < 0.25 and halves > 0:
        halves -= 1
    return (-halves if r < 0 else halves) / 2


def read_composition(path=None):
    """The generator's per-pair record (sentences with their roles, labels), by pair key; path defaults to the
    default corpus's labels/composition.jsonl."""
    composition = {}
    for line in open(path or f"{ROOT}/labels/composition.jsonl"):
        c = json.loads(line)
        composition[c["pair"]] = c
    return composition


def object_phrases(caption):
    """A COCO-format caption's object phrases: its frame words dropped, split at commas and 'and'."""
    text = re.sub(r"^(a picture of|an image showing)\s+", "", caption.lower().rstrip("."))
    text = re.sub(r"\s+on an? \w+ background$", "", text)
    return re.split(r",\s*|\s+and\s+", text)


def read_grid(path, images, channels):
    """An InceptionGridDump file as [images, cells, channels]."""
    raw = np.fromfile(path, dtype=">f4").astype(np.float32)
    if raw.size % (images * channels):
        raise SystemExit(f"{path}: {raw.size} floats are not [{images} images, {channels} channels, cells]")
    return raw.reshape(images, channels, -1).transpose(0, 2, 1)


def image_cells(mode, argument, pairs, channels):
    if mode == "cache":
        features = read_cache(argument)
        keys = [hashlib.sha256(open(p["imgpath"], "rb").read()).hexdigest() for p in pairs]
        missing = [p["pair"] for p, k in zip(pairs, keys) if k not in features]
        if missing:
            raise SystemExit(f"{argument}: no features for {len(missing)} labelled images, e.g. {missing[0]}")
        return np.stack([features[k] for k in keys])[:, None, :]
    if mode == "pixels":
        from PIL import Image
        images = torch.tensor(np.stack([np.asarray(Image.open(p["imgpath"]).convert("RGB").resize((160, 160)),
                                                   np.float32) / 255 for p in pairs])).permute(0, 3, 1, 2)
        small = torch.nn.functional.adaptive_avg_pool2d(images, 24)
        cells = small.unfold(2, 8, 8).unfold(3, 8, 8).permute(0, 2, 3, 1, 4, 5)
        return cells.reshape(len(pairs), 9, -1).numpy()
    if mode == "grid":
        return read_grid(argument, len(pairs), channels)
    raise SystemExit(f"unknown image input {mode}: cache DIR, pixels or grid FILE")


def main():
    parser = argparse.ArgumentParser(description="Ceiling of a sentence verifier on an image input.")
    parser.add_argument("mode", choices=["cache", "pixels", "grid"])
    parser.add_argument("source", nargs="?", default="models/features/inception_v3-160-random-42")
    parser.add_argument("--channels", type=int, default=2048, help="grid: channels per cell")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--supervision", choices=["sentence", "text", "captions"], default="sentence",
                        help="sentence: the per-sentence truth (a ceiling); text: only each text's SC label, as the "
                             "classifier gets, through soft counts of related and true sentences; captions: no "
                             "labels, the COCO-format captions' object phrases against --negatives (needs "
                             "--caption-grid)")
    parser.add_argument("--negatives", choices=["swap", "image"], default="image",
                        help="captions: a copy of the phrase with one attribute swapped, against its own image "
                             "(did not fit), or the phrase itself against a random other image")
    parser.add_argument("--caption-grid", help="captions: grid dump of coco/annotations/captions_train.json's "
                                                "images, in its order")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args()
    mode, argument, epochs = args.mode, args.source, args.epochs
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    random.seed(0)
    composition = read_composition()
    pairs = [json.loads(line) for line in open(f"{ROOT}/labelled.jsonl")]
    cells = image_cells(mode, argument, pairs, args.channels)
    train_pairs = [k for k, p in enumerate(pairs) if p["split"] != "test"]
    flat = cells[train_pairs].reshape(-1, cells.shape[2])
    norm = (flat.mean(0), flat.std(0) + 1e-6)  # the training split's, applied to every image input
    cells = torch.tensor((cells - norm[0]) / norm[1], dtype=torch.float32)

    vocabulary = {}
    if args.supervision == "captions":
        for a in json.load(open(f"{ROOT}/coco/annotations/captions_train.json"))["annotations"]:
            for w in re.findall(r"[a-z]+", a["caption"].lower()):
                vocabulary.setdefault(w, len(vocabulary))
    for c in composition.values():
        for s in c["sentences"]:
            for w in re.findall(r"[a-z]+", s["text"].lower()):
                vocabulary.setdefault(w, len(vocabulary))

    def bag(text):
        v = np.zeros(len(vocabulary), np.float32)
        for w in re.findall(r"[a-z]+", text.lower()):
            if w in vocabulary:
                v[vocabulary[w]] = 1
        return v

    def sentences(test):
        words, owner, truth = [], [], []
        for k, p in enumerate(pairs):
            if (p["split"] == "test") != test:
                continue
            for s in composition[p["pair"]]["sentences"]:
                if s["role"] != "filler":
                    words.append(bag(s["text"]))
                    owner.append(k)
                    truth.append(1.0 if s["role"] == "visual" else 0.0)
        return torch.tensor(np.stack(words)), torch.tensor(owner), torch.tensor(truth)

    train, test = sentences(False), sentences(True)
    m = 256
    layers = torch.nn.ModuleDict({"query": torch.nn.Linear(len(vocabulary), m), "key": torch.nn.Linear(cells.shape[2], m),
                                  "s": torch.nn.Linear(len(vocabulary), m), "i": torch.nn.Linear(cells.shape[2], m),
                                  "hidden": torch.nn.Linear(3 * m, m), "out": torch.nn.Linear(m, 1)})
    optimiser = torch.optim.Adam(layers.parameters(), lr=0.001, weight_decay=1e-4)

    def logits(words, owner, training):
        image = cells[owner]
        if training:
            image = torch.nn.functional.dropout(image, 0.2)
        attention = torch.softmax(torch.einsum("bm,bcm->bc", layers["query"](words), layers["key"](image)) / m ** 0.5, 1)
        attended = torch.einsum("bc,bcm->bm", attention, image)
        s, i = torch.tanh(layers["s"](words)), torch.tanh(layers["i"](attended))
        return layers["out"](torch.relu(layers["hidden"](torch.cat([s * i, s, i], 1)))).squeeze(1)

    if args.supervision == "text":
        text_supervised(args, pairs, composition, bag, logits, layers)
        return
    if args.supervision == "captions":
        train = caption_phrases(args, bag, norm, cells)
        cells = train[3]

    print(f"{mode}: {len(train[2])} training / {len(test[2])} test sentences (true share {test[2].mean():.3f}), "
          f"{cells.shape[1]} cell(s) of {cells.shape[2]}", flush=True)
    for epoch in range(epochs):
        order = torch.randperm(len(train[2]))
        for k in range(0, len(order), 32):
            b = order[k:k + 32]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits(train[0][b], train[1][b], True), train[2][b])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        if epoch % 5 == 4 or epoch == epochs - 1:
            with torch.no_grad():
                fit = ((logits(*train[:2], False) > 0).float() == train[2]).float().mean().item()
                predicted = (logits(*test[:2], False) > 0).float()
            print(f"epoch {epoch + 1}: training sentences {fit:.3f}, test sentences "
                  f"{(predicted == test[2]).float().mean().item():.3f}", flush=True)

    votes = {}
    for owner, p in zip(test[1].tolist(), predicted.tolist()):
        votes.setdefault(owner, []).append(p)
    right = oracle = n = 0
    for k, p in enumerate(pairs):
        if p["split"] != "test":
            continue
        c = composition[p["pair"]]
        v = votes.get(k, [])
        total = len(c["sentences"])
        right += sc_level(sum(v), len(v) - sum(v), total) == c["sc"]
        true_visual = sum(s["role"] == "visual" for s in c["sentences"])
        oracle += sc_level(true_visual, sum(s["role"] == "contradiction" for s in c["sentences"]), total) == c["sc"]
        n += 1
    print(f"SC accuracy from the verifier's roles: {right / n:.4f} over {n} test pairs "
          f"(from the true roles: {oracle / n:.4f})")


# the generator's words (synth.Colour, Shape, Position)
COLOURS = ["red", "green", "blue", "yellow", "orange", "purple", "white", "black", "gray"]
SHAPES = ["circle", "square", "triangle", "star", "diamond", "cross"]
POSITIONS = ["on the left", "on the right", "at the top", "at the bottom", "in the centre", "in the center"]


def swapped(phrase, rng):
    """The phrase with one attribute changed: its colour, shape, position or size; None if it names none."""
    words = phrase.split()
    options = []
    for k, w in enumerate(words):
        if w in COLOURS or w == "grey":
            options.append(("word", k, [c for c in COLOURS if c != w.replace("grey", "gray")]))
        elif w in SHAPES:
            options.append(("word", k, [x for x in SHAPES if x != w]))
        elif w in ("small", "large"):
            options.append(("word", k, ["large" if w == "small" else "small"]))
    for pos in POSITIONS:
        if pos in phrase:
            options.append(("position", pos, [p for p in POSITIONS[:5] if p != pos and not (pos.startswith("in the") and p.startswith("in the"))]))
    if not options:
        return None
    kind, where, choices = options[rng.randrange(len(options))]
    if kind == "word":
        words[where] = rng.choice(choices)
        return " ".join(words)
    return phrase.replace(where, rng.choice(choices))


def caption_phrases(args, bag, norm, labelled_cells):
    """Label-free training data: each caption's object phrases (split at commas and 'and'), true of its image,
    each with a negative, mostly false: the phrase against a random other image, or (--negatives swap) a copy
    with one attribute swapped against its own; the caption images' cells go after the labelled ones, so the
    returned owners index the joined cells."""
    coco = json.load(open(f"{ROOT}/coco/annotations/captions_train.json"))
    order = {im["id"]: k for k, im in enumerate(coco["images"])}
    grid = read_grid(args.caption_grid, len(order), args.channels)
    grid = torch.tensor((grid - norm[0]) / norm[1], dtype=torch.float32)
    rng = random.Random(0)
    words, owner, truth = [], [], []
    base = len(labelled_cells)
    for a in coco["annotations"]:
        for phrase in object_phrases(a["caption"]):
            negative = swapped(phrase, rng)
            if negative is None:
                continue
            own = order[a["image_id"]]
            if args.negatives == "image":  # the phrase against another image: false unless it holds that object too
                negatives = [(phrase, rng.randrange(len(order)))]
            else:
                negatives = [(negative, own)]
            for t, y, image in [(phrase, 1.0, own)] + [(t, 0.0, i) for t, i in negatives]:
                words.append(bag(t))
                owner.append(base + image)
                truth.append(y)
    print(f"captions: {len(words) // 2} object phrases of {len(order)} images, negatives: {args.negatives}", flush=True)
    return torch.tensor(np.stack(words)), torch.tensor(owner), torch.tensor(truth), torch.cat([labelled_cells, grid])


def text_supervised(args, pairs, composition, bag, logits, layers):
    """Learns the verifier from each text's SC label only: every sentence gets a relatedness r (from its words)
    and a truth p (the verifier); the SC head reads the text's soft counts sum(r p), sum(r (1 - p)), sum(r) and
    its length, as the label rules do with the true counts."""
    vocabulary_size = layers["s"].in_features
    extra = torch.nn.ModuleDict({"related": torch.nn.Linear(vocabulary_size, 1), "sc1": torch.nn.Linear(5, 32),
                                 "sc2": torch.nn.Linear(32, 5)})
    optimiser = torch.optim.Adam(list(layers.parameters()) + list(extra.parameters()), lr=0.001, weight_decay=1e-4)
    texts = {"train": [], "test": []}
    for k, p in enumerate(pairs):
        c = composition[p["pair"]]
        words = torch.tensor(np.stack([bag(st["text"]) for st in c["sentences"]]))
        roles = [st["role"] for st in c["sentences"]]
        texts["test" if p["split"] == "test" else "train"].append((k, words, roles, int(round((c["sc"] + 1) * 2))))

    def forward(batch, training):
        words = torch.cat([w for _, w, _, _ in batch])
        owner = torch.cat([torch.full((len(w),), k) for k, w, _, _ in batch])
        text = torch.cat([torch.full((len(w),), j) for j, (_, w, _, _) in enumerate(batch)])
        truth = torch.sigmoid(logits(words, owner, training))
        related = torch.sigmoid(extra["related"](words)).squeeze(1)
        counts = torch.zeros(len(batch), 3).index_add(0, text, torch.stack([related * truth, related * (1 - truth), related], 1))
        length = torch.tensor([float(len(w)) for _, w, _, _ in batch])
        agreement = (counts[:, 0] - counts[:, 1]) / (counts[:, 2] + 1e-3)
        features = torch.stack([counts[:, 0] / length, counts[:, 1] / length, counts[:, 2] / length, agreement,
                                length / 20], 1)
        return extra["sc2"](torch.relu(extra["sc1"](features))), truth, related

    print(f"{args.mode}: text supervision, {len(texts['train'])} training / {len(texts['test'])} test texts", flush=True)
    for epoch in range(args.epochs):
        random.shuffle(texts["train"])
        for k in range(0, len(texts["train"]), 16):
            batch = texts["train"][k:k + 16]
            sc_logits, _, _ = forward(batch, True)
            loss = torch.nn.functional.cross_entropy(sc_logits, torch.tensor([y for _, _, _, y in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        if epoch % 5 == 4 or epoch == args.epochs - 1:
            with torch.no_grad():
                result = {}
                for part in ("train", "test"):
                    sc_logits, truth, related = forward(texts[part], False)
                    labels = torch.tensor([y for _, _, _, y in texts[part]])
                    roles = [r for _, _, rs, _ in texts[part] for r in rs]
                    checked = [(t > 0.5) == (r == "visual") for t, r in zip(truth.tolist(), roles) if r != "filler"]
                    result[part] = ((sc_logits.argmax(1) == labels).float().mean().item(), float(np.mean(checked)))
            print(f"epoch {epoch + 1}: SC training {result['train'][0]:.3f}, test {result['test'][0]:.4f}; "
                  f"test sentences checked right {result['test'][1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
