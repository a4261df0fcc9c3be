"""Weak-signal map (Yoon 2012): DoV, DoD, growth rates and quadrants computed by hand on the tiny
corpus of tests/timecorpus.py, then through the CLI, and the plots."""

from __future__ import annotations

import json
import struct

import pytest
import timecorpus
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.timeline import weaksignals as ws
from graphkit.timeline.plot import write_html, write_png
from graphkit.timeline.trends import count_items, new_items

# By year, 2022..2024: n = 3 periods, NN = [2, 4, 2] articles.
# tw = 0.05 -> weights 1 - 0.05 x (3 - j) = [0.90, 0.95, 1.00].
NN = [2, 4, 2]
W = [0.90, 0.95, 1.00]
# DoV_ij = TF_ij / NN_j x w_j ; DoD_ij = DF_ij / NN_j x w_j
DOV = {
    "A": [1 / 2 * 0.90, 1 / 4 * 0.95, 2 / 2 * 1.0],  # [0.45, 0.2375, 1.0]
    "B": [2 / 2 * 0.90, 3 / 4 * 0.95, 0.0],  # [0.9, 0.7125, 0]
    "C": [0.0, 1 / 4 * 0.95, 4 / 2 * 1.0],  # [0, 0.2375, 2.0]: TF 4 = 2 articles x (theme + keyword)
    "D": [0.0, 2 / 4 * 0.95, 0.0],  # [0, 0.475, 0]
    "E": [0.0, 1 / 4 * 0.95, 1 / 2 * 1.0],  # [0, 0.2375, 0.5]
}
DOD = dict(DOV, C=[0.0, 1 / 4 * 0.95, 2 / 2 * 1.0])  # C: DF [0, 1, 2] -> [0, 0.2375, 1.0]
# geometric growth: (last non-zero / first non-zero) ** (1 / periods from the first non-zero to the
# end of the range) - 1 (an item absent from the last periods is measured up to the end)
DOV_GROWTH = {
    "A": (1.0 / 0.45) ** (1 / 2) - 1,  # periods 1 -> 3: 0.490712
    "B": (0.7125 / 0.9) ** (1 / 2) - 1,  # 0.9 -> 0.7125, then absent in period 3: over 2 periods, -0.110243
    "C": 2.0 / 0.2375 - 1,  # periods 2 -> 3: 7.421053
    "D": None,  # one period only
    "E": 0.5 / 0.2375 - 1,  # 1.105263
}
DOD_GROWTH = dict(DOV_GROWTH, C=1.0 / 0.2375 - 1)  # 3.210526
# average TF over the 3 periods: A 4/3, B 5/3, C 5/3, D 2/3, E 2/3 -> median 4/3
# DoV growth median over A, B, C, E: (0.490712 + 1.105263) / 2 = 0.797988
EMERGENCE = {
    "A": "latent",  # 4/3 is not above the median 4/3; 0.49 < 0.80
    "B": "well-known",  # 5/3 > 4/3; -0.21 < 0.80
    "C": "strong",  # 5/3 > 4/3; 7.42 > 0.80
    "D": "latent",  # 2/3; no rate
    "E": "weak",
}  # 2/3; 1.105 > 0.80
# average DF: A 4/3, B 5/3, C 3/3, D 2/3, E 2/3 -> median 1
# DoD growth median over A, B, C, E: sorted -0.208, 0.491, 1.105, 3.211 -> (0.490712 + 1.105263) / 2
ISSUE = {"A": "well-known", "B": "well-known", "C": "weak", "D": "latent", "E": "weak"}


def _by_letter(result):
    letter = {v: k for k, v in timecorpus.NAMES.items()}
    return {letter[r["label"]]: r for r in result["items"]}


def _map(**kwargs):
    counts = count_items(timecorpus.records(), "theme", "year")
    return ws.signal_map(counts, new_ids={r["id"] for r in new_items(counts)}, **kwargs)


