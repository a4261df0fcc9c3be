"""Weak-signal map after Yoon (2012): degrees of visibility and diffusion, growth, quadrants.

Yoon, J. (2012). Detecting weak signals for long-term business opportunities using text mining
of Web news. *Expert Systems with Applications* 39(16), 12543–12550.

For item *i* in period *j* (*j* = 1..*n*), with NN_j the number of articles of period *j* and
``tw`` a time weight::

    DoV_ij = (TF_ij / NN_j) × (1 − tw × (n − j))     degree of visibility
    DoD_ij = (DF_ij / NN_j) × (1 − tw × (n − j))     degree of diffusion

(TF and DF as in :mod:`graphkit.timeline.trends`). The **emergence map** plots each item's average TF
(over the *n* periods) against the growth rate of its DoV; the **issue map** its average DF
against the growth rate of its DoD. Each map is cut at the medians of its two axes:

=============  ==================  =====================================
                below median x      above median x
=============  ==================  =====================================
growing        **weak signal**     **strong signal**
not growing    latent signal       well-known (not a strong signal)
=============  ==================  =====================================

"Above" is strictly above: an item exactly at a median is low / not growing.

Choices (parameters, defaults documented in ``docs/trends.md``):

* ``tw`` = 0.05 (:data:`DEFAULT_TW`), Yoon's value; 0.04 is also found. The weight falls to 0 for
  periods more than 1/tw periods before the last one (20 at 0.05); it is clamped at 0, never
  negative, and those periods are reported (``zero_weight_periods``).
* growth = ``"geometric"`` (:data:`DEFAULT_GROWTH`): the mean rate per period between the first
  and the last period where the degree is non-zero, ``(last / first) ** (1 / periods apart) − 1``
  — the geometric mean of the period-on-period ratios, which telescopes to that. ``"mean"``: the
  arithmetic mean of period-on-period rates ``(v_j − v_prev) / v_prev`` over consecutive periods
  that have articles, with ``v_prev > 0``. An item seen in only one period has no rate (None): it
  is never "growing", and its flag ``single_period`` says why.
* Periods with no article (NN_j = 0) have degree 0 and carry no information: ``geometric`` still
  counts them as time between the first and last non-zero periods, ``mean`` skips them.
"""

from __future__ import annotations

import itertools
import math

DEFAULT_TW = 0.05
DEFAULT_GROWTH = "geometric"
GROWTH_METHODS = ("geometric", "mean")
#: Quadrant keys, in the order the map lists them, with their names.
QUADRANTS = {
    "weak": "weak signal",
    "strong": "strong signal",
    "latent": "latent signal",
    "well-known": "well-known (not strong)",
}


def time_weights(n: int, tw: float = DEFAULT_TW) -> list[float]:
    """Yoon's time weights ``1 − tw × (n − j)`` for j = 1..n, clamped at 0.

    Examples
    --------
    >>> time_weights(3, 0.05)
    [0.9, 0.95, 1.0]
    >>> time_weights(3, 0.6)     # 1 - 0.6 x 2 < 0: clamped
    [0.0, 0.4, 1.0]
    """
    return [max(0.0, 1.0 - tw * (n - j)) for j in range(1, n + 1)]


def degrees(counts: list[float], articles: list[int], weights: list[float]) -> list[float]:
    """``count_j / NN_j × weight_j`` per period (0 where a period has no article).

    With TF counts this is the degree of visibility (DoV), with DF counts the degree of
    diffusion (DoD).

    Examples
    --------
    >>> degrees([1, 0, 3], [2, 0, 4], [0.9, 0.95, 1.0])
    [0.45, 0.0, 0.75]
    """
    return [c / nn * w if nn else 0.0 for c, nn, w in zip(counts, articles, weights)]


