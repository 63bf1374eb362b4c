#!/usr/bin/env python3
"""Which signals in O*NET find an occupation's Related Occupations? A prototype on the raw files.

    python3 bench/closest_signals.py ../shared/data/onet-29.3

For every occupation with Skills/Knowledge ratings, ranks every other such occupation by one
similarity signal (or a weighted mix) and measures, against `Related Occupations.txt` (held-out
truth: no signal reads it):

- recall@10: the share of an occupation's Primary-Short related occupations in its top 10,
  averaged over the occupations that have any;
- related@10: the share of the top 10 that O*NET relates in any tier.

The ratings are read as `skillgraph import --onet` keeps them (a rating is skipped when flagged
Not Relevant or when its IM is flagged Recommend Suppress; importance is IM rounded half up), so a
figure here is what the same formula gives in skillgraph; `bench/closest_recall.py` measures the
formula skillgraph itself ships.
"""

import csv
import math
import os
import sys
from collections import defaultdict

csv.field_size_limit(1 << 24)


def rows(data, name):
    with open(os.path.join(data, name), encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        for row in reader:
            yield dict(zip(header, row))


def round_half_up(x):
    return int(math.floor(x + 0.5))


def load(data):
    """Ratings as skillgraph imports them: {occ: {element: (importance, level)}}."""
    pairs = defaultdict(dict)  # (occ, element) -> {scale: row}
    for name in ("Skills.txt", "Knowledge.txt"):
        for r in rows(data, name):
            pairs[(r["O*NET-SOC Code"], r["Element ID"])][r["Scale ID"]] = r
    ratings = defaultdict(dict)
    for (occ, element), scales in pairs.items():
        im, lv = scales.get("IM"), scales.get("LV")
        if im is None:
            continue
        if any(s.get("Not Relevant") == "Y" for s in (im, lv) if s):
            continue
        if im.get("Recommend Suppress") == "Y":
            continue
        level = float(lv["Data Value"]) if lv else None
        ratings[occ][element] = (round_half_up(float(im["Data Value"])), level)
    tools = defaultdict(dict)  # occ -> {example: (hot, in_demand, commodity)}
    for r in rows(data, "Technology Skills.txt"):
        tools[r["O*NET-SOC Code"]][r["Example"]] = (
            r["Hot Technology"] == "Y",
            r["In Demand"] == "Y",
            r["Commodity Code"],
        )
    zones = {r["O*NET-SOC Code"]: int(r["Job Zone"]) for r in rows(data, "Job Zones.txt")}
    titles = defaultdict(list)
    descriptions = {}
    for r in rows(data, "Occupation Data.txt"):
        titles[r["O*NET-SOC Code"]].append(r["Title"])
        descriptions[r["O*NET-SOC Code"]] = r["Description"]
    for r in rows(data, "Alternate Titles.txt"):
        titles[r["O*NET-SOC Code"]].append(r["Alternate Title"])
    related = defaultdict(dict)  # occ -> {related occ: tier}
    for r in rows(data, "Related Occupations.txt"):
        related[r["O*NET-SOC Code"]][r["Related O*NET-SOC Code"]] = r["Relatedness Tier"]
    return ratings, tools, zones, titles, descriptions, related


def cosine_matrix(vectors):
    """Cosine of every pair of dense vectors; 0 where either is all zero."""
    norms = [math.sqrt(sum(x * x for x in v)) for v in vectors]
    n = len(vectors)
    m = [[0.0] * n for _ in range(n)]
    for i in range(n):
        vi, ni = vectors[i], norms[i]
        if ni == 0:
            continue
        row = m[i]
        for j in range(i + 1, n):
            if norms[j] == 0:
                continue
            s = sum(map(float.__mul__, vi, vectors[j])) / (ni * norms[j])
            row[j] = s
            m[j][i] = s
    return m


def sparse_cosine_matrix(vectors):
    """Cosine of every pair of sparse vectors ({key: weight}), through an inverted index."""
    n = len(vectors)
    norms = [math.sqrt(sum(w * w for w in v.values())) for v in vectors]
    postings = defaultdict(list)
    for i, v in enumerate(vectors):
        for k, w in v.items():
            postings[k].append((i, w))
    m = []
    for i, v in enumerate(vectors):
        row = [0.0] * n
        for k, w in v.items():
            for j, wj in postings[k]:
                row[j] += w * wj
        if norms[i]:
            for j in range(n):
                if row[j]:
                    row[j] /= norms[i] * norms[j]
        m.append(row)
    return m


def evaluate(codes, matrix, related, k=10):
    index = {c: i for i, c in enumerate(codes)}
    recalls, related_shares = [], []
    for i, code in enumerate(codes):
        row = matrix[i]
        order = sorted((j for j in range(len(codes)) if j != i), key=lambda j: (-row[j], codes[j]))
        top = {codes[j] for j in order[:k]}
        truth = related.get(code, {})
        primary = [c for c, tier in truth.items() if tier == "Primary-Short"]
        if primary:
            recalls.append(sum(c in top for c in primary) / len(primary))
        related_shares.append(sum(c in truth for c in top) / k)
    del index
    return sum(recalls) / len(recalls), sum(related_shares) / len(related_shares)


def combine(parts):
    """Σ weight × matrix."""
    n = len(parts[0][1])
    out = [[0.0] * n for _ in range(n)]
    for w, m in parts:
        if w == 0:
            continue
        for i in range(n):
            oi, mi = out[i], m[i]
            for j in range(n):
                oi[j] += w * mi[j]
    return out


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/onet-29.3"
    ratings, tools, zones, titles, descriptions, related = load(data)
    codes = sorted(c for c in ratings if ratings[c])
    elements = sorted({e for c in codes for e in ratings[c]})
    print(f"{len(codes)} occupations with ratings, {len(elements)} elements")

    def dense(value):
        return [[float(value(*ratings[c][e])) if e in ratings[c] else 0.0 for e in elements]
                for c in codes]

    def centred(vectors):
        """Each element's mean over the occupations subtracted (and divided by its spread)."""
        cols = list(zip(*vectors))
        means = [sum(col) / len(col) for col in cols]
        sds = [math.sqrt(sum((x - mu) ** 2 for x in col) / len(col)) or 1.0
               for col, mu in zip(cols, means)]
        return [[(x - mu) / sd for x, mu, sd in zip(v, means, sds)] for v in vectors]

    results = []
    signals = {}

    def measure(label, matrix):
        r, p = evaluate(codes, matrix, related)
        results.append((label, r, p))
        print(f"{r:.3f}  {p:.3f}  {label}", flush=True)

    im = dense(lambda i, lv: i)
    lv = dense(lambda i, lv: lv or 0.0)
    imlv = dense(lambda i, lv: i * (lv or 0.0))
    im3 = dense(lambda i, lv: i if i >= 3 else 0)
    lv3 = dense(lambda i, lv: (lv or 0.0) if i >= 3 else 0)
    measure("cosine, importance (all ratings)", cosine_matrix(im))
    measure("cosine, importance ≥ 3 only", cosine_matrix(im3))
    measure("cosine, level", cosine_matrix(lv))
    measure("cosine, level of importance ≥ 3 only", cosine_matrix(lv3))
    measure("cosine, importance × level", cosine_matrix(imlv))
    signals["im_c"] = cosine_matrix(centred(im))
    measure("cosine, importance standardised per element", signals["im_c"])
    signals["lv_c"] = cosine_matrix(centred(lv))
    measure("cosine, level standardised per element", signals["lv_c"])
    signals["imlv_c"] = cosine_matrix(centred(imlv))
    measure("cosine, importance × level standardised per element", signals["imlv_c"])

    tool_sets = [tools.get(c, {}) for c in codes]
    df = defaultdict(int)
    for t in tool_sets:
        for name in t:
            df[name] += 1
    n = len(codes)

    def idf(name):
        return math.log(n / df[name])

    measure("tools: cosine of sets", sparse_cosine_matrix([{k: 1.0 for k in t} for t in tool_sets]))
    signals["tools_idf"] = sparse_cosine_matrix([{k: idf(k) for k in t} for t in tool_sets])
    measure("tools: cosine, idf-weighted", signals["tools_idf"])
    measure("tools: hot or in demand only, idf", sparse_cosine_matrix(
        [{k: idf(k) for k, (hot, dem, _) in t.items() if hot or dem} for t in tool_sets]))
    measure("tools: in demand ×2, hot ×1.5, idf", sparse_cosine_matrix(
        [{k: idf(k) * (2.0 if dem else 1.0) * (1.5 if hot else 1.0)
          for k, (hot, dem, _) in t.items()} for t in tool_sets]))
    commodity_df = defaultdict(int)
    commodity_sets = []
    for t in tool_sets:
        s = {cc for (_, _, cc) in t.values()}
        commodity_sets.append(s)
        for cc in s:
            commodity_df[cc] += 1
    measure("tools: commodity classes, idf", sparse_cosine_matrix(
        [{cc: math.log(n / commodity_df[cc]) for cc in s} for s in commodity_sets]))

    zone_of = [zones.get(c) for c in codes]
    signals["zone"] = [[(-abs(a - b) / 4.0 if a is not None and b is not None else -0.5)
                        for b in zone_of] for a in zone_of]
    measure("Job Zone closeness alone (1 − |Δ|/4)", signals["zone"])

    def words(text):
        out, w = [], []
        for ch in text.lower():
            if ch.isalnum():
                w.append(ch)
            elif w:
                out.append("".join(w))
                w = []
        if w:
            out.append("".join(w))
        return out

    def tfidf(docs):
        dfw = defaultdict(int)
        counts = []
        for d in docs:
            c = defaultdict(int)
            for w in d:
                c[w] += 1
            counts.append(c)
            for w in c:
                dfw[w] += 1
        return [{w: (1 + math.log(k)) * math.log(len(docs) / dfw[w]) for w, k in c.items()}
                for c in counts]

    signals["titles"] = sparse_cosine_matrix(tfidf([words(" ".join(titles[c])) for c in codes]))
    measure("titles + alternate titles: tf-idf cosine", signals["titles"])
    signals["desc"] = sparse_cosine_matrix(tfidf([words(descriptions.get(c, "")) for c in codes]))
    measure("description: tf-idf cosine", signals["desc"])

    # Mixes: a weighted mean of cosines, times a Job Zone factor 1 − step × |Δzone| (the form
    # skillgraph ships; a raw cosine over ratings sits between 0.6 and 1, so an additive zone
    # term or a per-element standardisation swamps it: both measured above and worse).
    zone_of = [zones.get(c) for c in codes]

    def mix(weights, zone_step):
        out = []
        for i in range(n):
            rows_ = [(w, signals[k][i]) for k, w in weights.items()]
            total = sum(weights.values())
            row = []
            for j in range(n):
                value = sum(w * r[j] for w, r in rows_) / total
                if zone_of[i] is not None and zone_of[j] is not None:
                    value *= 1 - zone_step * abs(zone_of[i] - zone_of[j])
                row.append(value)
            out.append(row)
        return out

    signals["imlv"] = cosine_matrix(imlv)
    signals["tools"] = sparse_cosine_matrix(
        [{k: idf(k) * (2.0 if dem else 1.0) * (1.5 if hot else 1.0)
          for k, (hot, dem, _) in t.items()} for t in tool_sets])
    for label, weights, step in [
        ("imp×level + 0.1 tools", {"imlv": 1, "tools": 0.1}, 0),
        ("imp×level + 0.1 tools, zone step 0.01", {"imlv": 1, "tools": 0.1}, 0.01),
        ("imp×level + 0.1 tools, zone step 0.05", {"imlv": 1, "tools": 0.1}, 0.05),
        ("imp×level + 0.4 titles", {"imlv": 1, "titles": 0.4}, 0),
        ("imp×level + 0.6 titles", {"imlv": 1, "titles": 0.6}, 0),
        ("imp×level + 0.8 titles", {"imlv": 1, "titles": 0.8}, 0),
        ("imp×level + 0.6 titles + 0.1 tools", {"imlv": 1, "titles": 0.6, "tools": 0.1}, 0),
        ("FINAL imp×level + 0.6 titles + 0.1 tools, zone step 0.01",
         {"imlv": 1, "titles": 0.6, "tools": 0.1}, 0.01),
        ("final + 0.1 description", {"imlv": 1, "titles": 0.6, "tools": 0.1, "desc": 0.1}, 0.01),
    ]:
        measure(label, mix(weights, step))


if __name__ == "__main__":
    main()