def test_degrees_growth_and_quadrants_by_hand():
    result = _map()
    assert result["weights"] == pytest.approx(W)
    assert result["articles"] == NN
    items = _by_letter(result)
    assert set(items) == set("ABCDE")  # F is in one article only: left out
    assert result["left_out"] == 1
    for k in "ABCDE":
        assert items[k]["dov"] == pytest.approx(DOV[k]), k
        assert items[k]["dod"] == pytest.approx(DOD[k]), k
        for key, expected in (("dov_growth", DOV_GROWTH[k]), ("dod_growth", DOD_GROWTH[k])):
            if expected is None:
                assert items[k][key] is None, (k, key)
            else:
                assert items[k][key] == pytest.approx(expected, abs=1e-9), (k, key)
        assert items[k]["emergence"] == EMERGENCE[k], k
        assert items[k]["issue"] == ISSUE[k], k
    assert items["D"]["single_period"] and not items["A"]["single_period"]
    assert result["medians"]["avg_tf"] == pytest.approx(4 / 3)
    assert result["medians"]["avg_df"] == pytest.approx(1.0)
    assert result["medians"]["dov_growth"] == pytest.approx(((1 / 0.45) ** 0.5 - 1 + 0.5 / 0.2375 - 1) / 2)
    assert result["medians"]["dod_growth"] == pytest.approx(((1 / 0.45) ** 0.5 - 1 + 0.5 / 0.2375 - 1) / 2)
    assert items["C"]["avg_tf"] == pytest.approx(5 / 3) and items["C"]["avg_df"] == pytest.approx(1.0)
    # listed weak signals first, then strong, latent, well-known
    assert [r["emergence"] for r in result["items"]] == ["weak", "strong", "latent", "latent", "well-known"]


def test_mean_growth_and_other_time_weight_by_hand():
    items = _by_letter(_map(growth="mean"))
    # mean of period-on-period rates, skipping steps from or to a 0:
    assert items["A"]["dov_growth"] == pytest.approx(((0.2375 - 0.45) / 0.45 + (1.0 - 0.2375) / 0.2375) / 2)  # 1.369152
    assert items["B"]["dov_growth"] == pytest.approx((0.7125 - 0.9) / 0.9)  # -0.208333
    assert items["C"]["dov_growth"] == pytest.approx((2.0 - 0.2375) / 0.2375)  # 7.421053
    assert items["D"]["dov_growth"] is None
    # tw = 0.04: weights [0.92, 0.96, 1.0]; A's DoV [0.46, 0.24, 1.0]
    items = _by_letter(_map(tw=0.04))
    assert items["A"]["dov"] == pytest.approx([0.46, 0.24, 1.0])
    assert items["A"]["dov_growth"] == pytest.approx((1.0 / 0.46) ** 0.5 - 1)  # 0.474420


def test_time_weight_clamped_at_zero_and_reported():
    result = _map(tw=0.6)  # weights 1 - 0.6 x 2 < 0 -> 0, 1 - 0.6 = 0.4, 1
    assert result["weights"] == pytest.approx([0.0, 0.4, 1.0])
    assert result["zero_weight_periods"] == ["2022"]
    a = _by_letter(result)["A"]
    assert a["dov"] == pytest.approx([0.0, 0.1, 1.0])  # 1/4 x 0.4, 2/2 x 1
    assert a["dov_growth"] == pytest.approx(1.0 / 0.1 - 1)  # first non-zero period is now 2023
    with pytest.raises(ValueError):
        _map(tw=1.0)
    with pytest.raises(ValueError):
        _map(growth="linear")


def test_relevancy_weighting():
    recs = [
        {
            "iri": "a1",
            "date": "2024-01-07",
            "items": [
                ["theme", "t/x", "X", None],
                ["signal", "a1/s1", "Same name", 3],
                ["signal", "a1/s2", "Other", 5],
            ],
        },
        {
            "iri": "a2",
            "date": "2024-02-04",
            "items": [["theme", "t/x", "X", None], ["signal", "a2/s1", "same  NAME", 5]],
        },
        {"iri": "a3", "date": "2024-03-03", "items": [["theme", "t/x", "X", None]]},
    ]
    # themes: an article's mention weighs its signals' mean relevancy / 3; unrated articles count 1
    x = count_items(recs, "theme", "year", weight="relevancy")["items"]["t/x"]
    assert x["df"] == [3]
    assert x["tf"] == pytest.approx([(3 + 5) / 2 / 3 + 5 / 3 + 1])
    # signals are grouped by normalised name; each row weighs its own relevancy / 3
    sig = count_items(recs, "signal", "year", weight="relevancy")["items"]
    same = sig["signal:same name"]
    assert same["df"] == [2] and same["tf"] == pytest.approx([3 / 3 + 5 / 3])
    assert count_items(recs, "signal", "year")["items"]["signal:same name"]["tf"] == [2.0]


