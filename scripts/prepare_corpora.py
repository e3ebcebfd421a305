"""Regenerate the labelled training corpora from snapshots of public repositories.

    .venv/bin/python scripts/prepare_corpora.py --mirrors /work/.mirror --out DIR [--only NAME ...]

Each snapshot is a bare git directory named ``owner+name`` under --mirrors. Every file is read
with git at the exact commit pinned below (``git cat-file --batch`` with ``<commit>:<path>``, the
same object ``git show <commit>:<path>`` prints), so the output does not depend on which later
commits a snapshot carries. No network, no randomness: the rows keep the source order, exact
duplicate texts are dropped (the first one wins), and the CSVs are byte-identical from run to run.

Output: one UTF-8 CSV per source with the header ``text,<attributes>``; every attribute is a number
in [0, 1] (0/1 for binary labels, annotator fractions where the source gives them) and an empty
cell means the source says nothing about that attribute. ``SOURCES.md`` beside them records the
repository, commit, paths, licence, row count and positive rates of each file.

Standard library only: this runs once to build data, not in the service.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.filters.model.scores import ATTRIBUTES

EMAIL_LIMIT = 2000

Row = tuple[str, dict[str, float | None]]


class Snapshot:
    """Read-only access to one bare git snapshot at one pinned commit."""

    def __init__(self, mirrors: Path, repo: str, commit: str) -> None:
        base = mirrors / repo.replace("/", "+")
        candidates = [base / "repo" / ".git", base / "repo", base]
        found = next((c for c in candidates if (c / "objects").is_dir() and (c / "HEAD").exists()), None)
        if found is None:
            raise SystemExit(f"no git snapshot of {repo} under {base}")
        self.git_dir = found
        self.repo = repo
        self.commit = commit
        self._git("cat-file", "-e", f"{commit}^{{commit}}")

    def _git(self, *args: str, data: bytes | None = None) -> bytes:
        result = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], input=data, capture_output=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"git {' '.join(args)} failed in {self.repo}: {result.stderr.decode(errors='replace')}")
        return result.stdout

    def show(self, path: str) -> bytes:
        return self._git("show", f"{self.commit}:{path}")

    def ls(self, prefix: str) -> list[str]:
        """Paths of the blobs under prefix at the pinned commit, in git's (byte-sorted) order."""
        out = self._git("ls-tree", "-r", "-z", "--name-only", self.commit, "--", prefix)
        return [p.decode("utf-8") for p in out.split(b"\0") if p]

    def read_many(self, paths: list[str]) -> Iterator[tuple[str, bytes]]:
        """Yield (path, content) for each path, one git process for all of them."""
        request = "".join(f"{self.commit}:{p}\n" for p in paths).encode("utf-8")
        out = self._git("cat-file", "--batch", data=request)
        pos = 0
        for path in paths:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            if len(header) != 3 or header[1] != b"blob":
                raise SystemExit(f"{self.repo}@{self.commit}: cannot read {path}: {out[pos:end]!r}")
            size = int(header[2])
            yield path, out[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1


@dataclass(frozen=True)
class Input:
    """Files read from one repository at one commit (paths as documented; globs are descriptive)."""

    repo: str
    commit: str
    paths: tuple[str, ...]


@dataclass
class Source:
    name: str
    inputs: list[Input]
    columns: tuple[str, ...]
    licence: str
    origin: str
    mapping: str
    convert: Callable[[list[Snapshot]], Iterable[Row]]
    notes: list[str] = field(default_factory=list)


def one(repo: str, commit: str, *paths: str) -> list[Input]:
    return [Input(repo, commit, paths)]


def single(convert: Callable[[Snapshot], Iterable[Row]]) -> Callable[[list[Snapshot]], Iterable[Row]]:
    """Adapt a converter of one snapshot to the list-of-snapshots interface."""

    def run(snaps: list[Snapshot]) -> Iterable[Row]:
        (snap,) = snaps
        return convert(snap)

    return run


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")
    return text.strip()


def csv_rows(data: bytes, delimiter: str = ",") -> Iterator[dict[str, str]]:
    text = decode(data).lstrip("\ufeff")
    yield from csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def as_bool(value: str) -> float:
    return 1.0 if float(value) >= 0.5 else 0.0


# --- converters -------------------------------------------------------------------------------


JIGSAW_COLUMNS = {
    "toxic": "toxicity",
    "severe_toxic": "severe_toxicity",
    "obscene": "profanity",
    "threat": "threat",
    "insult": "insult",
    "identity_hate": "identity_attack",
}


def convert_jigsaw(snaps: list[Snapshot]) -> Iterator[Row]:
    """Merge the Jigsaw Toxic Comment Classification rows that several repositories carry as samples.

    Rows are keyed by the Kaggle comment id where the copy keeps it (the text otherwise); the first copy
    of an id wins, and a later copy with other labels for the same id stops the build, since that would
    mean one of the copies is not the original data. Test-set rows labelled -1 (not scored) are skipped.
    """
    seen: dict[str, tuple[float, ...]] = {}
    for snap, spec in zip(snaps, JIGSAW_INPUTS, strict=True):
        for path in spec.paths:
            for row in csv_rows(snap.show(path)):
                raw = [row[c].strip() for c in JIGSAW_COLUMNS]
                if "-1" in raw:
                    continue
                values = tuple(float(v) for v in raw)
                key = row.get("id") or row["comment_text"]
                if key in seen:
                    if seen[key] != values:
                        raise SystemExit(f"jigsaw: {spec.repo}@{spec.commit}:{path} relabels {key}")
                    continue
                seen[key] = values
                yield row["comment_text"], dict(zip(JIGSAW_COLUMNS.values(), values, strict=True))


PREDIBASE = "predibase/llm_distillation_playbook"
JIGSAW_INPUTS = [
    # Random samples of train.csv and of the labelled test set (test.csv + test_labels.csv, -1 rows
    # removed) that Predibase drew for its distillation study; the sample files were redrawn between
    # commits, so each commit adds new comments. Only the original Kaggle label columns are read.
    Input(PREDIBASE, "c325a328c76f7c664b822eb836346474fbf448a0", ("data/dataset_subsets/train.5k.csv",)),
    Input(
        PREDIBASE,
        "c1b1c0d3c9b5e0accfe12474813356c434ca9b46",
        (
            "data/dataset_subsets/train.6.csv",
            "data/data_pools/train.a.bad.1k.csv",
            "data/data_pools/train.b.bad.1k.csv",
            "data/dataset_subsets/test.balanced.csv",
            "data/dataset_subsets/test.indist.1.csv",
            "data/dataset_subsets/test.indist.2.csv",
            "data/data_pools/test.a.bad.200.csv",
            "data/data_pools/test.b.bad.200.csv",
        ),
    ),
    Input(
        PREDIBASE,
        "e39db66747ef2956783fff94a1b2c1bc5346e275",
        (
            "data/dataset_subsets/train.6.csv",
            "data/data_pools/train.a.bad.1k.csv",
            "data/data_pools/train.b.bad.1k.csv",
            "data/dataset_subsets/test.balanced.csv",
            "data/dataset_subsets/test.indist.1.csv",
            "data/dataset_subsets/test.indist.2.csv",
            "data/data_pools/test.a.bad.200.csv",
            "data/data_pools/test.b.bad.200.csv",
        ),
    ),
    Input(PREDIBASE, "59d98c0c4d38d7144697ef99403dc10b09405faa", ("data/dataset_subsets/train.5.d.csv",)),
    Input("HieuNT91/file_storage", "af2ff2b7f9d2640e7075b129eb43dabb9e7c5765", ("toxic_comments.csv",)),
    Input("HieuNT91/file_storage", "54fa062ad711dec1226b23c55f2e2bcf78b09893", ("toxic_comments.csv",)),
    Input("martinwg/ISA630", "9dc29019928a1156fe8bcb5692837ac31f754d32", ("data/toxic_comments.csv",)),
    # The first 3,000 rows of train.csv, without ids (merged on the text).
    Input("amodh-saxena/toxic_message_analyzer", "590f232d519bfef934b9ceb096fe7128b5d6a9e1", ("toxic_comments.csv",)),
]


def convert_davidson(snap: Snapshot) -> Iterator[Row]:
    for row in csv_rows(snap.show("data/labeled_data.csv")):
        count = int(row["count"])
        hate = int(row["hate_speech"])
        offensive = int(row["offensive_language"])
        text = html.unescape(row["tweet"])
        yield text, {"toxicity": (hate + offensive) / count, "identity_attack": hate / count}


def convert_ethos(snap: Snapshot) -> Iterator[Row]:
    for row in csv_rows(snap.show("ethos/ethos_data/Ethos_Dataset_Binary.csv"), delimiter=";"):
        yield row["comment"], {"toxicity": min(1.0, max(0.0, float(row["isHate"])))}


def convert_stormfront(snap: Snapshot) -> Iterator[Row]:
    labels = {}
    for row in csv_rows(snap.show("annotations_metadata.csv")):
        if row["label"] in ("hate", "noHate"):
            labels[row["file_id"]] = 1.0 if row["label"] == "hate" else 0.0
    paths = [p for p in snap.ls("all_files/") if Path(p).stem in labels]
    for path, data in snap.read_many(paths):
        yield decode(data), hate_labels(labels[Path(path).stem])


def hate_labels(hate: float, vote: float | None = None) -> dict[str, float | None]:
    """Labels of a hate / not-hate corpus: hate speech there is an attack on a group identity, and hate
    is toxic; a post that is not hate speech may still be abusive, so its toxicity is left unknown."""
    return {"identity_attack": hate if vote is None else vote, "toxicity": 1.0 if hate >= 0.5 else None}


def convert_hateval(snap: Snapshot) -> Iterator[Row]:
    # Only datasets/hate (SemEval-2019 Task 5, HatEval) is read from TweetEval.
    for split in ("train", "val", "test"):
        texts = decode(snap.show(f"datasets/hate/{split}_text.txt")).split("\n")
        labels = decode(snap.show(f"datasets/hate/{split}_labels.txt")).split("\n")
        if texts[-1] == "" and labels[-1] == "":
            texts, labels = texts[:-1], labels[:-1]
        if len(texts) != len(labels):
            raise SystemExit(f"hateval: {split} has {len(texts)} texts and {len(labels)} labels")
        for text, label in zip(texts, labels, strict=True):
            yield text, hate_labels(float(label))


def convert_portuguese_hate(snap: Snapshot) -> Iterator[Row]:
    for row in csv_rows(snap.show("2019-05-28_portuguese_hate_speech_binary_classification.csv")):
        # A few tweets lack one annotator ("NA"): the share is over the annotators who labelled it.
        votes = [float(v) for i in (1, 2, 3) if (v := row[f"hatespeech_G{i}"]) != "NA"]
        hate = float(row["hatespeech_comb"])
        yield row["text"], hate_labels(hate, sum(votes) / len(votes) if votes else hate)


def convert_fox_news(snap: Snapshot) -> Iterator[Row]:
    for line in decode(snap.show("fox-news-comments.json")).splitlines():
        if line.strip():
            comment = json.loads(line)
            yield comment["text"], {"toxicity": float(comment["label"])}


def convert_korean_hate(snap: Snapshot) -> Iterator[Row]:
    for path in ("labeled/train.tsv", "labeled/dev.tsv"):
        for row in csv_rows(snap.show(path), delimiter="\t"):
            yield row["comments"], {"toxicity": 0.0 if row["hate"] == "none" else 1.0}


def convert_germeval2021(snap: Snapshot) -> Iterator[Row]:
    for path in ("Data Sets/GermEval21_TrainData.csv", "Data Sets/GermEval21_TestData.csv"):
        for row in csv_rows(snap.show(path)):
            yield row["comment_text"], {"toxicity": float(row["Sub1_Toxic"])}


def convert_lhsab(snap: Snapshot) -> Iterator[Row]:
    for row in csv_rows(snap.show("Dataset/L-HSAB"), delimiter="\t"):
        yield row["Tweet"], {"toxicity": 0.0 if row["Class"] == "normal" else 1.0}


def convert_cold(snap: Snapshot) -> Iterator[Row]:
    for split in ("train", "dev", "test"):
        for row in csv_rows(snap.show(f"COLDataset/{split}.csv")):
            yield row["TEXT"], {"toxicity": float(row["label"])}


TOLD_IDENTITY = ("homophobia", "racism", "misogyny", "xenophobia")
TOLD_ALL = (*TOLD_IDENTITY, "obscene", "insult")


def convert_told_br(snap: Snapshot) -> Iterator[Row]:
    # ToLD-BR_alpha.csv keeps each of the three annotators' 0/1 flags per category (column suffix _1.._3).
    for row in csv_rows(snap.show("ToLD-BR_alpha.csv")):
        flags = {(c, i): float(row[f"{c}_{i}"] or 0) for c in TOLD_ALL for i in (1, 2, 3)}
        if any(v not in (0.0, 1.0) for v in flags.values()):
            raise SystemExit(f"told_br: unexpected flag in {row['text'][:40]!r}")

        def share(categories: tuple[str, ...], flags: dict[tuple[str, int], float] = flags) -> float:
            return sum(max(flags[c, i] for c in categories) for i in (1, 2, 3)) / 3

        yield (
            row["text"],
            {
                "toxicity": share(TOLD_ALL),
                "identity_attack": share(TOLD_IDENTITY),
                "insult": share(("insult",)),
                "profanity": share(("obscene",)),
            },
        )


def convert_hatecheck(snaps: list[Snapshot]) -> Iterator[Row]:
    english, multilingual = snaps
    for row in csv_rows(english.show("test_suite_cases.csv")):
        yield row["test_case"], hate_labels(1.0 if row["label_gold"] == "hateful" else 0.0)
    for path in multilingual.ls("MHC Final Cases/"):
        for row in csv_rows(multilingual.show(path)):
            yield row["test_case"], hate_labels(1.0 if row["label_gold"] == "hateful" else 0.0)


def convert_offcombr(snap: Snapshot) -> Iterator[Row]:
    # ARFF: a header, then one "yes,'text'" / "no,'text'" line per comment.
    for line in decode(snap.show("OffComBR2.arff")).splitlines():
        match = re.fullmatch(r"(yes|no),'(.*)'", line.strip())
        if match:
            yield match.group(2).replace("\\'", "'"), {"toxicity": 1.0 if match.group(1) == "yes" else 0.0}


def convert_wiki_identity(snap: Snapshot) -> Iterator[Row]:
    for row in csv_rows(snap.show("data/toxicity_debiasing_data.tsv"), delimiter="\t"):
        if row["is_toxic"] != "False":
            raise SystemExit(f"unexpected is_toxic {row['is_toxic']!r} in the Wikipedia identity sentences")
        yield row["comment"], {"toxicity": 0.0}


def convert_wiki_detox_identity(snap: Snapshot) -> Iterator[Row]:
    path = "archive/unintended_ml_bias/eval_datasets/toxicity_nonfuzzed_testset.csv"
    for row in csv_rows(snap.show(path)):
        if row["toxic"] not in ("True", "False"):
            raise SystemExit(f"wiki_detox_identity: unexpected label {row['toxic']!r}")
        yield row["comment"], {"toxicity": 1.0 if row["toxic"] == "True" else 0.0}


def convert_wiki_talk_ooc(snap: Snapshot) -> Iterator[Row]:
    for row in csv_rows(snap.show("data/CAT_LARGE/gn.csv")):
        yield row["text"], {"toxicity": as_bool(row["label"])}


GERMEVAL_FINE = {"INSULT": "insult", "PROFANITY": "profanity"}


def convert_germeval(snap: Snapshot) -> Iterator[Row]:
    # One tweet per line: text, coarse label (OFFENSE/OTHER), fine label (ABUSE/INSULT/PROFANITY/OTHER);
    # "|LBR|" marks the tweet's line breaks.
    for path in ("germeval2018.training.txt", "germeval2018.test.txt"):
        for line in decode(snap.show(path)).splitlines():
            if not line.strip():
                continue
            text, coarse, fine = line.rsplit("\t", 2)
            labels: dict[str, float | None] = {"toxicity": 1.0 if coarse == "OFFENSE" else 0.0}
            for tag, column in GERMEVAL_FINE.items():
                # The fine labels are exclusive, so an ABUSE tweet may still insult or swear: only
                # OTHER (not offensive at all) says "no" to both.
                labels[column] = 1.0 if fine == tag else 0.0 if fine == "OTHER" else None
            yield text.replace("|LBR|", "\n"), labels


def unescape_u(text: str) -> str:
    """Turn literal \\uXXXX escapes (as the MLMA tweets carry them) into the characters, pairing surrogates."""
    if "\\u" not in text:
        return text
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def convert_mlma(snap: Snapshot) -> Iterator[Row]:
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(snap.show("hate_speech_mlma.zip")))
    for member in ("en_dataset_with_stop_words.csv", "fr_dataset.csv", "ar_dataset.csv"):
        for row in csv_rows(archive.read(f"hate_speech_mlma/{member}")):
            # The authors' binary reading: a tweet whose only label is "normal" is not hostile.
            yield unescape_u(row["tweet"]), {"toxicity": 0.0 if row["sentiment"] == "normal" else 1.0}


