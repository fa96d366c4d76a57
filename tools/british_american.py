#!/usr/bin/env python3
"""Derives the British->American spelling map (src/main/resources/org/infogap/text/british_american.tsv).

Run by hand, not by the build: needs Debian's wbritish and wamerican word lists
(apt-get install wbritish wamerican). A pair is kept only when the British form is in the
British list and the derived form is in the American list but not in the British one: the
target must be a purely American spelling, so a word that is correct British English (e.g.
"license" the verb, "meter" the device) is never produced by a rule. A few irregular pairs the rules cannot derive are listed by hand.
"""
import re
import sys

def words(path):
    with open(path, encoding="utf-8", errors="ignore") as f:
        return {w.strip() for w in f if re.fullmatch(r"[a-z]+", w.strip())}

british = words("/usr/share/dict/british-english")
american = words("/usr/share/dict/american-english")

RULES = [
    (r"our(s|ed|ing|ful|fully|less|ite|ites|able|ably|er|ers|ism|ist|ists)?$", r"or\1"),
    (r"ise(s|d|r|rs)?$", r"ize\1"),
    (r"ising$", r"izing"),
    (r"isation(s)?$", r"ization\1"),
    (r"yse(s|d|r|rs)?$", r"yze\1"),
    (r"ysing$", r"yzing"),
    (r"tre(s)?$", r"ter\1"),
    (r"bre(s)?$", r"ber\1"),
    (r"ogue(s)?$", r"og\1"),
    (r"ence(s)?$", r"ense\1"),
    (r"ll(ed|ing|er|ers)$", r"l\1"),
    (r"lment(s)?$", r"llment\1"),
    (r"ae", r"e"),
    (r"oe", r"e"),
    (r"mme(s)?$", r"m\1"),
    (r"ey(s)?$", r"ay\1"),
]

IRREGULAR = {
    "aluminium": "aluminum", "tyre": "tire", "tyres": "tires", "plough": "plow", "ploughs": "plows",
    "jewellery": "jewelry", "mould": "mold", "moulds": "molds", "mouldy": "moldy", "sceptic": "skeptic",
    "sceptical": "skeptical", "scepticism": "skepticism", "kerb": "curb", "draught": "draft",
    "draughts": "drafts", "pyjamas": "pajamas", "moustache": "mustache", "cosy": "cozy",
    "storey": "story", "storeys": "stories", "artefact": "artifact", "artefacts": "artifacts",
    "cheque": "check", "cheques": "checks", "gaol": "jail", "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers", "judgement": "judgment", "judgements": "judgments", "ageing": "aging",
    "grey": "gray", "greys": "grays", "greyish": "grayish", "programme": "program", "programmes": "programs",
    "whisky": "whiskey", "licence": "license", "licences": "licenses", "metre": "meter",
    "metres": "meters", "litre": "liter", "litres": "liters", "kilometre": "kilometer",
    "kilometres": "kilometers", "centimetre": "centimeter", "centimetres": "centimeters",
    "millimetre": "millimeter", "millimetres": "millimeters", "sulphur": "sulfur", "aeroplane": "airplane", "aeroplanes": "airplanes",
}

# Spellings American English also uses as its main form: left alone.
KEEP = re.compile(r"^(aegis|aesthet|archaeo|caesar|paean|toe|shoe|hoe|roe|foe|doe|oboe|canoe)")

pairs = {}
for b in sorted(british):
    if KEEP.match(b):
        continue
    for pattern, repl in RULES:
        a = re.sub(pattern, repl, b)
        if a != b and a in american and a not in british:
            pairs.setdefault(b, a)
            break
for b, a in IRREGULAR.items():
    pairs[b] = a

out = sys.argv[1] if len(sys.argv) > 1 else "british_american.tsv"
with open(out, "w", encoding="utf-8") as f:
    f.write("# British<TAB>American spelling pairs, derived by tools/british_american.py from Debian's\n")
    f.write("# wbritish/wamerican lists; applied to BBC text (Henning & Ewerth 2017, section 5.1).\n")
    for b in sorted(pairs):
        f.write(f"{b}\t{pairs[b]}\n")
print(len(pairs), "pairs ->", out, file=sys.stderr)
