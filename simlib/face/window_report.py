"""Files of a budget window (``simlib compare --years``): window.json, window.csv and report.html; for several
proposals also overview.csv."""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from simlib.analysis.window import BudgetWindow, window_overview
from simlib.engine.io import (
    check_finite_table,
    output_folder,
    to_json,
    write_atomic,
    write_text_atomic,
)
from simlib.rules import ALLOWANCES

# column of the window, its label in the report, its short label in the CLI, and the unit it is shown in
COLUMNS = (("cost", "spending change, static (€ mln)", "cost static", 1e6),
           ("behavioural_cost", "with behavioural take-up (€ mln)", "behavioural", 1e6),
           ("net_cost_labour_supply", "net of the labour-supply response (€ mln)", "net labour", 1e6),
           ("winners", "winners", "winners", 1), ("losers", "losers", "losers", 1),
           ("newly_entitled", "newly entitled", "newly entitled", 1),
           ("repayments_ge_500_change", "repayments ≥ €500, change", "repay >= 500", 1))


def window_figure(w: BudgetWindow) -> go.Figure:
    """The change in spending per year and allowance (stacked), with the behavioural cost as a line."""
    t = w.table
    fig = go.Figure()
    for a in ALLOWANCES:
        fig.add_bar(x=t["year"], y=t[f"cost_{a}"] / 1e6, name=a)
    if "behavioural_cost" in t:
        fig.add_scatter(x=t["year"], y=t["behavioural_cost"] / 1e6, name="total with behavioural take-up", mode="lines+markers")
    fig.update_layout(barmode="relative", title=f"{w.scenario['name']}: change in spending per year (€ mln, nominal)",
                      xaxis={"dtick": 1}, yaxis_title="€ mln")
    return fig


def window_lines(w: BudgetWindow) -> list[str]:
    """The window as text lines for the CLI."""
    t = w.table
    present = [(k, short, s) for k, _, short, s in COLUMNS if k in t]
    out = ["year  params     in force " + " ".join(f"{short:>15s}" for _, short, _ in present)]
    for _, r in t.iterrows():
        out.append(f"{int(r['year'])}  {r['parameters']:<10s} {r['share_in_force']:7.0%}  "
                   + " ".join(f"{r[k] / s:>+15,.0f}" for k, _, s in present))
    tot = w.totals
    out.append("total                     " + " ".join(f"{tot[k] / s:>+15,.0f}" if k in tot else f"{'':>15s}" for k, _, s in present))
    return out


def render_html(w: BudgetWindow) -> str:
    t = w.table
    present = [(k, label, s) for k, label, _, s in COLUMNS if k in t]
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Budget window</title>",
             ("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}td,th{padding:3px 8px;text-align:right}"
             ".note{color:#555;font-size:90%}</style></head><body>"),
             f"<h1>{html.escape(w.scenario['name'])}: {w.years[0]}–{w.years[-1]}</h1>",
             f"<p>{html.escape(w.scenario['description'] or '')}</p>",
             "<table><tr><th>year</th><th>parameters</th><th>in force</th>"
             + "".join(f"<th>{html.escape(label)}</th>" for _, label, _ in present) + "</tr>"]
    for _, r in t.iterrows():
        parts.append(f"<tr><td>{int(r['year'])}</td><td>{r['parameters']}</td><td>{r['share_in_force']:.0%}</td>"
                     + "".join(f"<td>{r[k] / s:+,.0f}</td>" for k, _, s in present) + "</tr>")
    tot = w.totals
    parts.append("<tr><th>total</th><td></td><td></td>"
                 + "".join(f"<th>{tot[k] / s:+,.0f}</th>" if k in tot else "<td></td>" for k, _, s in present) + "</tr></table>")
    for n in w.notes:
        parts.append(f"<p class='note'>{html.escape(n)}</p>")
    parts.append("<p class='note'>Each year compares the proposal as in force that year with current law of that year on "
                 "the population of that year; euros of each year (nominal). Winners and losers are households per year, "
                 "not added up. Projected amounts and the projections file: docs/budget_window.md.</p>")
    parts.append(pio.to_html(window_figure(w), full_html=False, include_plotlyjs=True))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_window(w: BudgetWindow, out: str | Path) -> None:
    """Write window.json, window.csv and report.html to ``out``."""
    text = to_json(w.to_dict(), f"{out}/window.json", indent=2, ensure_ascii=False, default=float)
    check_finite_table(w.table, f"{out}/window.csv")
    with output_folder(out, {"window.json", "window.csv", "report.html"}) as folder:
        write_text_atomic(folder / "window.json", text)
        write_atomic(folder / "window.csv", lambda tmp: w.table.to_csv(tmp, index=False))
        write_text_atomic(folder / "report.html", render_html(w))


def write_windows(windows: dict[str, BudgetWindow], out: str | Path) -> None:
    """Every proposal's window in a folder of its own, and overview.csv with the cost of each year and the total."""
    overview = window_overview(windows)
    check_finite_table(overview, f"{out}/overview.csv")
    texts = {k: to_json(w.to_dict(), f"{out}/{k}/window.json", indent=2, ensure_ascii=False, default=float) for k, w in windows.items()}
    with output_folder(out, {"overview.csv", *windows}) as folder:
        write_atomic(folder / "overview.csv", lambda tmp: overview.to_csv(tmp, index=False))
        for k, w in windows.items():
            (folder / k).mkdir(exist_ok=True)
            write_text_atomic(folder / k / "window.json", texts[k])
            write_atomic(folder / k / "window.csv", lambda tmp, t=w.table: t.to_csv(tmp, index=False))
            write_text_atomic(folder / k / "report.html", render_html(w))
