"""Fixes from the review of the actors/trends/viz/server work: each test reproduces a finding."""

from __future__ import annotations

import os
import socket
import stat

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.extract.gazetteer import GazetteerError, load_gazetteer
from graphkit.publish.remote import RemoteError, endpoint
from graphkit.store.folder import atomic_write
from graphkit.timeline.plot import write_png
from graphkit_testutil import EXAMPLES


def test_math_text_in_a_label_stays_text(tmp_path):
    # "$…$" is matplotlib mathtext; bad TeX used to abort the PNG with a parser error.
    item = {
        "label": r"<b>x</b> $\frac$ y",
        "type": "theme",
        "avg_tf": 1.0,
        "avg_df": 1.0,
        "dov_growth": 0.5,
        "dod_growth": 0.5,
        "single_period": False,
        "emergence": "weak",
        "issue": "weak",
        "new": False,
    }
    other = dict(
        item,
        label="plain",
        avg_tf=2.0,
        avg_df=2.0,
        dov_growth=-0.1,
        dod_growth=-0.1,
        emergence="well-known",
        issue="well-known",
    )
    result = {
        "by": "theme",
        "periods": ["2024", "2025"],
        "tw": 0.05,
        "growth": "geometric",
        "items": [item, other],
        "medians": {"avg_tf": 1.5, "avg_df": 1.5, "dov_growth": 0.2, "dod_growth": 0.2},
        "left_out": 0,
        "articles": [2, 2],
    }
    path = write_png(result, tmp_path / "m.png")
    assert path.stat().st_size > 10_000


def test_credentials_never_come_from_or_go_into_the_url(monkeypatch):
    with pytest.raises(RemoteError) as exc:
        endpoint("http://alice:s3cret@127.0.0.1:1/query")
    assert "s3cret" not in str(exc.value) and "--user" in str(exc.value)
    with pytest.raises(RemoteError, match="not a valid URL"):
        endpoint("http://[::1/query")
    monkeypatch.setenv("GRAPHKIT_ENDPOINT_USER", "bob")
    monkeypatch.setenv("GRAPHKIT_ENDPOINT_PASSWORD", "from-env")
    ep = endpoint("http://127.0.0.1:1/query", password="explicit")
    assert (ep.user, ep.password) == ("bob", "explicit")  # an explicit password wins
    assert "explicit" not in repr(ep)


def test_serve_refuses_a_port_another_server_holds(tmp_path):
    from graphkit.publish.serve import OxigraphServer, ServeError

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        server = OxigraphServer(tmp_path / "store", "127.0.0.1", port, read_only=True, binary="/bin/false")
        with pytest.raises(ServeError, match="port is in use"):
            server.start()
        assert server.process is None  # refused before starting anything


def test_atomic_writes_are_readable_like_plain_files(tmp_path):
    old = os.umask(0o022)
    os.umask(old)
    target = tmp_path / "page.html"
    atomic_write(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~old


def test_gazetteer_mistakes_are_one_line(tmp_path):
    bad = tmp_path / "g.yaml"
    bad.write_text("same_as:\n  - Meta AI\n", "utf-8")
    with pytest.raises(GazetteerError, match="same_as"):
        load_gazetteer([bad])
    bad.write_bytes(b"organisations:\n  - name: Caf\xe9\n")
    with pytest.raises(GazetteerError, match="not UTF-8"):
        load_gazetteer([bad])


@pytest.mark.parametrize(
    "args,message",
    [
        (["trends", "--top", "-1"], "-1"),
        (["actors", "--top", "0"], "0"),
        (["actors", "--top", "5", "--gazetteer", "x.yaml"], "apply to PATHS"),
        (["build", str(EXAMPLES), "--no-actors", "--gazetteer", "x.yaml"], "no effect"),
    ],
)
def test_options_that_would_be_ignored_are_refused(args, message, tmp_path):
    result = CliRunner().invoke(main, args + (["--out", str(tmp_path / "kg")] if args[0] == "build" else []))
    assert result.exit_code == 2 or result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