def email_text(subject: str, body: str) -> str:
    subject = subject.strip()
    body = body.strip()
    text = f"{subject}\n\n{body}" if subject and body else subject or body
    return text[:EMAIL_LIMIT]


def convert_enron(snap: Snapshot) -> Iterator[Row]:
    # Enron-Spam "preprocessed" files: the first line is "Subject: ...", the rest is the body;
    # no other headers are kept in this release.
    paths = []
    for part in range(1, 7):
        for kind in ("ham", "spam"):
            paths.extend(snap.ls(f"enron{part}/{kind}/"))
    for path, data in snap.read_many(paths):
        subject, body = split_email(decode(data))
        yield email_text(subject, body), {"spam": 1.0 if "/spam/" in path else 0.0}


def convert_gab_hate(snap: Snapshot) -> Iterator[Row]:
    # Majority labels per post: hd = assault on human dignity (hate), cv = call for violence (hate),
    # vo = vulgarity / offensive language aimed at a person (not hate).
    for split in ("dev", "test"):
        for line in decode(snap.show(f"data/majority_gab_dataset_25k/{split}.jsonl")).splitlines():
            if not line.strip():
                continue
            post = json.loads(line)
            hd, cv, vo = (float(post[k]) for k in ("hd", "cv", "vo"))
            yield post["Text"], {"toxicity": max(hd, cv, vo), "identity_attack": max(hd, cv), "threat": cv}


