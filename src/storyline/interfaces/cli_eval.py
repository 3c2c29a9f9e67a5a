"""``storyline eval``: measure Storyline against labelled data, one command per stage.

Every evaluation module is imported inside its command: the CLI starts without them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from storyline.interfaces.cli_common import embeddings_model, err, fail, sample_labels
from storyline.interfaces.output import emit
from storyline.semantic.static import STATIC
from storyline.semantic.vectors import EmbeddingsError, model_name

eval_app = typer.Typer(help="Measure Storyline against labelled data.", no_args_is_help=True)


@eval_app.command("clean")
def eval_clean(
    labels: Annotated[
        Path | None, typer.Option(help="Labels file (default: sample corpus).")
    ] = None,
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder the labels describe.")] = None,
    mistakes: Annotated[bool, typer.Option("--mistakes", help="List misses and losses.")] = False,
) -> None:
    """Boilerplate removal against labelled boilerplate lines (the sample corpus by default)."""
    from storyline.evaluation.cleaning import evaluate_cleaning

    labels = labels or sample_labels()
    corpus = (corpus or (labels.parent / "articles")).resolve()
    report = evaluate_cleaning(labels, corpus)
    rows = []
    for name, score in [*sorted(report.by_format.items()), ("all", report.total)]:
        rows.append({
            "format": name, "boilerplate lines": score.boilerplate, "removed": score.caught,
            "recall": f"{score.recall:.3f}", "article lines": score.article_lines,
            "lost": score.lost, "loss rate": f"{score.loss_rate:.4f}",
        })
    emit(rows, list(rows[0]), "table", title=f"Cleaning: {report.articles} articles")
    if report.unmatched_labels:
        err.print(f"{len(report.unmatched_labels)} labelled articles were not ingested: "
                  + ", ".join(report.unmatched_labels))
    if mistakes:
        for key, line in report.total.missed_lines:
            typer.echo(f"missed  {key}: {line}")
        for key, line, reason in report.total.lost_lines:
            typer.echo(f"lost    {key}: {line}  [{reason}]")


@eval_app.command("facts")
def eval_facts(
    labels: Annotated[Path | None, typer.Option(
        help="Fact labels (default: the sample corpus's facts.json; labels.json and "
             "articles/ beside it).", show_default=False)] = None,
    ecbplus: Annotated[Path | None, typer.Option(
        help="Instead of labels: ECB+ (ecbplus-event-clusters folder), sentences of one "
             "event cluster that mention the same event occurrence (positive) or only the "
             "same participants (negative).", show_default=False)] = None,
    split: Annotated[str, typer.Option(
        help="With --ecbplus: tune (topics 1, 5, 9, ...), check (3, 7, 11, ...), dev (both) "
             "or test (even topics, held out).")] = "check",
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Sentence embeddings, as show --embeddings: 'static' (the default install's "
             "model, as the report uses), 'minilm' (the embeddings extra), a local model "
             "folder or a cached model name; 'none' for words, names, figures and dates "
             "only. Offline.")] = STATIC,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed positive pairs and violated negatives.")] = False,
) -> None:
    """Fact alignment of the story report against labelled same-fact and different-fact
    statement pairs: pair recall and negative violations."""
    import tempfile

    from rich.markup import escape

    from storyline.evaluation import ecb_facts
    from storyline.evaluation.facts import default_labels, evaluate_facts
    from storyline.semantic.load import load_encoder

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    if ecbplus is not None and labels is not None:
        fail("give --labels or --ecbplus, not both")
    try:
        model = embeddings_model(embeddings)
        encoder = load_encoder(model) if model is not None else None
        with tempfile.TemporaryDirectory() as tmp:
            path = (ecb_facts.write(ecbplus, split, Path(tmp)) if ecbplus is not None
                    else labels or default_labels())
            report = evaluate_facts(path, encoder=encoder)
    except (OSError, ValueError, KeyError, EmbeddingsError) as exc:
        fail(escape(str(exc)))
    command = ("storyline eval facts" + (f" --labels {labels}" if labels else "")
               + (f" --ecbplus {ecbplus} --split {split}" if ecbplus else "")
               + (f" --embeddings {embeddings}" if embeddings != STATIC else ""))
    if fmt == "json":
        typer.echo(json.dumps({**report.as_dict(mistakes=mistakes), "command": command},
                              ensure_ascii=False))
        return
    rows = [s.row() for s in report.splits()]
    emit(rows, list(rows[0]), "table", title=f"Facts: {report.stories} stories, "
         f"{report.claims} claims in {report.facts} facts"
         + (f" ({report.model})" if report.model else " (no embeddings)"))
    total = report.total
    typer.echo(f"pair recall {total.recall:.3f} ({total.found}/{total.positives}); negative "
               f"violations {total.violated}/{total.negatives}; statements matching no claim: "
               f"{len(report.unmapped)}; {report.seconds:.1f} s")
    for story, article, text, why in report.unmapped:
        typer.echo(f"unmapped {story} {article}: {text!r} ({why})")
    if mistakes:
        for kind, outcomes in (("missed", report.missed()), ("violated", report.violations())):
            for o in outcomes:
                typer.echo(f"{kind} {o.pair.story} [{o.pair.note}]")
                for claims in (o.claims_a, o.claims_b):
                    typer.echo("    " + (" | ".join(claims) or "(no claim)"))
    typer.echo(f"rerun: {command}")


@eval_app.command("pairs")
def eval_pairs(
    file: Annotated[Path, typer.Argument(help="SemEval-2022 Task 8 CSV (text1, text2, Overall).")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Score with sentence embeddings (needs storyline[embeddings]): 'default' for the "
             "bundled all-MiniLM-L6-v2, a local model folder or a cached model name. Offline.",
        show_default=False)] = None,
    dense_weight: Annotated[float | None, typer.Option(
        "--dense-weight", min=0.0, max=1.0,
        help="With --embeddings: score = (1 - w) * sparse + w * dense (default 1: dense only).",
        show_default=False)] = None,
) -> None:
    """Same-story similarity against human Overall scores: Pearson and Spearman."""
    from rich.markup import escape

    from storyline.evaluation.pairs import evaluate_pairs
    from storyline.semantic.load import load_encoder

    if dense_weight is not None and embeddings is None:
        fail("--dense-weight needs --embeddings MODEL")
    try:
        encoder = load_encoder(embeddings) if embeddings is not None else None
        results = evaluate_pairs(file, encoder=encoder, dense_weight=dense_weight)
    except (OSError, ValueError, EmbeddingsError) as exc:
        fail(escape(str(exc)))  # keep "storyline[embeddings]" from being read as markup
    rows: list[dict[str, Any]] = [
        {"languages": r.lang_pair, "pairs": r.pairs, "pearson": round(r.pearson, 4),
         "spearman": round(r.spearman, 4)} for r in results]
    title = f"Pairs: {file.name}"
    if encoder is not None:
        weight = 1.0 if dense_weight is None else dense_weight
        score = "dense" if weight == 1.0 else f"{1 - weight:g}*sparse+{weight:g}*evidence(dense)"
        rows = [{"score": score, **row} for row in rows]
        title += f" ({score}, {model_name(encoder)})"
    if fmt == "json":
        typer.echo(json.dumps(rows))
    else:
        emit(rows, list(rows[0]), "table", title=title)


@eval_app.command("clusters")
def eval_clusters(
    file: Annotated[Path, typer.Argument(help="JSON Lines: id, title, text, story[, published].")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    mistakes: Annotated[bool, typer.Option("--mistakes", help="List mixed stories.")] = False,
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Sentence embeddings that also match stories, as ingest --embeddings: "
             "'static' (the default install's model, what ingest uses by default), 'minilm' "
             "(the embeddings extra), a local model folder or a cached model name; 'none' "
             "for the sparse score alone. Offline.")] = STATIC,
    dense_weight: Annotated[float | None, typer.Option(
        "--dense-weight", min=0.0, max=1.0,
        help="With embeddings: score = (1 - w) * sparse + w * dense evidence (default 0.5).",
        show_default=False)] = None,
) -> None:
    """Story clustering through the incremental ingest path: B-cubed, pairwise F1, ARI, NMI."""
    from rich.markup import escape

    from storyline.evaluation.clusters import clusters_report
    from storyline.semantic.load import load_encoder
    from storyline.stories.assign import DENSE_WEIGHT

    model = embeddings_model(embeddings)
    if dense_weight is not None and model is None:
        fail("--dense-weight needs embeddings (not --embeddings none)")
    try:
        encoder = load_encoder(model) if model is not None else None
        score, mixed = clusters_report(file, encoder=encoder, dense_weight=dense_weight)
    except (OSError, ValueError, EmbeddingsError) as exc:
        fail(escape(str(exc)))
    row = score.as_dict()
    title = f"Clusters: {file.name}"
    if encoder is not None:
        weight = DENSE_WEIGHT if dense_weight is None else dense_weight
        row |= {"dense weight": weight, "model": model_name(encoder)}
        title += f" (dense weight {weight:g}, {model_name(encoder)})"
    if fmt == "json":
        typer.echo(json.dumps(row))
    else:
        emit([row], list(row), "table", title=title)
    if mistakes:
        for story, members in mixed.items():
            typer.echo(f"{story}: " + " | ".join(f"[{g}] {t}" for g, t in members))


@eval_app.command("quotes")
def eval_quotes(
    file: Annotated[Path, typer.Argument(
        help="PolNeAR derived/polnear_<split>_attributions.jsonl (or the PolNeAR folder).")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    part: Annotated[str, typer.Option(
        help="all | tune (articles at even positions by name) | held-out (odd).")] = "all",
    texts: Annotated[Path | None, typer.Option(
        help="Folder of <article>.txt (default: <folder>/<split>/text).",
        show_default=False)] = None,
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed, false and ignored quotes and wrong speakers.")] = False,
) -> None:
    """Direct quotes and speakers against PolNeAR: detection P/R/F1, speaker accuracy."""
    from storyline.evaluation.quotes import evaluate_quotes

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate_quotes(file, part, texts, mistakes=mistakes)
    except (OSError, ValueError) as exc:
        fail(str(exc))
    if fmt == "json":
        row = report.as_dict()
        typer.echo(json.dumps({**row, "mistakes": report.mistakes} if mistakes else row))
        return
    summary = {k: v for k, v in report.as_dict().items() if k not in ("detection", "part")}
    emit(report.rows(), list(report.rows()[0]), "table",
         title=f"Quotes: {file.name}, {report.part} ({report.articles} articles)")
    typer.echo("; ".join(f"{k}: {v}" for k, v in summary.items()))
    for line in report.mistakes:
        typer.echo(line)


@eval_app.command("convert")
def eval_convert(
    kind: Annotated[str, typer.Argument(
        help="ecbplus | allsides | basil | uci | sample | pac | wikiref")],
    source: Annotated[Path, typer.Argument(help="The dataset folder (or labels.json).")],
    split: Annotated[str | None, typer.Option(
        help="allsides: train|val|test|all; pac: train|dev|test|all; wikiref: 220|186|150; "
             "basil: nodates to drop dates.")] = None,
) -> None:
    """Write a development set as clusters JSON Lines on stdout (nothing is copied)."""
    from storyline.evaluation.convert import convert

    try:
        for record in convert(kind, source, split):
            typer.echo(json.dumps(record, ensure_ascii=False))
    except (OSError, ValueError, KeyError) as exc:
        fail(f"{source}: {exc}")


@eval_app.command("dupes")
def eval_dupes(
    docs: Annotated[Path, typer.Argument(help="JSON Lines of source articles (field 'text').")],
    seed: Annotated[int, typer.Option(help="Seed of the generated copies.")] = 2,
    n: Annotated[int, typer.Option(help="How many copies to generate.")] = 300,
    mistakes: Annotated[bool, typer.Option("--mistakes", help="List wrong pairs.")] = False,
) -> None:
    """Near-duplicate detection on generated copies (5–40% edits, reorders, junk, cuts)."""
    from storyline.evaluation.dupes import evaluate_dupes

    try:
        score = evaluate_dupes(docs, seed=seed, n=n)
    except (OSError, ValueError) as exc:
        fail(str(exc))
    rows = [{"edit rate": k, "copies found": f"{hit}/{total}"}
            for k, (hit, total) in score.by_edit.items()]
    emit(rows, ["edit rate", "copies found"], "table",
         title=f"{score.copies} copies of {score.originals} distinct articles (seed {seed})")
    typer.echo(f"pairs: true {score.true_pairs}, found {score.found}, correct {score.correct}; "
               f"precision {score.precision:.3f}, recall {score.recall:.3f}, F1 {score.f1:.3f}")
    if mistakes:
        for a, b, s in score.false_pairs:
            typer.echo(f"false  {a} ~ {b}  score {s:.2f}")
        for a, b, s in score.missed_pairs:
            typer.echo(f"missed {a} ~ {b}  score {s:.2f}")


@eval_app.command("extraction")
def eval_extraction(
    folder: Annotated[Path, typer.Argument(
        help="A folder in the L3S-GN1 or the Scrapinghub article-extraction-benchmark layout.")],
    limit: Annotated[int | None, typer.Option(help="Only the first N pages.")] = None,
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List the pages Storyline rejected.")] = False,
) -> None:
    """Main-text extraction of news pages: trafilatura alone vs. Storyline's parse and clean."""
    from storyline.evaluation.extraction import LayoutError, evaluate_extraction

    try:
        report = evaluate_extraction(folder, limit)
    except LayoutError as exc:
        fail(str(exc))
    words = {"word P": "precision", "word R": "recall", "word F1 (micro)": "f1",
             "word F1 (macro)": "macro_f1"}
    shingles = {"shingle P": "precision", "shingle R": "recall", "shingle F1": "f1"}
    rows = [
        {"system": s.name,
         **{k: f"{getattr(s.words, a):.3f}" for k, a in words.items()},
         **{k: f"{getattr(s.shingles, a):.3f}" for k, a in shingles.items()}}
        for s in report.systems
    ]
    # Each benchmark's own measure first: shingles are the Scrapinghub benchmark's.
    own, other = (shingles, words) if report.layout == "scrapinghub" else (words, shingles)
    emit(rows, ["system", *own, *other], "table",
         title=f"Extraction: {report.pages} pages ({report.layout} layout)")
    typer.echo(f"rejected by Storyline (empty output in its rows): {len(report.rejected)}; "
               f"lines removed by cleaning: {report.removed_lines} "
               f"(holding {report.removed_gold_words} gold words)")
    if mistakes:
        for page, reason in report.rejected:
            typer.echo(f"rejected {page}: {reason}")