# -- through the CLI ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    timecorpus.write_digests(root / "src")
    result = CliRunner().invoke(main, ["build", str(root / "src"), "--out", str(root / "kg")])
    assert result.exit_code == 0, result.output
    return root / "kg"


def test_cli_signals_map_matches_hand_numbers(tiny_store):
    runner = CliRunner()
    res = runner.invoke(
        main, ["signals-map", "--store", str(tiny_store), "--by", "theme", "--period", "year", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["undated"]["count"] == 2 and data["articles"] == NN
    items = _by_letter(data)
    for k in "ABCDE":
        assert items[k]["emergence"] == EMERGENCE[k] and items[k]["issue"] == ISSUE[k], k
        assert items[k]["dov"] == pytest.approx(DOV[k]) and items[k]["dod"] == pytest.approx(DOD[k]), k
    weak = runner.invoke(
        main,
        ["signals-map", "--store", str(tiny_store), "--by", "theme", "--period", "year", "--quadrant", "weak", "--csv"],
    )
    assert weak.exit_code == 0
    lines = weak.stdout.splitlines()
    assert lines[0].startswith("emergence,issue,label") and [ln.split(",")[2] for ln in lines[1:]] == ["epsilon lab"]
    text = runner.invoke(main, ["signals-map", "--store", str(tiny_store), "--by", "theme", "--period", "year"]).output
    assert "2 undated articles not counted" in text and "weak signal 1, strong signal 1, latent signal 2" in text


def test_cli_signals_map_errors(tiny_store):
    runner = CliRunner()
    for args, needle in (
        (["--tw", "1.5"], "--tw 1.5"),
        (["--since", "2024-13"], "--since: '2024-13'"),
        (["--plot", "map.svg"], ".png or .html"),
        (["--by", "actor"], "no actor in this graph"),
    ):
        res = runner.invoke(main, ["signals-map", "--store", str(tiny_store), *args])
        assert res.exit_code == 1, (args, res.output)
        assert "Traceback" not in res.output and res.output.count("\n") == 1, res.output
        assert needle in res.output, res.output


# -- plots ----------------------------------------------------------------------------------------


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_png_plot_is_a_real_image(tmp_path):
    path = write_png(dict(_map(), by="theme"), tmp_path / "map.png")
    width, height = _png_size(path)
    assert width >= 1200 and height >= 600
    assert path.stat().st_size > 30_000  # two panels with points, lines and labels, not a blank canvas
    from PIL import Image  # pillow comes with matplotlib

    with Image.open(path) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50
    reds = sum(n for n, (r, g, b) in colours if r > 180 and g < 110 and b < 110)
    assert reds > 100  # the weak-signal red (points, quadrant name) is drawn


def test_html_plot_escapes_labels(tmp_path):
    result = _map()
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    result["items"][0]["label"] = hostile
    result["by"] = "<b>theme</b>"
    text = write_html(result, tmp_path / "map.html").read_text("utf-8")
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text and "&amp;" in text
    assert text.count("<svg") == 2 and "stroke-dasharray" in text  # two maps with median lines
    assert "weak signal" in text and "average TF per period" in text


def test_plots_of_an_empty_map(tmp_path):
    empty = _map(min_articles=100)  # nothing has 100 articles
    assert empty["items"] == [] and empty["medians"]["avg_tf"] is None
    assert _png_size(write_png(empty, tmp_path / "empty.png"))[0] >= 1200
    assert "0 items drawn" in write_html(empty, tmp_path / "empty.html").read_text("utf-8")


def test_cli_plural_and_empty_medians(tiny_store):
    res = CliRunner().invoke(
        main, ["signals-map", "--store", str(tiny_store), "--by", "theme", "--period", "year", "--min-articles", "9"]
    )
    assert res.exit_code == 0, res.output
    assert "(3 years, 8 dated articles)" in res.output and "0 themes in 9+ articles" in res.output
    assert "avg TF n/a, DoV growth n/a" in res.output