def convert_toxic_spans(snap: Snapshot) -> Iterator[Row]:
    for path in ("SemEval2021/data/tsd_trial.csv", "SemEval2021/data/tsd_train.csv", "SemEval2021/data/tsd_test.csv"):
        for row in csv_rows(snap.show(path)):
            yield row["text"], {"toxicity": 1.0}


def youtube_rows(snap: Snapshot, paths: Iterable[str], label_columns: tuple[str, ...]) -> Iterator[Row]:
    """Rows of YouTube Spam Collection files: the first of `label_columns` present is 1 (spam) or 0."""
    # CONTENT is the comment's HTML as the API returned it: <br /> line breaks, entities, a trailing BOM.
    for path in paths:
        for row in csv_rows(snap.show(path)):
            label = next((row[column] for column in label_columns if column in row), None)
            if label not in ("0", "1"):
                raise SystemExit(f"{snap.repo}: unexpected label {label!r} in {path}")
            text = html.unescape(re.sub(r"<br\s*/?>", "\n", row["CONTENT"])).replace("\ufeff", "")
            yield text, {"spam": float(label)}


def convert_youtube(snap: Snapshot) -> Iterator[Row]:
    yield from youtube_rows(snap, ("data/Youtube04-Eminem.csv", "data/Youtube05-Shakira.csv"), ("CLASS", "label"))


