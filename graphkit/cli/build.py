"""`graphkit build`: parse, map and store digests, with the stages it ran."""

from __future__ import annotations

import sys

import click

from graphkit.cli.common import UserError, emit_json, main

#: What the progress bar says during each stage of a build (graphkit.build.STAGES).
STAGE_LABELS = {
    "detect": "Checking for changes",
    "prepare": "Preparing the store",
    "parse": "Reading digests",
    "shared": "Merging concepts",
    "topics": "Linking topics",
    "network": "Caching the network",
    "analysis": "Centrality, communities",
    "index": "Indexing for related",
    "publish": "Publishing",
}


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--out",
    "-o",
    "out",
    envvar="GRAPHKIT_STORE",
    default="kg",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Graph folder to create or update.",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False),
    help="YAML mapping of section and column names (default: the shipped one).",
)
@click.option("--full", is_flag=True, help="Rebuild everything instead of only the digests that changed.")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any file was skipped or had a warning.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no list of warnings.")
@click.option("--max-problems", default=20, show_default=True, help="How many warnings to list (all are in --json).")
@click.option(
    "--no-analysis", is_flag=True, help="Skip centrality and communities (the slowest step on large corpora)."
)
@click.option(
    "--gazetteer",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="YAML file of your own organisations, people and non-actors, extending the shipped one (repeatable).",
)
@click.option("--no-actors", is_flag=True, help="Do not extract organisations and people.")
@click.option(
    "--topics",
    "topics",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="YAML file of your own topics, aliases, same_as and not_same pairs, extending the shipped scheme "
    "(repeatable; a changed file re-links without re-reading digests).",
)
@click.option(
    "--embedder",
    metavar="MODEL",
    help="Sentence embedder for 'related': static (shipped, the default), none, a .npz static model, or a "
    "sentence-transformers model name or folder (pip install 'graphkit[embeddings]').",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes that parse digests and find actors (default: the available cores; the output "
    "is the same whatever the count).",
)
def build(
    paths,
    out,
    mapping,
    full,
    strict,
    as_json,
    quiet,
    max_problems,
    no_analysis,
    gazetteer,
    no_actors,
    topics,
    embedder,
    jobs,
):
    """Build or update the graph from digest files or folders (searched for *.md).

    Only digests that were added, changed or deleted since the last build are touched; an
    unchanged corpus is a no-op. The previous graph stays intact until the new one is complete.

    \b
    Examples:
      graphkit build examples/digests
      graphkit build ~/watch/2024 ~/watch/2025 --out team-kg --json
    """
    from graphkit.build import build as run_build
    from graphkit.build import discover

    if gazetteer and no_actors:
        raise UserError("--gazetteer has no effect with --no-actors; drop one of them")
    if embedder and no_analysis:
        raise UserError("--embedder has no effect with --no-analysis (no index is built); drop one of them")

    # Counted only for the progress bar (the build lists the files again itself).
    total = 0 if quiet or as_json else len(discover(paths))
    options = {
        "mapping": mapping,
        "full": full,
        "analysis": not no_analysis,
        "gazetteer": gazetteer,
        "actors": not no_actors,
        "topics": topics,
        "embedder": embedder,
        "jobs": jobs,
    }
    if total >= 200:
        with click.progressbar(length=total, label=STAGE_LABELS["detect"], file=sys.stderr) as bar:

            def on_stage(name: str) -> None:
                bar.label = STAGE_LABELS.get(name, name)
                bar.update(0)  # redraw with the new label

            report = run_build(paths, out, progress=bar.update, on_stage=on_stage, **options)
    else:
        report = run_build(paths, out, **options)
    if as_json:
        emit_json(report.as_dict())
    else:
        _print_build(report, quiet, max_problems)
    if strict and report.problems:
        raise UserError(f"--strict: {len(report.errors)} file(s) skipped and {len(report.warnings)} warning(s)")


def _print_build(report, quiet: bool, max_problems: int) -> None:
    if report.noop:
        click.echo(f"Nothing changed: {report.digests} digests already in {report.store} ({report.quads:,} quads).")
    else:
        click.echo(
            f"Built {report.store} in {report.seconds:.2f} s: {report.digests} digests "
            f"({report.added} added, {report.changed} changed, {report.unchanged} unchanged, "
            f"{report.removed} removed), {report.skipped} skipped; {report.quads:,} quads."
        )
        click.echo("Entities: " + ", ".join(f"{k} {v:,}" for k, v in report.entities.items() if v))
        if not quiet:
            click.echo("Stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.stages.items()), err=True)
    if report.problems and not quiet:
        shown = sorted(report.problems, key=lambda p: (p.level != "error", p.path, p.line or 0))
        click.echo(f"{len(report.errors)} skipped file(s), {len(report.warnings)} warning(s):", err=True)
        for p in shown[:max_problems]:
            click.echo(f"  {p}", err=True)
        if len(shown) > max_problems:
            click.echo(f"  … and {len(shown) - max_problems} more (see --json)", err=True)
