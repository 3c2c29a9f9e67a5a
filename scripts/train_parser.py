"""Train the small English dependency parser shipped in src/storyline/data/models/parser.

    python scripts/train_parser.py UD_English-EWT/ [--news GUM_news.conllu] [--steps 6000]

The first argument is a folder holding ``en_ewt-ud-{train,dev,test}.conllu`` from the
Universal Dependencies English Web Treebank (CC BY-SA 4.0,
https://github.com/UniversalDependencies/UD_English-EWT). Nothing of it is copied into the
project; the weights, trained on it, carry its licence (``LICENSE`` next to them).

Why our own: no statistical spaCy pipeline installs from the package registries, and events
need the subject and object of their verb rather than the nearest name. The pipeline is
spaCy's CPU "efficiency" tagger + parser (hash embeddings, a 4-layer CNN; no vectors), so it
installs with spaCy alone. It is trained on train, the best step is picked on dev, and the
script prints attachment scores on test and, with ``--news``, on another treebank's news
(GUM's Wikinews documents are a fair out-of-domain check), then words per second.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import spacy
from spacy.cli.init_config import init_config
from spacy.cli.train import train
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training import Example
from spacy.training.converters import conllu_to_docs  # type: ignore[attr-defined]
from thinc.api import Config

OUT = Path(__file__).resolve().parents[1] / "src" / "storyline" / "data" / "models" / "parser"

LICENCE = """\
The weights in this folder were trained by scripts/train_parser.py on the Universal
Dependencies English Web Treebank (UD_English-EWT), train split, with its dev split for
model selection.

UD_English-EWT is licensed under the Creative Commons Attribution-ShareAlike 4.0
International licence (https://creativecommons.org/licenses/by-sa/4.0/). Its text is from
the LDC English Web Treebank (Bies et al. 2012); the Universal Dependencies annotation is by
Silveira et al. (2014) and later UD contributors. These weights, derived from it, are
shared under the same licence: CC BY-SA 4.0.

Rebuild: python scripts/train_parser.py path/to/UD_English-EWT
"""


def docbin(conllu: Path, out: Path) -> int:
    """CoNLL-U to spaCy's training format, ten sentences to a doc (the parser learns across
    sentence starts, as it meets them in an article)."""
    docs = list(conllu_to_docs(  # type: ignore[no-untyped-call]
        conllu.read_text(encoding="utf-8"), n_sents=10, no_print=True))
    DocBin(docs=docs).to_disk(out)
    return len(docs)


def config(steps: int, width: int = 96, depth: int = 4) -> Config:
    cfg = init_config(lang="en", pipeline=["tagger", "parser"], optimize="efficiency", gpu=False)
    cfg["components"]["tok2vec"]["model"]["encode"]["width"] = width
    cfg["components"]["tok2vec"]["model"]["encode"]["depth"] = depth
    cfg["training"]["max_steps"] = steps
    cfg["training"]["eval_frequency"] = 400
    cfg["training"]["patience"] = 2400
    cfg["components"]["parser"]["model"]["hidden_width"] = 64
    return cfg


def score(nlp: Language, conllu: Path) -> dict[str, float]:
    gold = list(conllu_to_docs(  # type: ignore[no-untyped-call]
        conllu.read_text(encoding="utf-8"), n_sents=1, no_print=True))
    examples = [Example(nlp.make_doc(g.text), g) for g in gold]
    scores = nlp.evaluate(examples)
    return {k: float(scores[k]) for k in ("dep_uas", "dep_las", "tag_acc")}


def speed(nlp: Language, conllu: Path, repeats: int = 3) -> float:
    gold = conllu_to_docs(  # type: ignore[no-untyped-call]
        conllu.read_text(encoding="utf-8"), n_sents=1, no_print=True)
    texts = [d.text for d in gold]
    words = sum(len(nlp.make_doc(t)) for t in texts)
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
        rates.append(words / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ewt", type=Path, help="folder with en_ewt-ud-{train,dev,test}.conllu")
    parser.add_argument("--news", type=Path, help="a CoNLL-U file of news to score on too")
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--width", type=int, default=96, help="token vector width")
    parser.add_argument("--depth", type=int, default=4, help="CNN layers over the tokens")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for split in ("train", "dev"):
            n = docbin(args.ewt / f"en_ewt-ud-{split}.conllu", work / f"{split}.spacy")
            print(f"{split}: {n} docs of up to 10 sentences")
        cfg_path = work / "config.cfg"
        config(args.steps, args.width, args.depth).to_disk(cfg_path)
        train(
            cfg_path,
            work / "out",
            overrides={"paths.train": str(work / "train.spacy"),
                       "paths.dev": str(work / "dev.spacy")},
        )
        nlp = spacy.load(work / "out" / "model-best")
        if args.out.exists():
            shutil.rmtree(args.out)
        nlp.meta["name"] = "storyline_parser"
        nlp.meta["license"] = "CC BY-SA 4.0"
        nlp.meta["sources"] = [{"name": "UD_English-EWT", "license": "CC BY-SA 4.0"}]
        nlp.to_disk(args.out)
    cfg_file = args.out / "config.cfg"  # (the temporary training paths are no use to anyone)
    cfg_file.write_text("\n".join(
        f"{line.split('=')[0].strip()} = null" if line.startswith(("train = ", "dev = "))
        else line for line in cfg_file.read_text(encoding="utf-8").splitlines()) + "\n",
        encoding="utf-8")
    (args.out / "LICENSE").write_text(LICENCE, encoding="utf-8")
    nlp = spacy.load(args.out)
    print("| data | UAS | LAS | tag acc |")
    print("|---|---|---|---|")
    sets = [("EWT test", args.ewt / "en_ewt-ud-test.conllu")]
    if args.news:
        sets.append((f"news ({args.news.name})", args.news))
    for name, path in sets:
        s = score(nlp, path)
        print(f"| {name} | {s['dep_uas']:.3f} | {s['dep_las']:.3f} | {s['tag_acc']:.3f} |")
    print(f"\nwords/s, one process, {sets[-1][0]}, median of 3: {speed(nlp, sets[-1][1]):,.0f}")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"model size: {size / 1e6:.1f} MB in {args.out}")
    print(f"\nrerun: python scripts/train_parser.py {args.ewt} "
          + (f"--news {args.news} " if args.news else "")
          + f"--steps {args.steps} --width {args.width} --depth {args.depth}")


if __name__ == "__main__":
    main()