def split_email(text: str) -> tuple[str, str]:
    """(subject, body) of an Enron-Spam or Ling-Spam file: a 'Subject:' line, then the body."""
    text = clean(text)
    subject, _, body = text.partition("\n")
    if subject.lower().startswith("subject:"):
        return subject[len("subject:") :], body
    return "", text


def convert_lingspam(snap: Snapshot) -> Iterator[Row]:
    # The "bare" version: no lemmatiser, no stop-list. spmsg*.txt files are spam.
    paths = snap.ls("lingspam_public/bare/")
    for path, data in snap.read_many(paths):
        subject, body = split_email(decode(data))
        yield email_text(subject, body), {"spam": 1.0 if Path(path).name.startswith("spmsg") else 0.0}


_DATACAMP_FILE = "GoodData/final_data_extended_labeledPhase1 - final_data_extended_labeledPhase2.csv"


def convert_datacamp(snap: Snapshot) -> Iterator[Row]:
    # Only the hand-labelled rows: the rest of the file has an empty label.
    for row in csv_rows(snap.show(_DATACAMP_FILE)):
        label = row["label"].strip()
        if label in ("0", "1"):
            yield row["comment"].replace("\xa0", " "), {"spam": float(label)}


_YOUTUBE_2014_FILES = tuple(
    f"data/{name}.csv"
    for name in (
        "Avengers_NPoHPNeU9fc",
        "KatyPerry_CevxZvSJLk8",
        "PewDiePie_gRyPjRrjS34",
        "PlayStation4_x7QhUL8NUK4",
        "Psy_9bZkp7q19f0",
    )
)


def convert_youtube_2014(snap: Snapshot) -> Iterator[Row]:
    yield from youtube_rows(snap, _YOUTUBE_2014_FILES, ("TAG",))


# Janitr's labels that mean the post is there to sell, scam or farm clicks; "promo" alone (a brand or
# a creator announcing its own work) is neither spam nor clearly not, and such rows are left out.
_JANITR_SPAM = frozenset(
    [
        "scam",
        "spam",
        "phishing",
        "recovery_scam",
        "affiliate",
        "lead_gen",
        "engagement_bait",
        "giveaway",
        "bot",
        "reply_spam",
        "follow_train",
        "impersonation",
    ]
)


def convert_janitr(snap: Snapshot) -> Iterator[Row]:
    for line in decode(snap.show("data/sample.jsonl")).splitlines():
        if not line.strip():
            continue
        post = json.loads(line)
        if str(post.get("source_id", "")).startswith("x_mock"):
            continue  # written as examples by the authors, not collected
        labels = set(post["labels"])
        if labels & _JANITR_SPAM:
            yield post["text"], {"spam": 1.0}
        elif "promo" not in labels:
            yield post["text"], {"spam": 0.0}


# --- registry ---------------------------------------------------------------------------------