def growth_rate(values: list[float], method: str = DEFAULT_GROWTH, articles: list[int] | None = None) -> float | None:
    """Growth rate per period of a series of degrees; None when it cannot be measured.

    Parameters
    ----------
    values : list of float
        Degrees (DoV or DoD) per period.
    method : {"geometric", "mean"}
        See the module docstring.
    articles : list of int, optional
        Articles per period; ``mean`` skips periods with none (default: none skipped).

    Examples
    --------
    >>> round(growth_rate([0.1, 0.0, 0.4]), 6)          # (0.4 / 0.1) ** (1 / 2) - 1
    1.0
    >>> growth_rate([0.0, 0.3, 0.0]) is None            # one non-zero period: no rate
    True
    >>> round(growth_rate([0.2, 0.3, 0.6], "mean"), 6)   # ((0.3 - 0.2) / 0.2 + (0.6 - 0.3) / 0.3) / 2
    0.75
    >>> round(growth_rate([0.1, 0.4, 0.0, 0.0, 0.0]), 6)  # faded: (0.4 / 0.1) ** (1 / 4) - 1, not 3.0
    0.414214
    """
    # The last period of the range that has articles: an item absent there has not grown since.
    end = max((j for j in range(len(values)) if articles is None or articles[j] > 0), default=len(values) - 1)
    if method == "geometric":
        nz = [j for j, v in enumerate(values) if v > 0]
        if len(nz) < 2:
            return None
        first, last = nz[0], nz[-1]
        # Measured up to the end of the range, not to the item's last mention: an item that
        # went from 1 to 4 articles and then vanished for four periods is not a fast riser.
        return (values[last] / values[first]) ** (1.0 / (max(end, last) - first)) - 1.0
    if method == "mean":
        keep = [v for j, v in enumerate(values) if articles is None or articles[j] > 0]
        # Steps from or to an absence are both left out: +inf and -100 % would only say the
        # item was missing, and counting one direction but not the other biases the mean.
        rates = [(b - a) / a for a, b in itertools.pairwise(keep) if a > 0 and b > 0]
        if not rates or sum(1 for v in keep if v > 0) < 2:
            return None
        return sum(rates) / len(rates)
    raise ValueError(f"unknown growth method {method!r}; use one of {', '.join(GROWTH_METHODS)}")


def median(values: list[float]) -> float | None:
    """The median (mean of the two middle values for an even count); None for no values.

    >>> median([3, 1, 2]), median([1, 2, 3, 10]), median([])
    (2, 2.5, None)
    """
    xs = sorted(values)
    if not xs:
        return None
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def quadrant(x: float, rate: float | None, x_median: float | None, rate_median: float | None) -> str:
    """The quadrant key of a point: strictly above the median is high / growing; no rate is
    not growing.

    >>> quadrant(1.0, 0.5, 2.0, 0.1), quadrant(3.0, 0.5, 2.0, 0.1), quadrant(1.0, None, 2.0, 0.1)
    ('weak', 'strong', 'latent')
    >>> quadrant(3.0, 0.1, 2.0, 0.1)    # at the median: not growing
    'well-known'
    """
    high = x_median is not None and x > x_median
    growing = rate is not None and rate_median is not None and rate > rate_median
    if growing:
        return "strong" if high else "weak"
    return "well-known" if high else "latent"


