#!/usr/bin/python3
"""How far the wording of the generated texts alone gives the labels away.

A text-only predictor that never looks at the image. Each sentence's wording is its text with the shape,
colour, size, position and number words masked. On the training split it learns which wordings only true
sentences use, which only contradicting ones use (over 90% either way) and which both use. A text then reads
as (true-looking, contradicting-looking, ambiguous, filler sentences, distinct shape/position pairs named);
the predictor takes the most frequent CMI and SC level of each reading on the training split and is scored
on the test split. When contradictions have wordings of their own, the reading separates them and the
ceiling rises well above the most frequent label; with shared wordings only the image tells a true sentence
from a false one.

    python3 tools/text_shortcut_ceiling.py [datasets/default]
"""
import collections
import json
import math
import re
import sys

SHAPES = "circle|square|triangle|star|diamond|cross"
POSITION = r"(on the left|on the right|at the top|at the bottom|in the centre|in the center)"


COLOURS = "red|green|blue|yellow|orange|purple|white|black|gray|grey"
NUMBERS = "zero|one|two|three|four|five"


def wording(sentence):
    s = sentence.lower()
    s = re.sub(POSITION, "<position>", s)
    s = re.sub(r"\b(%s)(e?s)?\b" % SHAPES, "<shape>", s)
    s = re.sub(r"\b(%s)\b" % COLOURS, "<colour>", s)
    s = re.sub(r"\b(large|small)\b", "<size>", s)
    s = re.sub(r"\b(%s)\b" % NUMBERS, "<number>", s)
    return re.sub(r"\ban?\b", "a", s)


def is_related(sentence):
    return re.search(r"\b(%s)(e?s)?\b" % SHAPES, sentence) is not None


def reading(text, kinds):
    counts = collections.Counter()
    named = set()
    for s in text:
        if not is_related(s):
            counts["filler"] += 1
            continue
        counts[kinds.get(wording(s), "ambiguous")] += 1
        pos = re.search(POSITION, s)
        named.add(re.search(SHAPES, s).group(0) + (pos.group(0) if pos else ""))
    return counts["visual"], counts["contradiction"], counts["ambiguous"], counts["filler"], len(named)


def cmi_rule(objects, described, visual, total):
    """LabelRules.cmi"""
    if visual == 0:
        return 0
    if described == objects and visual == total:
        return 1
    return max(1, min(3, round(((described / objects + visual / total) / 2) * 4 + 1e-9))) / 4


def sc_rule(visual, contradicting, total):
    """LabelRules.sc"""
    related = visual + contradicting
    if related == 0:
        return 0
    r = (visual - contradicting) / related
    halves = math.floor(abs(r) * 2 + 0.5)
    if related / total < 0.25 and halves > 0:
        halves -= 1
    return (-halves if r < 0 else halves) / 2


def by_rules(text, kinds, objects):
    """The label rules applied to roles read from the wording (ambiguous ones read as true) and the true
    number of objects: the shortcut a model that learnt the rules could take without the image."""
    visual = contradicting = 0
    described = set()
    for s in text:
        if not is_related(s):
            continue
        if kinds.get(wording(s), "ambiguous") == "contradiction":
            contradicting += 1
        else:
            visual += 1
            pos = re.search(POSITION, s)
            described.add(re.search(SHAPES, s).group(0) + (pos.group(0) if pos else ""))
    return cmi_rule(objects, min(len(described), objects), visual, len(text)), sc_rule(visual, contradicting,
                                                                                        len(text))


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "datasets/default"
    truth = {}
    for line in open(f"{corpus}/labels/composition.jsonl"):
        c = json.loads(line)
        truth[c["pair"]] = c
    pairs = [json.loads(line) for line in open(f"{corpus}/labelled.jsonl")]
    by_wording = collections.defaultdict(collections.Counter)
    for pair in pairs:
        if pair["split"] != "test":
            for s in truth[pair["pair"]]["sentences"]:
                if s["role"] != "filler":
                    by_wording[wording(s["text"])][s["role"]] += 1
    kinds = {}
    for w, roles in by_wording.items():
        share = roles["visual"] / sum(roles.values())
        kinds[w] = "visual" if share > 0.9 else "contradiction" if share < 0.1 else "ambiguous"
    train = collections.defaultdict(lambda: (collections.Counter(), collections.Counter()))
    overall = (collections.Counter(), collections.Counter())
    test = []
    for pair in pairs:
        labels = (pair["annotation"]["mi"], pair["annotation"]["sc"])
        key = reading(pair["text"], kinds)
        if pair["split"] == "test":
            test.append((key, labels))
            continue
        for i in (0, 1):
            train[key][i][labels[i]] += 1
            overall[i][labels[i]] += 1
    rules = [0, 0]
    for pair in pairs:
        if pair["split"] == "test":
            predicted = by_rules(pair["text"], kinds, len(truth[pair["pair"]]["objects"]))
            rules[0] += predicted[0] == pair["annotation"]["mi"]
            rules[1] += predicted[1] == pair["annotation"]["sc"]
    right = [0, 0]
    majority = [0, 0]
    for key, labels in test:
        for i in (0, 1):
            counts = train[key][i] if key in train else overall[i]
            right[i] += counts.most_common(1)[0][0] == labels[i]
            majority[i] += overall[i].most_common(1)[0][0] == labels[i]
    n = len(test)
    print(f"{n} test pairs, {len(train)} distinct text readings on the training split")
    print("wordings of image-related sentences: " + ", ".join(
        f"{k} {sum(v == k for v in kinds.values())}" for k in ("visual", "contradiction", "ambiguous")))
    print(f"text-only ceiling (most frequent level per reading): CMI {right[0] / n:.4f}, SC {right[1] / n:.4f}")
    print(f"label rules on roles read from the wording:          CMI {rules[0] / n:.4f}, SC {rules[1] / n:.4f}")
    print(f"most frequent level overall:                         CMI {majority[0] / n:.4f}, SC {majority[1] / n:.4f}")


if __name__ == "__main__":
    main()