SOURCES: list[Source] = [
    Source(
        name="jigsaw_toxic",
        inputs=JIGSAW_INPUTS,
        columns=("toxicity", "severe_toxicity", "identity_attack", "insult", "profanity", "threat"),
        licence="CC0 for the labels (Jigsaw/Conversation AI, Kaggle 2018); comment text is Wikipedia talk-page "
        "text under CC BY-SA 3.0",
        origin="Jigsaw Toxic Comment Classification Challenge (Kaggle 2018): Wikipedia talk-page comments, "
        "six binary labels. Only samples are available here (the full train.csv is over the snapshot size "
        "limit); they come from several repositories that copied rows verbatim with the Kaggle ids",
        mapping="toxic -> toxicity, severe_toxic -> severe_toxicity, obscene -> profanity, threat -> threat, "
        "insult -> insult, identity_hate -> identity_attack",
        convert=convert_jigsaw,
        notes=[
            "the Predibase samples over-draw toxic comments (pools of 1,000 'bad' rows), so the positive "
            "rates here are far above the 9.6 % of the full training set",
            "includes rows of the Kaggle test set (with test_labels), so do not use this file to score a "
            "model trained on the full Kaggle training set, nor vice versa",
        ],
    ),
    Source(
        name="davidson",
        inputs=one(
            "t-davidson/hate-speech-and-offensive-language",
            "cb50f7e9eb855a99abc51423bf40df0e26d6fe30",
            *["data/labeled_data.csv"],
        ),
        columns=("toxicity", "identity_attack"),
        licence="MIT (repository LICENSE); tweets are Twitter content",
        origin='Davidson, Warmsley, Macy, Weber, "Automated Hate Speech Detection and the Problem of Offensive '
        'Language", ICWSM 2017: 24,783 tweets, each coded by 3+ CrowdFlower workers',
        mapping="toxicity = (hate_speech + offensive_language) / count; identity_attack = hate_speech / count "
        "(the paper's hate speech is hatred of a group); HTML entities in the tweets unescaped",
        convert=single(convert_davidson),
    ),
    Source(
        name="ethos_binary",
        inputs=one(
            "intelligence-csd-auth-gr/Ethos-Hate-Speech-Dataset",
            "705258e118ce9611ebbd5ab2a4841b0066547293",
            *["ethos/ethos_data/Ethos_Dataset_Binary.csv"],
        ),
        columns=("toxicity",),
        licence="GPL-3.0 (repository LICENSE)",
        origin="ETHOS binary (Mollas et al. 2022): 998 YouTube and Reddit comments rated for hate speech "
        "by Figure Eight annotators",
        mapping="toxicity = isHate (fraction of annotators who called it hate speech)",
        convert=single(convert_ethos),
    ),
    Source(
        name="stormfront",
        inputs=one(
            "aitor-garcia-p/hate-speech-dataset",
            "b802137e8314c38a8d4faa965f9908d6c8e7a84d",
            *["annotations_metadata.csv", "all_files/*.txt"],
        ),
        columns=("toxicity", "identity_attack"),
        licence="CC BY-SA 3.0 ES (repository LICENSE)",
        origin='de Gibert, Perez, Garcia-Pablos, Cuadros, "Hate Speech Dataset from a White Supremacy Forum", '
        "ALW2 2018: Stormfront sentences labelled hate / noHate",
        mapping="hate -> identity_attack 1 and toxicity 1; noHate -> identity_attack 0, toxicity empty (the "
        "guidelines call offensive language that attacks no group noHate); 'relation' (hate only with "
        "neighbouring sentences) and 'idk/skip' rows dropped",
        convert=single(convert_stormfront),
    ),
    Source(
        name="wiki_identity_clean",
        inputs=one(
            "conversationai/unintended-ml-bias-analysis",
            "d243a9c3de45b922c008009e3a3fa60a76908263",
            *["data/toxicity_debiasing_data.tsv"],
        ),
        columns=("toxicity",),
        licence="Apache-2.0 (repository LICENSE); sentences are Wikipedia article text, CC BY-SA",
        origin='Dixon et al., "Measuring and Mitigating Unintended Bias in Text Classification" (AIES 2018): '
        "non-toxic Wikipedia article sentences that mention identity terms (gay, lesbian, ...), added to "
        "counter identity-term bias",
        mapping="every row is_toxic=False -> toxicity 0",
        convert=single(convert_wiki_identity),
    ),
    Source(
        name="wiki_detox_identity",
        inputs=one(
            "conversationai/unintended-ml-bias-analysis",
            "9c7d91aaa53406a362354661a93e07956d95e59a",
            "archive/unintended_ml_bias/eval_datasets/toxicity_nonfuzzed_testset.csv",
        ),
        columns=("toxicity",),
        licence="Apache-2.0 (repository LICENSE); the Wikipedia Detox labels are CC0 and the comments are "
        "Wikipedia talk-page text, CC BY-SA",
        origin="Wikipedia Talk Labels: Toxicity (Wulczyn, Thain, Dixon 2017), the test-split comments that "
        "mention identity terms, as selected by Dixon et al. (AIES 2018) for their fuzzing experiment "
        "(the unfuzzed originals)",
        mapping="toxic True -> toxicity 1, False -> 0 (the dataset's majority label)",
        convert=single(convert_wiki_detox_identity),
    ),
    Source(
        name="wiki_talk_cat_large",
        inputs=one(
            "ipavlopoulos/context_toxicity", "5df49c294e6a41f0ba351e65fda7c315aa4cc168", *["data/CAT_LARGE/gn.csv"]
        ),
        columns=("toxicity",),
        licence="Apache-2.0 (repository LICENSE); comments are Wikipedia talk-page text, CC BY-SA",
        origin='Pavlopoulos et al., "Toxicity Detection: Does Context Really Matter?" (ACL 2020), CAT-LARGE: '
        "10,000 Wikipedia talk-page comments rated by crowd workers who did not see the parent comment",
        mapping="label (majority toxic) -> toxicity; the 'api' column (a Perspective score) is not used",
        convert=single(convert_wiki_talk_ooc),
    ),
    Source(
        name="germeval2018",
        inputs=one(
            "uds-lsv/GermEval-2018-Data",
            "9877472d39523effd54cd079b4c61157ed141508",
            *["germeval2018.training.txt", "germeval2018.test.txt"],
        ),
        columns=("toxicity", "insult", "profanity"),
        licence="CC BY 4.0 (repository LICENSE.md)",
        origin="Wiegand, Siegel, Ruppenhofer, GermEval 2018 shared task on offensive German tweets (training + test)",
        mapping="OFFENSE -> toxicity 1, OTHER -> 0; fine label INSULT -> insult 1, PROFANITY -> profanity 1; "
        "OTHER -> 0 for both; ABUSE leaves insult and profanity empty (the fine labels are exclusive); "
        "|LBR| -> newline",
        convert=single(convert_germeval),
    ),
    Source(
        name="mlma",
        inputs=one(
            "HKUST-KnowComp/MLMA_hate_speech",
            "479836984aebfbd8a0270ca92018980f745e4c44",
            *["hate_speech_mlma.zip (en_dataset_with_stop_words.csv, fr_dataset.csv, ar_dataset.csv)"],
        ),
        columns=("toxicity",),
        licence="MIT (repository LICENSE)",
        origin='Ousidhoum et al., "Multilingual and Multi-Aspect Hate Speech Analysis" (EMNLP 2019): English, '
        "French and Arabic tweets; user names replaced by @user",
        mapping="sentiment exactly 'normal' -> toxicity 0, any hostility label -> 1 (the authors' binary "
        "reading); en_dataset.csv (stop words removed) not used",
        convert=single(convert_mlma),
    ),
    Source(
        name="gab_hate_corpus",
        inputs=one(
            "BrendanKennedy/contextualizing-hate-speech-models-with-explanations",
            "7b1f6719ac450c503ad5dcfb96f13759511ffd66",
            "data/majority_gab_dataset_25k/dev.jsonl",
            "data/majority_gab_dataset_25k/test.jsonl",
        ),
        columns=("toxicity", "identity_attack", "threat"),
        licence="MIT (repository LICENSE); the Gab Hate Corpus itself is distributed on OSF (osf.io/edua3), "
        "licence not restated in this repository",
        origin="Gab Hate Corpus (Kennedy et al. 2020), majority-vote labels, the dev and test splits prepared by "
        "Kennedy et al. (ACL 2020); the train split is over the snapshot size limit",
        mapping="toxicity = hd or cv or vo; identity_attack = hd or cv (the corpus' hate is identity-based); "
        "threat = cv (call for violence); moral-foundation and target columns not used",
        convert=single(convert_gab_hate),
    ),
    Source(
        name="civil_comments_toxic_spans",
        inputs=one(
            "ipavlopoulos/toxic_spans",
            "beaf170538df8275c3447b2e26070f2f82e55272",
            "SemEval2021/data/tsd_trial.csv",
            "SemEval2021/data/tsd_train.csv",
            "SemEval2021/data/tsd_test.csv",
        ),
        columns=("toxicity",),
        licence="CC0 1.0 (repository LICENSE); Civil Comments is CC0",
        origin="SemEval-2021 Task 5 Toxic Spans (Pavlopoulos et al.): Civil Comments posts that at least half "
        "of the original Civil Comments raters found toxic, re-annotated for toxic spans",
        mapping="every post -> toxicity 1 (the selection rule of the dataset: original Civil Comments toxicity "
        ">= 0.5); the span offsets are not used",
        convert=single(convert_toxic_spans),
        notes=["positives only: pair it with clean news comments from another source"],
    ),
    Source(
        name="hateval2019",
        inputs=one(
            "cardiffnlp/tweeteval",
            "4fbd22cd78421f05b1ecdb4fc5725bc7a7bd8f66",
            "datasets/hate/{train,val,test}_text.txt",
            "datasets/hate/{train,val,test}_labels.txt",
        ),
        columns=("toxicity", "identity_attack"),
        licence="TweetEval states no restriction of its own and defers to the original dataset (HatEval, "
        "SemEval-2019 Task 5, Basile et al.), whose licence is not stated there",
        origin="HatEval (SemEval-2019 Task 5) English tweets on immigrants and women, as packaged in TweetEval; "
        "only datasets/hate is read (TweetEval's datasets/offensive is OLID and is not used)",
        mapping="hate -> identity_attack 1 and toxicity 1; not-hate -> identity_attack 0, toxicity empty",
        convert=single(convert_hateval),
    ),
    Source(
        name="portuguese_hate",
        inputs=one(
            "paulafortuna/Portuguese-Hate-Speech-Dataset",
            "4208e1e22fca62a2ee7d3ed74316e13b4e67b731",
            "2019-05-28_portuguese_hate_speech_binary_classification.csv",
        ),
        columns=("toxicity", "identity_attack"),
        licence="none stated; the README restricts use to research",
        origin='Fortuna et al., "A Hierarchically-Labeled Portuguese Hate Speech Dataset" (ALW3 2019): '
        "5,670 Portuguese tweets, three annotators each",
        mapping="identity_attack = share of the three annotators (G1-G3) who marked hate speech; toxicity 1 "
        "where the combined label is hate, empty otherwise",
        convert=single(convert_portuguese_hate),
    ),
    Source(
        name="told_br",
        inputs=one("JAugusto97/ToLD-Br", "7804082d06a42b791c456b37a8a80ed9b731198c", "ToLD-BR_alpha.csv"),
        columns=("toxicity", "identity_attack", "insult", "profanity"),
        licence="CC BY-SA 4.0 (repository LICENSE_ToLD-Br.txt)",
        origin='Leite et al., "Toxic Language Detection in Social Media for Brazilian Portuguese" (AACL 2020): '
        "21,000 Portuguese tweets, three annotators each",
        mapping="shares of the three annotators: toxicity = flagged any category; identity_attack = flagged "
        "homophobia, racism, misogyny or xenophobia; insult = insult; profanity = obscene",
        convert=single(convert_told_br),
    ),
    Source(
        name="offcombr",
        inputs=one("rogersdepelle/OffComBR", "261c6334f374966e952d0e83fee9253641860ac5", "OffComBR2.arff"),
        columns=("toxicity",),
        licence="none stated in the repository",
        origin='de Pelle & Moreira, "Offensive Comments in the Brazilian Web" (BraSNAM 2017): 1,250 '
        "Portuguese news-site comments (g1.globo.com), three judges",
        mapping="OffComBR-2: yes (offensive for at least two judges) -> toxicity 1, no -> 0",
        convert=single(convert_offcombr),
    ),
    Source(
        name="hatecheck",
        inputs=[
            Input("paul-rottger/hatecheck-data", "d84302298ceeb34f4b0dde2d8a1f4932c2caa612", ("test_suite_cases.csv",)),
            Input(
                "rewire-online/multilingual-hatecheck",
                "a03f2caf2023a402d85064bda243e46d280408f0",
                ("MHC Final Cases/hatecheck_cases_final_*.csv",),
            ),
        ],
        columns=("toxicity", "identity_attack"),
        licence="CC BY 4.0 (repository LICENSE, both)",
        origin="HateCheck (Roettger et al., ACL 2021) English functional tests and Multilingual HateCheck "
        "(Roettger et al., WOAH 2022) in ten languages: short hand-written cases, hateful and non-hateful "
        "(counter-speech, negation, profanity, abuse of non-protected targets)",
        mapping="hateful -> identity_attack 1 and toxicity 1; non-hateful -> identity_attack 0, toxicity "
        "empty (non-hateful cases include profanity and abuse of individuals)",
        convert=convert_hatecheck,
        notes=["templated test cases, not organic comments: better as a held-out check than as bulk training data"],
    ),
    Source(
        name="fox_news_comments",
        inputs=one("sjtuprog/fox-news-comments", "914b6bcdff380b16b6a11818e4760529fe23f2f3", "fox-news-comments.json"),
        columns=("toxicity",),
        licence="MIT (repository LICENSE)",
        origin='Gao & Huang, "Detecting Online Hate Speech Using Context Aware Models" (RANLP 2017): 1,528 '
        "Fox News user comments from 10 discussion threads",
        mapping="label 1 (hateful) -> toxicity 1, 0 -> 0",
        convert=single(convert_fox_news),
    ),
    Source(
        name="korean_hate_speech",
        inputs=one(
            "kocohub/korean-hate-speech",
            "f8d05dce2b22007bb149e5139c0060c68ad8f94b",
            "labeled/train.tsv",
            "labeled/dev.tsv",
        ),
        columns=("toxicity",),
        licence="CC BY-SA 4.0 (repository README)",
        origin='Moon, Cho, Lee, "BEEP! Korean Corpus of Online News Comments for Toxic Speech Detection" '
        "(SocialNLP 2020): Korean entertainment-news comments",
        mapping="hate or offensive -> toxicity 1, none -> 0; the gender-bias columns are not used",
        convert=single(convert_korean_hate),
    ),
    Source(
        name="germeval2021",
        inputs=one(
            "germeval2021toxic/SharedTask",
            "fa5dca397aed0556703dd9550ac7380b9e6c3297",
            "Data Sets/GermEval21_TrainData.csv",
            "Data Sets/GermEval21_TestData.csv",
        ),
        columns=("toxicity",),
        licence="none stated in the repository",
        origin="GermEval 2021 shared task (Risch, Stoll, Wilms, Wiegand): German Facebook comments on a "
        "political talk show, training and test data",
        mapping="Sub1_Toxic -> toxicity; the engaging and fact-claiming labels are not used",
        convert=single(convert_germeval2021),
    ),
    Source(
        name="l_hsab",
        inputs=one(
            "Hala-Mulki/L-HSAB-First-Arabic-Levantine-HateSpeech-Dataset",
            "9abf6b6d05f484b67cd85a4a61476c51b5cc1910",
            "Dataset/L-HSAB",
        ),
        columns=("toxicity",),
        licence="none stated in the repository",
        origin='Mulki et al., "L-HSAB: A Levantine Twitter Dataset for Hate Speech and Abusive Language" '
        "(ALW3 2019): Arabic (Levantine) tweets",
        mapping="abusive or hate -> toxicity 1, normal -> 0",
        convert=single(convert_lhsab),
    ),
    Source(
        name="cold_chinese",
        inputs=one(
            "thu-coai/COLDataset",
            "a0c55a945497ab58e94aef491180e1cf88ffb864",
            "COLDataset/train.csv",
            "COLDataset/dev.csv",
            "COLDataset/test.csv",
        ),
        columns=("toxicity",),
        licence="Apache-2.0 (repository LICENSE)",
        origin='Deng et al., "COLD: A Benchmark for Chinese Offensive Language Detection" (EMNLP 2022): '
        "Chinese social-media posts on race, gender and region",
        mapping="label 1 (offensive) -> toxicity 1, 0 -> 0",
        convert=single(convert_cold),
    ),
    Source(
        name="enron_spam",
        inputs=one(
            "DungQuangUiT/enron_dataset",
            "293b93383d232e9a5790b708d3d746ee048ed70d",
            *[f"enron{i}/{k}/*.txt" for i in range(1, 7) for k in ("ham", "spam")],
        ),
        columns=("spam",),
        licence="none stated in the repository; Enron-Spam (Metsis, Androutsopoulos, Paliouras 2006) is "
        "distributed freely for research",
        origin="Enron-Spam, preprocessed release (enron1-enron6): Enron employees' ham plus spam traps' spam",
        mapping=f"spam/ -> spam 1, ham/ -> 0; text = subject + blank line + body, cut to {EMAIL_LIMIT} characters",
        convert=single(convert_enron),
    ),
    Source(
        name="youtube_spam_eminem_shakira",
        inputs=one(
            "C0D3-BR3AK3R/HadoopFinalNCU-Project",
            "cb2cf49dbfffe0bc145ce3d825e1a99ec7c73ef7",
            "data/Youtube04-Eminem.csv",
            "data/Youtube05-Shakira.csv",
        ),
        columns=("spam",),
        licence="CC BY 4.0 (UCI YouTube Spam Collection)",
        origin="YouTube Spam Collection (Alberto, Lochter, Almeida 2015): the Eminem and Shakira video files, "
        "the two that the existing youtube-dev set does not contain",
        mapping="label 1 -> spam 1, 0 -> 0; <br /> -> newline, HTML entities unescaped, BOM removed",
        convert=single(convert_youtube),
    ),
    Source(
        name="lingspam",
        inputs=one("toloan/Email", "88e83371d19ab5fba98e7c6fc112f477d63046e2", "lingspam_public/bare/part1-10/*.txt"),
        columns=("spam",),
        licence="none stated; the corpus readme asks users to acknowledge Androutsopoulos et al. (ECML 2000) "
        "and notify the author of published work",
        origin="Ling-Spam (Androutsopoulos et al. 2000): Linguist List messages and spam, 'bare' version",
        mapping=f"spmsg*.txt -> spam 1, other files -> 0; text = subject + blank line + body, cut to {EMAIL_LIMIT} "
        "characters",
        convert=single(convert_lingspam),
    ),
    Source(
        name="datacamp_blog_comments",
        inputs=one(
            "Desmond00/DatacampArticleSentimentAnalysis", "a68549a101b7867f187d0ed3bfc4e678f2dc9cb7", _DATACAMP_FILE
        ),
        columns=("spam",),
        licence="none stated in the repository",
        origin="comments left under DataCamp tutorial pages, hand-labelled spam or not by the repository's "
        "authors: blog-comment spam as it is written (tech-support numbers, praise with a pitch, link drops)",
        mapping="label 1 -> spam 1, 0 -> 0, empty -> row left out; non-breaking spaces read as spaces",
        convert=single(convert_datacamp),
        notes=[
            "the authors also labelled non-English, one-word and greeting-only comments spam, which Sift does not; "
            "the file is small (608 labelled rows), so those few rows weigh little",
        ],
    ),
    Source(
        name="youtube_spam_2014",
        inputs=one(
            "tuliocasagrande/youtube-spam-experiment", "18ef03e80f9ac234e1bd4cba9e7c13deee2725e5", *_YOUTUBE_2014_FILES
        ),
        columns=("spam",),
        licence="none stated in the repository",
        origin="comments on five popular videos, hand-labelled in October 2014 by the authors of the UCI "
        "YouTube Spam Collection; a separate set from the UCI files (the files were deleted from the "
        "repository later, so they are read at this commit)",
        mapping="TAG 1 -> spam 1, 0 -> 0; <br /> -> newline, HTML entities unescaped, BOM removed",
        convert=single(convert_youtube_2014),
    ),
    Source(
        name="janitr_x_scams",
        inputs=one("janitrai/janitr", "a5b1e746e8826ffd800725536c782abc61818455", "data/sample.jsonl"),
        columns=("spam",),
        licence="MIT (repository LICENSE)",
        origin="posts and replies on X (Twitter) labelled for crypto scams, recovery scams, phishing, "
        "affiliate links and Telegram promotion; the README says the labels were made with AI models and "
        "checked by people",
        mapping="any of scam, spam, phishing, recovery_scam, affiliate, lead_gen, engagement_bait, giveaway, "
        "bot, reply_spam, follow_train, impersonation -> spam 1; otherwise 'promo' -> left out; the rest "
        "(clean posts, crypto and news talk) -> 0; rows the authors wrote as examples (x_mock ids) left out",
        convert=single(convert_janitr),
    ),
]


