"""The diff's candidate event split of every ECB+ dev topic and story, for the issue 13 analysis scripts
(event_split_check.py, protagonist_split_check.py): each topic (its two stories as one file) and each single story is
diffed with the shipped fact model but event_split_ratio 1.0, so `events` in `--json` holds the split the two-event
check would consider and its ratio."""
import collections, json, os, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
BIN = os.path.join(ROOT, "target", "release", "storydiff")
DATA = os.path.join(SHARED, "data", "ecbplus_dev")


def docs():
    return [json.loads(line) for line in open(os.path.join(DATA, "docs.jsonl"), encoding="utf-8")]


def candidate_splits(articles, level):
    """Yields (name, events) per topic (level "topic") or story (level "story"); events is the diff's `events`
    object (None when no split of two parts of 3+ articles exists)."""
    with tempfile.TemporaryDirectory() as tmp:
        model = json.load(open(os.path.join(ROOT, "src", "diff", "fact_model.json")))
        model["event_split_ratio"] = 1.0
        model_path = os.path.join(tmp, "model.json")
        json.dump(model, open(model_path, "w"))
        groups = collections.defaultdict(list)
        for d in articles:
            groups[d["cluster_id"].split("_")[0] if level == "topic" else d["cluster_id"]].append(d)
        for name, members in groups.items():
            path, out = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "out.json")
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(d) + "\n" for d in members)
            subprocess.run([BIN, "diff", path, "--json", out, "--fact-model", model_path], check=True,
                           capture_output=True)
            yield name, json.load(open(out))["events"]
