#!/usr/bin/python3
"""How far the wording of the generated texts alone gives the labels away.

Reads each sentence's role (visual / contradiction / filler) with regular expressions over the generated
templates, never looking at the image, takes the number of objects from the ground truth, applies the
corpus's label rules (LabelRules.java) to the counted roles, and prints the accuracy on the test split next
to the same rules applied to the true roles (1.0 by construction). Sentences of the one template that
true and contradicting sentences share ("The <shape> <position> is <colour>.") count as true.

    python3 src/tools/text_shortcut_ceiling.py [datasets/default]
"""
import json
import math
import re
import sys

SHAPES = "circle|square|triangle|star|diamond|cross"
POSITION = r"(left|right|top|bottom|middle|centre|center)"


def role(sentence):
    if not re.search(SHAPES, sentence):
        return "filler"
    if re.search(r"There are |contains ", sentence) or re.search(r"There is no |^No ", sentence):
        return "contradiction"  # counts and denials: only contradictions use them
    if "also visible" in sentence or re.match(r"There is an? \w+ \w+ in the picture", sentence):
        return "contradiction"  # an absent shape
    m = re.match(r"There is an? (\w+) \w+ (%s)" % SHAPES, sentence)
    if m:
        return "visual" if m.group(1) in ("large", "small") else "contradiction"
    return "visual"


def cmi(objects, described, visual, total):
    if visual == 0:
        return 0
    if described == objects and visual == total:
        return 4
    return max(1, min(3, round(((described / objects + visual / total) / 2) * 4 + 1e-9)))


def sc(visual, contradicting, total):
    related = visual + contradicting
    if related == 0:
        return 2
    r = (visual - contradicting) / related
    halves = math.floor(abs(r) * 2 + 0.5)
    if related / total < 0.25 and halves > 0:
        halves -= 1
    return (-halves if r < 0 else halves) + 2


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "datasets/default"
    truth = {}
    for line in open(f"{corpus}/labels/composition.jsonl"):
        c = json.loads(line)
        truth[c["pair"]] = c
    n = right_cmi = right_sc = right_roles = sentences = 0
    for line in open(f"{corpus}/labelled.jsonl"):
        pair = json.loads(line)
        if pair["split"] != "test":
            continue
        c = truth[pair["pair"]]
        roles = [role(s) for s in pair["text"]]
        right_roles += sum(r == s["role"] for r, s in zip(roles, c["sentences"]))
        sentences += len(roles)
        objects = len(c["objects"])
        described = set()
        for s, r in zip(pair["text"], roles):
            if r == "visual":
                pos = re.search(POSITION, s)
                described.add(re.search(SHAPES, s).group(0) + (pos.group(0) if pos else ""))
        visual = roles.count("visual")
        level_cmi = [0, 0.25, 0.5, 0.75, 1].index(pair["annotation"]["mi"])
        level_sc = [-1, -0.5, 0, 0.5, 1].index(pair["annotation"]["sc"])
        n += 1
        right_cmi += cmi(objects, min(len(described), objects), visual, len(roles)) == level_cmi
        right_sc += sc(visual, roles.count("contradiction"), len(roles)) == level_sc
    print(f"{n} test pairs; sentence roles read from the text: {right_roles / sentences:.3f} right")
    print(f"labels from the text's roles and the true object count: CMI {right_cmi / n:.4f}, SC {right_sc / n:.4f}")


if __name__ == "__main__":
    main()
