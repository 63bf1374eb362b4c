#!/usr/bin/env python3
"""Derives the constants of skillgraph's effort model for imported data (docs/EFFORT.md).

Run: python3 bench/effort_calibration.py [../shared/data]

O*NET: the hours one level point (LV, 0-7) takes are anchored on O*NET's Job Zones. Each zone
states a Specific Vocational Preparation (SVP) range (`Job Zone Reference.txt`); its middle, in
full-time hours, is what the zone's occupations take to prepare for. Learning an occupation from
nothing means raising every element it requires (IM >= 3) from level 0 to its LV, so
hours per level point = preparation hours / sum of required levels. The script prints that ratio
per zone and the median over all rated occupations, the constant the model uses.

ESCO: its skills carry no level. The same preparation hours are spread over an occupation's
essential skills, with the ISCO major group's skill level standing in for the Job Zone (ILO's
ISCO-08 skill levels 1-4 map to Job Zones 1/2, 2/3, 3/4 and 4/5; we take the lower), giving
the median hours of one essential skill, per reuse level.
"""
import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

HOURS_PER_MONTH = 40 * 52 / 12  # full-time
# Middle of each zone's SVP range, in months (SVP 1-3: up to 3 months; 4-5: 3-12 months;
# 6: 1-2 years; 7: 2-4 years; 8: 4-10 years).
ZONE_MONTHS = {1: 1.5, 2: 7.5, 3: 18, 4: 36, 5: 84}


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    onet = root / "onet-29.3"
    zones = {}
    with open(onet / "Job Zones.txt", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            zones[r["O*NET-SOC Code"]] = int(r["Job Zone"])
    ratings = defaultdict(dict)  # occ -> element -> {scale: value}
    for name in ("Skills.txt", "Knowledge.txt"):
        with open(onet / name, newline="") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                if r["Not Relevant"] == "Y" or r["Recommend Suppress"] == "Y":
                    continue
                ratings[r["O*NET-SOC Code"]].setdefault(r["Element ID"], {})[r["Scale ID"]] = float(
                    r["Data Value"]
                )
    per_zone = defaultdict(list)
    for occ, elements in ratings.items():
        zone = zones.get(occ)
        if zone is None:
            continue
        levels = sum(v.get("LV", 0) for v in elements.values() if v.get("IM", 0) >= 3)
        if levels > 0:
            per_zone[zone].append(ZONE_MONTHS[zone] * HOURS_PER_MONTH / levels)
    everything = []
    print("O*NET: hours per level point = SVP-middle hours / sum of required levels")
    for zone in sorted(per_zone):
        values = per_zone[zone]
        everything += values
        print(f"  zone {zone}: {len(values):4} occupations, median {statistics.median(values):7.1f} h")
    print(f"  all zones: median {statistics.median(everything):.1f} h per level point")

    esco = root / "esco-1.1.1"
    isco = {}
    with open(esco / "occupations_en.csv", newline="") as f:
        for r in csv.DictReader(f):
            isco[r["conceptUri"]] = r["iscoGroup"]
    reuse = {}
    with open(esco / "skills_en.csv", newline="") as f:
        for r in csv.DictReader(f):
            reuse[r["conceptUri"]] = r["reuseLevel"] or "unknown"
    essential = defaultdict(list)
    with open(esco / "occupationSkillRelations.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["relationType"] == "essential":
                essential[r["occupationUri"]].append(r["skillUri"])
    # ISCO-08 major group -> skill level -> the lower Job Zone it spans.
    major_zone = {"1": 4, "2": 4, "3": 3, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2, "9": 1, "0": 2}
    per_skill = []
    for occ, skills in essential.items():
        group = isco.get(occ)
        if not group or not skills:
            continue
        per_skill.append(ZONE_MONTHS[major_zone[group[0]]] * HOURS_PER_MONTH / len(skills))
    print(f"ESCO: {len(per_skill)} occupations; median hours per essential skill "
          f"{statistics.median(per_skill):.1f}")


if __name__ == "__main__":
    main()
