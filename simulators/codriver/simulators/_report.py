"""``results.json`` and ``report.html`` (matplotlib plots embedded as base64 PNG), written atomically."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codriver.simulators._result import ScenarioResult

__all__ = ["summarise", "write_report"]


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summarise(results: Sequence[ScenarioResult]) -> dict[str, Any]:
    """Totals over runs: expectations met, places outside the catalogue, hidden-preference leaks
    in what travellers said (must be 0), mean rating, model calls."""
    met = sum(1 for r in results for e in r.expectations if e.passed)
    total = sum(len(r.expectations) for r in results)
    ratings = [r.rating for r in results]
    precisions = [r.precision_at_k for r in results if r.precision_at_k is not None]
    return {
        "runs": len(results),
        "runs_passed": sum(1 for r in results if r.passed),
        "expectations_met": met,
        "expectations_total": total,
        "places_outside_catalogue": sum(len(r.places_outside_catalogue) for r in results),
        "mean_rating": round(sum(ratings) / len(ratings), 3) if ratings else None,
        "mean_precision_at_k": round(sum(precisions) / len(precisions), 3) if precisions else None,
        "model_calls": sum(r.model_calls for r in results),
        "leaks": sum(r.leaks for r in results),
        "travellers": sorted({r.traveller for r in results}),
        "traveller_calls": sum(r.traveller_calls for r in results),
        "traveller_fallbacks": sum(r.guard.get("fallbacks", 0) for r in results),
    }


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(results: Sequence[ScenarioResult]) -> list[tuple[str, str]]:
    import matplotlib  # noqa: PLC0415  (slow to import; only reports need it)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    plots: list[tuple[str, str]] = []
    names = [r.scenario for r in results]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.5))
    ax.barh(names, [r.rating for r in results], color=["#3a7" if r.passed else "#c44" for r in results])
    ax.set_xlim(0, 5)
    ax.set_xlabel("satisfaction (1-5); red: an expectation failed")
    plots.append(("Satisfaction per run", _png(fig)))
    plt.close(fig)
    traces = [r for r in results if r.soc_trace]
    if traces:
        fig, ax = plt.subplots(figsize=(8, 4))
        for r in traces:
            ax.plot([m for m, _ in r.soc_trace], [s for _, s in r.soc_trace], label=r.scenario)
        ax.set_xlabel("minutes after departure")
        ax.set_ylabel("state of charge")
        ax.legend(fontsize="small")
        plots.append(("State of charge", _png(fig)))
        plt.close(fig)
    latencies = [x for r in results for x in r.timing.get("replan_latency_s", [])]
    if latencies:
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.hist(latencies, bins=min(20, len(latencies)))
        ax.set_xlabel("re-plan latency (s)")
        plots.append(("Re-plan latency", _png(fig)))
        plt.close(fig)
    return plots


def _html(results: Sequence[ScenarioResult], summary: dict[str, Any]) -> str:
    rows = []
    for r in results:
        failed = "; ".join(f"{e.name}: {e.detail}" for e in r.expectations if not e.passed) or "all met"
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    r.scenario,
                    r.seed,
                    f"{r.traveller}/{r.mode}",
                    "yes" if r.passed else "no",
                    r.rating,
                    r.precision_at_k,
                    r.leaks,
                    failed,
                )
            )
            + "</tr>"
        )
    images = "".join(
        f'<h2>{html.escape(title)}</h2><img alt="{html.escape(title)}" src="data:image/png;base64,{data}">'
        for title, data in _plots(results)
    )
    head = "".join(f"<li>{html.escape(k)}: {html.escape(str(v))}</li>" for k, v in summary.items())
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Codriver simulation report</title>"
        "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}</style></head><body>"
        f"<h1>Codriver simulation report</h1><ul>{head}</ul>"
        "<table><tr><th>scenario</th><th>seed</th><th>traveller/mode</th><th>passed</th><th>rating</th>"
        "<th>precision@k</th><th>leaks</th>"
        f"<th>expectations</th></tr>{''.join(rows)}</table>{images}</body></html>"
    )


def write_report(results: Sequence[ScenarioResult], directory: str | Path) -> tuple[Path, Path]:
    """Write ``results.json`` and ``report.html`` under ``directory``; returns their paths."""
    folder = Path(directory)
    summary = summarise(results)
    payload = {"summary": summary, "results": [r.model_dump(mode="json") for r in results]}
    json_path, html_path = folder / "results.json", folder / "report.html"
    _atomic_write(json_path, json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"))
    _atomic_write(html_path, _html(results, summary).encode("utf-8"))
    return json_path, html_path