# --- output -----------------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"label {value} outside [0, 1]")
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


@dataclass
class Stats:
    rows: int = 0
    read: int = 0
    empty: int = 0
    duplicates: int = 0
    known: dict[str, int] = field(default_factory=dict)
    positive: dict[str, int] = field(default_factory=dict)
    total: dict[str, float] = field(default_factory=dict)


def build(source: Source, mirrors: Path, out: Path) -> Stats:
    if not set(source.columns) <= set(ATTRIBUTES):
        raise SystemExit(f"{source.name}: columns outside {ATTRIBUTES}: {source.columns}")
    snaps = [Snapshot(mirrors, i.repo, i.commit) for i in source.inputs]
    stats = Stats()
    seen: set[str] = set()
    target = out / f"{source.name}.csv"
    partial = target.with_suffix(".csv.partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["text", *source.columns])
        for raw, labels in source.convert(snaps):
            stats.read += 1
            text = clean(raw)
            if not text:
                stats.empty += 1
                continue
            if text in seen:
                stats.duplicates += 1
                continue
            seen.add(text)
            unknown = set(labels) - set(source.columns)
            if unknown:
                raise SystemExit(f"{source.name}: converter produced undeclared columns {sorted(unknown)}")
            writer.writerow([text, *(fmt(labels.get(c)) for c in source.columns)])
            stats.rows += 1
            for column in source.columns:
                value = labels.get(column)
                if value is None:
                    continue
                stats.known[column] = stats.known.get(column, 0) + 1
                stats.positive[column] = stats.positive.get(column, 0) + (value >= 0.5)
                stats.total[column] = stats.total.get(column, 0.0) + value
    partial.replace(target)
    return stats


def describe(source: Source, stats: Stats) -> str:
    lines = [
        f"## {source.name}.csv",
        "",
        f"- Origin: {source.origin}",
        *(f"- Repository: {i.repo} @ {i.commit}; paths: {', '.join(i.paths)}" for i in source.inputs),
        f"- Licence: {source.licence}",
        f"- Label mapping: {source.mapping}",
        f"- Rows: {stats.rows:,} (read {stats.read:,}; dropped {stats.duplicates:,} exact duplicate texts "
        f"and {stats.empty:,} empty ones)",
        "- Columns (share of rows with value >= 0.5; mean value):",
    ]
    for column in source.columns:
        known = stats.known.get(column, 0)
        if known == 0:
            lines.append(f"  - {column}: no values")
            continue
        rate = stats.positive[column] / known
        mean = stats.total[column] / known
        coverage = "" if known == stats.rows else f" over the {known:,} rows that have it"
        lines.append(f"  - {column}: {rate:.4f} ({stats.positive[column]:,}); mean {mean:.4f}{coverage}")
    lines.extend(f"- Note: {note}" for note in source.notes)
    lines.append("")
    return "\n".join(lines)


HEADER = """# Labelled corpora for Sift's learned models

Generated by `scripts/prepare_corpora.py` from snapshots of public repositories, each read at the
commit named below. Every file is UTF-8 CSV with the header `text,<attributes>`; attributes are
numbers in [0, 1] (0/1 for binary labels, annotator fractions where the source has them); an empty
cell means the source does not label that attribute. Rows keep the source order; exact duplicate
texts are dropped (first occurrence kept). Positive rate = share of labelled rows with value >= 0.5.

Across files:
- Deduplication is within each file only. Wikipedia talk comments can occur in more than one of
  jigsaw_toxic, wiki_detox_identity and wiki_talk_cat_large (Jigsaw 2018 drew on the same talk-page
  archive as Wikipedia Detox); split train/test by source, not by row, when mixing them.
- Hate / not-hate corpora (stormfront, hateval2019, portuguese_hate, hatecheck) label identity
  attacks; their not-hate rows leave toxicity empty because they may still be abusive.
- civil_comments_toxic_spans is all positive; wiki_identity_clean is all negative.
- Not included: OLID / OffensEval / SOLID and TweetEval's "offensive" task (excluded by rule); the
  Indonesian multi-label hate-speech corpus (CC BY-NC-SA, non-commercial); corpora whose files are
  over the 4 MiB snapshot limit (full Jigsaw train.csv, Civil Comments, Wikipedia Detox attack and
  aggression, HateXplain, Dynabench hate, the Gab Hate Corpus train split, Implicit Hate).

| file | rows | columns |
|---|---|---|
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, required=True, help="directory of owner+name git snapshots")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the CSVs and SOURCES.md to")
    parser.add_argument("--only", nargs="*", default=None, help="build only these sources (by name)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = [s for s in SOURCES if args.only is None or s.name in args.only]
    if args.only is not None and len(chosen) != len(set(args.only)):
        known = ", ".join(s.name for s in SOURCES)
        parser.error(f"unknown source in --only; known: {known}")
    sections = []
    table = []
    summary = {}
    for source in chosen:
        stats = build(source, args.mirrors, args.out)
        print(f"{source.name}: {stats.rows} rows ({stats.duplicates} duplicates dropped)", file=sys.stderr)
        sections.append(describe(source, stats))
        table.append(f"| {source.name}.csv | {stats.rows:,} | {', '.join(source.columns)} |")
        summary[source.name] = {"rows": stats.rows, "inputs": [[i.repo, i.commit] for i in source.inputs]}
    if args.only is None:
        text = HEADER + "\n".join(table) + "\n\n" + "\n".join(sections)
        (args.out / "SOURCES.md").write_text(re.sub(r"\n{3,}", "\n\n", text), encoding="utf-8")
    print(json.dumps(summary, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
