"""docs/cli.md is the current --help of every command (scripts/cli_reference.py writes it)."""

from __future__ import annotations

import importlib.util
import re

from click.testing import CliRunner

from graphkit.cli import main
from graphkit_testutil import REPO

HINT = "run python scripts/cli_reference.py"


def _script():
    spec = importlib.util.spec_from_file_location("cli_reference", REPO / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current():
    ref = _script()
    committed = ref.OUTPUT.read_text("utf-8") if ref.OUTPUT.exists() else ""
    assert committed == ref.render(), f"docs/cli.md is not the current --help of the commands: {HINT}"


def test_every_command_is_documented_as_its_help_prints():
    """Each section is what `graphkit COMMAND --help` prints at the reference's width."""
    ref = _script()
    text = ref.OUTPUT.read_text("utf-8")
    sections = dict(re.findall(r"^## (graphkit[\w -]*)\n\n```text\n(.*?)\n```", text, re.M | re.S))
    runner = CliRunner()
    assert set(sections) == {"graphkit"} | {
        f"graphkit {name}" for name in main.list_commands(None) if not main.get_command(None, name).hidden
    }, HINT
    for heading, body in sections.items():
        args = heading.split()[1:] + ["--help"]
        result = runner.invoke(main, args, terminal_width=ref.WIDTH, prog_name="graphkit")
        assert result.exit_code == 0, result.output
        assert result.output.rstrip() == body, f"{heading} --help differs from docs/cli.md: {HINT}"


def test_reference_does_not_depend_on_the_terminal(monkeypatch):
    ref = _script()
    monkeypatch.setenv("COLUMNS", "40")
    narrow = ref.render()
    monkeypatch.setenv("COLUMNS", "250")
    assert ref.render() == narrow
    assert max(len(line) for line in narrow.splitlines() if not line.startswith("|")) <= 110


def test_check_mode_reports_a_stale_file(tmp_path, capsys):
    ref = _script()
    stale = tmp_path / "cli.md"
    stale.write_text("# old\n", "utf-8")
    assert ref.main(["--check", "--output", str(stale)]) == 1
    assert HINT in capsys.readouterr().err
    assert ref.main(["--output", str(stale)]) == 0
    assert ref.main(["--check", "--output", str(stale)]) == 0