def signal_map(
    counts: dict,
    *,
    tw: float = DEFAULT_TW,
    growth: str = DEFAULT_GROWTH,
    min_articles: int = 2,
    new_ids: set | None = None,
) -> dict:
    """Emergence and issue maps of the items of :func:`graphkit.timeline.trends.count_items`.

    Parameters
    ----------
    counts : dict
        Per-period counts (``periods``, ``articles``, ``items`` with ``tf`` and ``df``).
    tw : float
        Time weight (0 ≤ tw < 1).
    growth : {"geometric", "mean"}
    min_articles : int
        Leave out items in fewer articles (they cannot show a trend); the medians are taken
        over the items kept.
    new_ids : set, optional
        Items to flag as new (first seen in the last period).

    Returns
    -------
    dict
        ``tw``, ``growth``, ``periods``, ``articles``, ``weights``, ``zero_weight_periods``
        (periods with articles but weight 0), ``medians``, ``left_out`` (items under
        ``min_articles``), and ``items``: per item ``avg_tf``, ``dov_growth``, ``avg_df``,
        ``dod_growth``, ``dov``, ``dod``, ``periods_seen``, ``single_period``, ``emergence``
        and ``issue`` (quadrant keys, see :data:`QUADRANTS`), sorted weak signals first.

    Examples
    --------
    >>> counts = {"periods": ["2024", "2025"], "articles": [2, 2],
    ...           "items": {"t": {"label": "T", "type": "theme", "df": [1, 2], "tf": [1.0, 2.0]},
    ...                     "u": {"label": "U", "type": "theme", "df": [2, 2], "tf": [2.0, 2.0]}}}
    >>> m = signal_map(counts, tw=0.5)      # weights 0.5, 1.0
    >>> [(i["label"], i["dov"], i["dov_growth"], i["emergence"]) for i in m["items"]]
    [('T', [0.25, 1.0], 3.0, 'weak'), ('U', [0.5, 1.0], 1.0, 'well-known')]
    """
    if not 0 <= tw < 1:
        raise ValueError(f"time weight {tw} is outside [0, 1)")
    if growth not in GROWTH_METHODS:
        raise ValueError(f"unknown growth method {growth!r}; use one of {', '.join(GROWTH_METHODS)}")
    periods, nn = counts["periods"], counts["articles"]
    n = len(periods)
    weights = time_weights(n, tw)
    rows, left_out = [], 0
    for item_id, it in counts["items"].items():
        if sum(it["df"]) < min_articles:
            left_out += 1
            continue
        dov = degrees(it["tf"], nn, weights)
        dod = degrees(it["df"], nn, weights)
        seen = sum(1 for c in it["df"] if c > 0)
        rows.append(
            {
                "id": item_id,
                "label": it["label"],
                "type": it["type"],
                "articles": sum(it["df"]),
                "mentions": round(sum(it["tf"]), 6),
                "avg_tf": sum(it["tf"]) / n,
                "dov_growth": growth_rate(dov, growth, nn),
                "avg_df": sum(it["df"]) / n,
                "dod_growth": growth_rate(dod, growth, nn),
                "dov": [round(v, 9) for v in dov],
                "dod": [round(v, 9) for v in dod],
                "periods_seen": seen,
                "single_period": seen == 1,
                "first_seen": it.get("first_seen"),
                "new": bool(new_ids and item_id in new_ids),
            }
        )
    med = {
        "avg_tf": median([r["avg_tf"] for r in rows]),
        "dov_growth": median([r["dov_growth"] for r in rows if r["dov_growth"] is not None]),
        "avg_df": median([r["avg_df"] for r in rows]),
        "dod_growth": median([r["dod_growth"] for r in rows if r["dod_growth"] is not None]),
    }
    order = list(QUADRANTS)
    for r in rows:
        r["emergence"] = quadrant(r["avg_tf"], r["dov_growth"], med["avg_tf"], med["dov_growth"])
        r["issue"] = quadrant(r["avg_df"], r["dod_growth"], med["avg_df"], med["dod_growth"])
    rows.sort(
        key=lambda r: (
            order.index(r["emergence"]),
            -(r["dov_growth"] if r["dov_growth"] is not None else -math.inf),
            -r["avg_tf"],
            r["label"],
            r["id"],
        )
    )
    return {
        "tw": tw,
        "growth": growth,
        "periods": periods,
        "articles": nn,
        "weights": [round(w, 9) for w in weights],
        "zero_weight_periods": [p for p, w, k in zip(periods, weights, nn) if w == 0 and k > 0],
        "medians": med,
        "min_articles": min_articles,
        "left_out": left_out,
        "items": rows,
    }