@eval_app.command("time")
def eval_time(
    file: Annotated[Path, typer.Argument(
        help="TimeML .tml file or folder, or MEANTIME folder or XML file.")],
    input_format: Annotated[str, typer.Option(
        "--input-format", help="auto | timeml | meantime")] = "auto",
    docs: Annotated[str, typer.Option(
        help="all | even | odd: documents by position (0-based) in file-name order, to tune "
             "on one half and report on the other")] = "all",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed, spurious and wrong-value expressions.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
) -> None:
    """Time expressions: detection (relaxed and strict), type and value, TempEval-3 style."""
    from rich.markup import escape

    from storyline.evaluation.time import evaluate_time

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate_time(file, input_format, limit, docs=docs)
    except (OSError, ValueError) as exc:
        fail(escape(str(exc)))
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(mistakes=mistakes), ensure_ascii=False))
        return
    rows = report.rows()
    emit(rows, list(rows[0]), "table", title=f"Time expressions: {file.name} "
         f"({report.format}, {report.documents} documents, --docs {docs})")
    typer.echo(f"{report.documents} documents in {report.seconds:.2f} s")
    if mistakes:
        for m in report.mistakes:
            gold = f"{m.gold.text!r} {m.gold.type} {m.gold.value}" if m.gold else "-"
            system = f"{m.system.text!r} {m.system.type} {m.system.value}" if m.system else "-"
            typer.echo(f"{m.kind:<11} gold {gold}  system {system}  ({m.document})")
            typer.echo(f"    {m.context}")


