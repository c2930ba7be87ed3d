"""Readers for the real corpora in ../shared/data that the scorer tests and benchmark use (never copied here)."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

DEVSET_LABELS = Path(__file__).parent / "data" / "devset" / "labels.csv"
GROUND_TRUTH_SETS = ("tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")
_CR = "\uffff"  # stands in for bare CRs while csv parses: tweet 3399 has two unquoted ones


@dataclass(frozen=True)
class Rated:
    id: str
    mean: float
    text: str


@dataclass(frozen=True)
class Labelled:
    source: str
    source_id: str
    label: str
    split: str
    text: str


def ground_truth(shared: Path, name: str) -> list[Rated]:
    """One VADER ground-truth set: id, mean human rating (-4..4) and text, in file order."""
    path = shared / "vader-ground-truth" / f"{name}_GroundTruth.txt"
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 3:
                rows.append(Rated(parts[0], float(parts[1]), "\t".join(parts[2:])))
    return rows


def twcs_rows(shared: Path) -> list[dict]:
    """All 5,000 rows of twcs_head5000.csv as dicts, texts byte-exact (bare CRs kept)."""
    path = shared / "customer-support" / "twcs_customer_support_on_twitter" / "twcs_head5000.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        data = fh.read().replace("\r", _CR)
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    for row in rows:
        row["text"] = row["text"].replace(_CR, "\r")
    return rows


def twcs_inbound(shared: Path) -> dict[str, str]:
    """Customer (inbound) tweets of twcs by tweet_id."""
    return {r["tweet_id"]: r["text"] for r in twcs_rows(shared) if r["inbound"] == "True"}


def ibm_client_turns(shared: Path) -> dict[str, str]:
    """Customer turns of the IBM customer-care threads (dev.json + test.json) by tweet_ID."""
    turns: dict[str, str] = {}
    for name in ("dev.json", "test.json"):
        path = shared / "customer-support" / "ibm_twitter_customer_care" / name
        for conv in json.loads(path.read_text(encoding="utf-8")):
            for utt in conv["dialogContent"]:
                if "client" in utt:
                    turns.setdefault(utt["tweet_ID"], utt["message"])
    return turns


def ibm_agent_turns(shared: Path) -> list[str]:
    """Agent turns of the IBM threads, including each thread's final answer."""
    texts = []
    for name in ("dev.json", "test.json"):
        path = shared / "customer-support" / "ibm_twitter_customer_care" / name
        for conv in json.loads(path.read_text(encoding="utf-8")):
            texts += [u["message"] for u in conv["dialogContent"] if "agent" in u]
            texts.append(conv["agentURL"]["url_utterance"])
    return texts


def devset(shared: Path) -> list[Labelled]:
    """The hand-labelled development set joined with its texts from the shared data."""
    texts = {"twcs": twcs_inbound(shared), "ibm": ibm_client_turns(shared)}
    with open(DEVSET_LABELS, encoding="utf-8", newline="") as fh:
        return [Labelled(r["source"], r["source_id"], r["label"], r["split"], texts[r["source"]][r["source_id"]])
                for r in csv.DictReader(fh)]
