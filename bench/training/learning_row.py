"""Adds (or replaces) one row of bench/results/learning.json from a learning.sh run's files."""
import json, os, platform, sys
from datetime import datetime

path, name, seed, prompt, before, after, start, end, out, *flags = sys.argv[1:]
train = json.load(open(out + ".train.json"))
state = json.load(open(os.path.join(train["checkpoint"], "trainer.json")))
evaluations = {}
for f in [""] + flags:
    e = json.load(open(out + ".eval" + f.replace(" ", "") + ".json"))
    evaluations["with " + f.lstrip("-") if f else "plain"] = {
        "tasks": {t: round(v["normalized"], 4) for t, v in e["tasks"].items()},
        "stderr": {t: round(v["normalized_stderr"], 4) for t, v in e["tasks"].items()},
        "mean": round(e["mean_normalized"], 4),
        "prompt_tokens": e.get("prompt_tokens", 0),
    }
plain = evaluations["plain"]
seconds = (datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
row = {
    "name": name, "seed": int(seed), "data_seed": state.get("data_seed"), "prompt_probability": float(prompt),
    "command": state["provenance"]["command"], "commit": state["provenance"]["commit"],
    "eval_command": f"gatomesh eval --checkpoint RUN --episodes 200 --seed 2000000 --data DATA" + "".join(" " + f for f in flags),
    "machine": f"{os.cpu_count()} cores, {platform.platform()}", "load_before": float(before), "load_after": float(after),
    "started": start, "ended": end, "wall_clock_s": seconds, "steps": train["steps"], "planned_steps": train["planned_steps"],
    "tokens_per_s": round(train["tokens_per_s"]), "normalized": plain["tasks"], "normalized_stderr": plain["stderr"],
    "mean": plain["mean"], "meets_goal": plain["mean"] >= 0.8 and min(plain["tasks"].values()) >= 0.5,
    "evaluations": evaluations,
}
doc = json.load(open(path)) if os.path.exists(path) else {}
doc.setdefault("what", "the 30-minute goal per seed: gato-small trained by the recipe for at most 30 minutes, then gatomesh eval --episodes 200")
doc.setdefault("goal", "mean normalized >= 0.8 and every task >= 0.5 for each of seeds 0-4")
doc["rows"] = [r for r in doc.get("rows", []) if r["name"] != name] + [row]
json.dump(doc, open(path, "w"), indent=1)
open(path, "a").write("\n")