@eval_app.command("entities")
def eval_entities(
    file: Annotated[Path, typer.Argument(
        help="CoNLL file (token … tag), re3d folder, or MEANTIME folder or XML file.")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    input_format: Annotated[str, typer.Option(
        "--input-format", help="auto | conll | re3d | meantime")] = "auto",
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed, spurious, wrong-type and wrong-boundary mentions.")
    ] = False,
    extent: Annotated[str, typer.Option(
        help="MEANTIME only: full (the annotated noun phrase) | name (the name inside it)")
    ] = "full",
    docs: Annotated[str, typer.Option(
        help="all | even | odd: documents by position (0-based), to tune on one half and "
             "report on the other")] = "all",
) -> None:
    """Named entities: exact-span precision, recall and F1 for PER, ORG, LOC and overall."""
    from rich.markup import escape

    from storyline.evaluation.entities import evaluate_entities

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate_entities(file, input_format, limit, extent=extent, docs=docs)
    except (OSError, ValueError) as exc:
        fail(escape(str(exc)))
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(mistakes=mistakes), ensure_ascii=False))
        return
    rows = report.rows()
    emit(rows, list(rows[0]), "table", title=f"Entities: {file.name} ({report.format}, "
         f"{report.documents} documents)")
    typer.echo(f"{report.tokens} tokens in {report.seconds:.2f} s "
               f"({report.tokens_per_second:,.0f} tokens/s) after {report.setup_seconds:.2f} s "
               f"of setup; pipeline {report.pipeline}")
    if mistakes:
        for m in report.mistakes:
            types = f"{m.gold.type if m.gold else '-'}/{m.system.type if m.system else '-'}"
            texts = " ≠ ".join(dict.fromkeys(repr(t) for t in (m.gold_text, m.system_text) if t))
            note = f"  ({m.note})" if m.note else ""
            typer.echo(f"{m.kind:<13} {types:<7} {texts}  {m.where}{note}")
            typer.echo(f"    {m.sentence}")


@eval_app.command("events")
def eval_events(
    file: Annotated[Path, typer.Argument(
        help="PLOVER_GSR_CAMEO.json, PETR.UnitTest.records.jsonl, a CASE 2021 task 2 TSV, "
             "or the ../shared/eval folder for the no-event sentences.")],
    input_format: Annotated[str, typer.Option(
        "--input-format", help="auto | plover-gsr | petrarch | case2021 | no-event")
    ] = "auto",
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Count only events at least this confident (default: the threshold events "
             "are shown at; 0: every rule event).", show_default=False)] = None,
    part: Annotated[str, typer.Option(
        help="all | tune (even records) | held-out (odd records)")] = "all",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List the records whose main event is wrong.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    limit: Annotated[int | None, typer.Option(help="Only the first N records.")] = None,
    cameo_table: Annotated[Path | None, typer.Option(
        help="petrarch only: CAMEO2PLOVER-2021.txt (default: found beside the data)")
    ] = None,
) -> None:
    """Events: PLOVER type accuracy, per-type F1, actor accuracy, CAMEO roots, ACLED classes."""
    from rich.markup import escape

    from storyline.evaluation.events import evaluate_events, mistake_row
    from storyline.evaluation.events import rows as event_rows
    from storyline.extract.event_confidence import default_min_confidence

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    threshold = default_min_confidence() if min_confidence is None else min_confidence
    try:
        report = evaluate_events(file, input_format, part, limit, cameo_table=cameo_table,
                                 min_confidence=threshold)
    except (OSError, ValueError) as exc:
        fail(escape(str(exc)))
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(mistakes=mistakes), ensure_ascii=False))
        return
    table = event_rows(report)
    emit(table, list(table[0]), "table", title=f"Events: {file.name} ({report.format}, "
         f"part {part}, {report.records} records)")
    for note in report.notes:
        typer.echo(note)
    summary = report.summary()
    typer.echo(" ".join(f"{k}={v}" for k, v in summary.items() if k not in ("format", "part")))
    for g, p, k in report.confusions():
        typer.echo(f"confused {g} → {p}: {k}")
    if mistakes:
        for o in report.scored():
            if not o.correct:
                m = mistake_row(o)
                typer.echo(f"{m['id']} gold {m['gold']} ({m['original']}) system {m['system']} "
                           f"{m['trigger']!r} {m['source']} → {m['target']}")
                typer.echo(f"    {m['text']}")


@eval_app.command("actors")
def eval_actors(
    eval_root: Annotated[Path, typer.Argument(help="The ../shared/eval folder.")],
    part: Annotated[str, typer.Option(
        help="tune (ECB+ topics 1, 5, 9, …; NGEC even rows) | check | all")] = "tune",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List the events with a wrong or missing side.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Who did it to whom: event sides against the project's gold actors
    (STORYLINE_PARSER=off compares the word-order rules alone)."""
    from rich.markup import escape

    from storyline.evaluation.actors import ROLES, evaluate
    from storyline.extract.run import extract

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate(eval_root, lambda t: extract(t, "en", score=False).events, part)
    except (OSError, ValueError) as exc:
        fail(escape(str(exc)))
    if fmt == "json":
        out: dict[str, object] = dict(report.figures())
        if mistakes:
            out["mistakes"] = report.mistakes
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    rows = [{"side": r, **{k: f"{v:.3f}" if k != "n" else str(int(v))
                            for k, v in report.sides[r].figures().items()}} for r in ROLES]
    emit(rows, list(rows[0]), "table", title=f"Event sides: part {part}, {report.events} "
         f"events ({report.not_found} gold events not reported)")
    if mistakes:
        for m in report.mistakes:
            typer.echo(f"{m['id']} {m['trigger']!r}: {m['source']} → {m['target']}  "
                       f"(gold {m['gold_source']} → {m['gold_target']})")
            typer.echo(f"    {m['sentence']}")


@eval_app.command("summary")
def eval_summary(
    data: Annotated[Path | None, typer.Option(
        help="The allsides-roundups-neus folder (or its naacl2022_probe folder); default "
             "../shared/eval/allsides-roundups-neus.", show_default=False)] = None,
    split: Annotated[str, typer.Option(
        help="val | test | train (develop on val, report test).")] = "val",
    limit: Annotated[int | None, typer.Option(
        min=1, help="Only the first N stories.")] = None,
    seed: Annotated[int, typer.Option(
        help="Seed of the random baselines and the bootstrap.")] = 0,
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Sentence embeddings the summary's fact alignment uses, as the report does: "
             "'static' (default), 'minilm', a local model folder; 'none' for words, "
             "names, figures and dates only. Offline.")] = STATIC,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Story summary and headline vs. AllSides' neutral roundups: ROUGE F1 and baselines."""
    from rich.markup import escape

    from storyline.evaluation.summary import TOKENS_NOTE, default_data, evaluate_summary
    from storyline.semantic.load import load_encoder

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    folder = data or default_data()
    try:
        model = embeddings_model(embeddings)
        encoder = load_encoder(model) if model is not None else None
        report = evaluate_summary(folder, split, limit, seed=seed, encoder=encoder)
    except (OSError, ValueError, EmbeddingsError) as exc:
        fail(escape(str(exc)))
    command = (f"storyline eval summary --data {folder} --split {split}"
               + (f" --limit {limit}" if limit is not None else "") + f" --seed {seed}"
               + (f" --embeddings {embeddings}" if embeddings != STATIC else ""))
    if fmt == "json":
        typer.echo(json.dumps({**report.as_dict(), "command": command}, ensure_ascii=False))
        return
    rows = report.rows()
    emit(rows, list(rows[0]), "table", title=f"Summary and headline vs. AllSides neutral "
         f"roundups: {split}, {report.stories} stories")
    typer.echo(f"{TOKENS_NOTE}. 95% CI: percentile bootstrap over stories, "
               f"{report.resamples} resamples, seed {seed}. k, w: sentences and words of "
               f"storyline's summary of each story. Summaries vs. the target's ARTICLE part, "
               f"headlines vs. its TITLE part.")
    typer.echo("Paired differences, same resamples (an interval above 0: storyline better):")
    for difference in report.differences:
        typer.echo(f"  {difference}")
    typer.echo(f"{report.stories} stories in {report.seconds:.1f} s; storyline's summary "
               f"empty for {report.empty_summaries}")
    typer.echo(f"rerun: {command}")
