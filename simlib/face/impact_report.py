"""Write a comparison to a directory: summary.json, CSV tables and a self-contained HTML report with plotly figures.

Everything is written atomically (temporary file, then rename), so a reader never sees half a report.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from simlib.analysis.impact import Comparison
from simlib.engine.io import check_finite_table, output_folder, to_json, write_atomic, write_text_atomic
from simlib.face import charts
from simlib.rules import ALLOWANCES


def _eur(x: float) -> str:
    return f"€ {x / 1e6:,.1f} mln"


def figures(c: Comparison) -> list[go.Figure]:
    """The report's figures (built by simlib.face.charts, in the language set there)."""
    s = c.summary
    figs = [
        charts.cost_change(s),
        charts.winners_losers(c.tables["by_decile"], "decile"),
        charts.winners_losers(c.tables["by_household_type"], "household_type"),
        charts.winners_losers(c.tables["by_tenure"], "tenure"),
        charts.gain_distribution(c.tables["gain_distribution"], s["no_change"]),
        charts.entitlement_changes(s),
    ]
    if s.get("repayments", {}).get("status") == "modelled":
        figs.append(charts.repayment_causes(s["repayments"]))
    if "koopkracht_by_decile" in c.tables:
        figs += [charts.koopkracht(c.tables["koopkracht_by_decile"]), charts.koopkracht_cloud(c.household)]
    if s.get("marginale_druk"):
        figs.append(charts.marginale_druk_shares(s))
    return figs


def _net_income_html(s: dict) -> list[str]:
    """Koopkracht, low incomes and marginale druk (summary.json's koopkracht, low_income, marginale_druk)."""
    if "koopkracht" not in s:
        return []
    kk, low, md = s["koopkracht"], s["low_income"], s.get("marginale_druk") or {}
    out = ["<h2>Net income: koopkracht, low incomes, marginale druk</h2><table>",
           f"<tr><td>Median change of net disposable income</td><td>{kk['median'] * 100:+.2f}% (10th-90th percentile "
           f"{kk['p10'] * 100:+.2f}% to {kk['p90'] * 100:+.2f}%)</td></tr>",
           f"<tr><td>Households with at least 0.5% more / less net income</td><td>{kk['better_off']:,.0f} / {kk['worse_off']:,.0f}</td></tr>",
           f"<tr><td>Households below the low-income line ({html.escape(low['line_source'])}, €{low['line']:,.0f})</td>"
           f"<td>{low['households_baseline']:,.0f} → {low['households_reform']:,.0f} ({low['households_change']:+,.0f}); persons "
           f"{low['persons_baseline']:,.0f} → {low['persons_reform']:,.0f} ({low['persons_change']:+,.0f})</td></tr>"]
    for p in (60, 80, 100):
        if md:
            out.append(f"<tr><td>Workers with a marginale druk above {p}% (households, by their first earner)</td>"
                       f"<td>{md['baseline'][f'share_above_{p}'] * 100:.1f}% → {md['reform'][f'share_above_{p}'] * 100:.1f}% "
                       f"({md['baseline'][f'households_share_above_{p}'] * 100:.1f}% → "
                       f"{md['reform'][f'households_share_above_{p}'] * 100:.1f}%)</td></tr>")
    out.append("</table><p class='note'>Net income: toetsingsinkomen minus box 1 income tax and premiums after the "
               "heffingskortingen, plus kinderbijslag and the allowances after take-up (docs/net_income.md). Low incomes: net "
               "income without huurtoeslag per CBS equivalent adult below the CBS lage-inkomensgrens. Marginale druk: of a 3% "
               "rise of each worker's income, the share lost to tax, credits and allowances (entitlements); pension premiums "
               "and municipal schemes are not modelled.</p>")
    return out


def _behaviour_html(s: dict) -> list[str]:
    """Static against behavioural cost (summary.json's behaviour)."""
    b = s.get("behaviour")
    if not b:
        return []
    out = ["<h2>Take-up that responds to the repayment risk</h2><table><tr><th>allowance</th><th>static cost (€ mln)</th>"
           "<th>behavioural cost (€ mln)</th><th>of which take-up response</th><th>take-up baseline → reform</th></tr>"]
    for a, v in b["per_allowance"].items():
        out.append(f"<tr><td>{a}</td><td>{v['static_cost'] / 1e6:+,.1f}</td><td>{v['behavioural_cost'] / 1e6:+,.1f}</td>"
                   f"<td>{v['take_up_response'] / 1e6:+,.1f}</td><td>{v['take_up_baseline']:.1%} → {v['take_up_reform']:.1%}</td></tr>")
    out.append(f"<tr><td><b>total</b></td><td>{b['static_cost'] / 1e6:+,.1f}</td><td>{b['behavioural_cost'] / 1e6:+,.1f}</td>"
               f"<td>{b['take_up_response'] / 1e6:+,.1f}</td><td></td></tr></table>")
    out.append(f"<p class='note'>{html.escape(b['method'])}; risk coefficient {b['risk_coefficient']:g} (an upper bound: the "
               "whole gap in non-take-up of the self-employed is put down to repayment risk). docs/behaviour.md.</p>")
    return out


def _labour_html(s: dict) -> list[str]:
    """The parents' labour-supply response (summary.json's labour_supply), when the scenario switches it on."""
    ls = s.get("labour_supply")
    if not ls:
        return []
    rows = (("elasticities (hours, participation) to the parental price", f"{ls['hours_elasticity']:g}, {ls['participation_elasticity']:g}"),
            ("carers (second earner or single parent in households using childcare)", f"{ls['carers']:,.0f}"),
            ("median change of the parental price", f"{ls['median_price_change']:+.0%}"),
            ("hours of the carers", f"{ls['hours_change']:+.1%} (all workers {ls['hours_change_all_workers']:+.2%})"),
            ("carers who start / stop working", f"{ls['start_work']:,.0f} / {ls['stop_work']:,.0f}"),
            ("gross income (€ mln)", f"{ls['gross_income_change'] / 1e6:+,.0f}"),
            ("allowances through the response (€ mln)", f"{ls['allowances_change'] / 1e6:+,.0f}"),
            ("income tax and premiums (€ mln)", f"{ls['tax_change'] / 1e6:+,.0f}"),
            ("cost: static → net of the response (€ mln)", f"{ls['static_cost'] / 1e6:+,.0f} → {ls['net_cost'] / 1e6:+,.0f}"))
    return (["<h2>Labour supply of parents</h2><table>"] + [f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in rows]
            + [f"</table><p class='note'>{html.escape(ls['method'])}. docs/budget_window.md.</p>"])


def render_html(c: Comparison) -> str:
    s = c.summary
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(s['reform']['name'])} — impact {s['year']}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right}"
        "th:first-child,td:first-child{text-align:left}.note{color:#555;font-size:90%}</style></head><body>",
        f"<h1>{html.escape(s['reform']['name'])}</h1>",
        f"<p>{html.escape(s['reform']['description'])}</p>",
    ]
    if s["reform"].get("signal"):
        parts.append(f"<p class='note'>Signal: {html.escape(s['reform']['signal'])}</p>")
    parts.append(
        f"<p>Compared with <b>{html.escape(s['baseline']['name'])}</b>, berekeningsjaar {s['year']}, "
        f"{s['households']:,.0f} households.</p>"
    )
    total = s["cost"]["total"]["change"]
    parts.append("<h2>Headline</h2><table>")
    parts.append(f"<tr><td>Change in spending</td><td>{_eur(total)} per year</td></tr>")
    parts.append(f"<tr><td>Households better off</td><td>{s['winners']:,.0f}</td></tr>")
    parts.append(f"<tr><td>Households worse off</td><td>{s['losers']:,.0f}</td></tr>")
    parts.append(f"<tr><td>Households whose toeslagpartner changes</td><td>{s['partner_changes']['households']:,.0f}</td></tr>")
    parts.append("</table>")
    iv = s.get("interval")
    if iv and not iv["seeds"]:
        parts.append(f"<p class='note'>{html.escape(iv['method'])}.</p>")
    elif iv:
        parts.append(f"<p class='note'>Interval: {html.escape(iv['method'])}. Spending change {_eur(iv['cost_change']['min'])} to "
                     f"{_eur(iv['cost_change']['max'])}; winners {iv['winners']['min']:,.0f}–{iv['winners']['max']:,.0f}; "
                     f"losers {iv['losers']['min']:,.0f}–{iv['losers']['max']:,.0f}.</p>")
    val = s.get("validation")
    if val:
        parts.append("<h2>Beside the published estimates</h2><table><tr><th>figure</th><th>model</th><th>interval over seeds</th>"
                     "<th>published</th><th>status</th></tr>")
        for measure, v in val.items():
            iv_text = f"{v['interval'][0]:,.0f} to {v['interval'][1]:,.0f}" if v.get("interval") else "–"
            pub = f"{v['published']:,.0f}" if "published" in v else "–"
            parts.append(f"<tr><td>{html.escape(measure)}</td><td>{v['model']:,.0f}</td><td>{iv_text}</td><td>{pub}</td>"
                         f"<td>{html.escape(v['status'])}</td></tr>")
        parts.append("</table><p class='note'>Published estimates and how they compare: docs/validation.md "
                     "(data/targets/proposal_estimates.yaml).</p>")
    parts.append("<h2>Per allowance</h2><table><tr><th>allowance</th><th>baseline (€ mln)</th><th>reform (€ mln)</th>"
                 "<th>change (€ mln)</th><th>recipients change</th><th>newly entitled</th><th>no longer entitled</th></tr>")
    for a in ALLOWANCES:
        cst, rec, ec = s["cost"][a], s["recipients"][a], s["entitlement_changes"][a]
        parts.append(f"<tr><td>{a}</td><td>{cst['baseline'] / 1e6:,.1f}</td><td>{cst['reform'] / 1e6:,.1f}</td>"
                     f"<td>{cst['change'] / 1e6:+,.1f}</td><td>{rec['change']:+,.0f}</td><td>{ec['newly_entitled']:,.0f}</td>"
                     f"<td>{ec['no_longer_entitled']:,.0f}</td></tr>")
    parts.append("</table>")
    parts += _net_income_html(s)
    parts += _behaviour_html(s)
    parts += _labour_html(s)
    rp = s["repayments"]
    if rp.get("status") == "modelled":
        parts.append("<h2>Repayments (terugvorderingen) at the final award</h2><table><tr><th></th><th>baseline</th><th>reform</th><th>change</th></tr>")
        for key, label in (("count_ge_500", "repayments of €500 or more"), ("count_ge_1500", "repayments of €1,500 or more (zienswijze)"),
                           ("problematic", "households with a problematic repayment"), ("count", "all repayments above the doelmatigheidsgrens"),
                           ("amount", "amount repaid (€ mln)"), ("backpayment_count", "back-payments"), ("backpayment_amount", "amount paid back (€ mln)")):
            scale = 1e6 if "amount" in key else 1
            lo, hi = rp["change_interval"][key]
            parts.append(f"<tr><td>{label}</td><td>{rp['baseline'][key] / scale:,.0f}</td><td>{rp['reform'][key] / scale:,.0f}</td>"
                         f"<td>{rp['change'][key] / scale:+,.0f} ({lo / scale:+,.0f} to {hi / scale:+,.0f})</td></tr>")
        parts.append(f"</table><p class='note'>{html.escape(rp['method'])}; {rp['seeds']} runs.</p>")
    else:
        parts.append(f"<p class='note'>Repayments: {html.escape(rp.get('status', ''))}</p>")
    for i, fig in enumerate(figures(c)):
        parts.append(pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0)))
    pv = s["provenance"]
    parts.append("<h2>Provenance</h2><table>")
    for f in pv["reform_files"]:
        parts.append(f"<tr><td>reform file</td><td>{html.escape(f['path'])} (sha256 {f['sha256'][:16]})</td></tr>")
    for f in pv["baseline_files"]:
        parts.append(f"<tr><td>baseline file</td><td>{html.escape(f['path'])} (sha256 {f['sha256'][:16]})</td></tr>")
    parts.append(f"<tr><td>parameters version</td><td>{pv['parameters_version']}</td></tr>")
    parts.append(f"<tr><td>population</td><td>{html.escape(json.dumps(pv['population']))} {html.escape(str(pv.get('population_path') or ''))}</td></tr>")
    parts.append(f"<tr><td>code</td><td>simlib {pv['code_version']}, commit {pv['git_commit']}</td></tr></table>")
    parts.append("<p class='note'>Amounts are awarded yearly euros after take-up, weighted to all Dutch households; "
                 "the same take-up draws are used for baseline and reform. Winners and losers: a change of at least €1 a year.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_comparison(c: Comparison, out: str | Path) -> None:
    """Write summary.json, the CSV tables and report.html to ``out``."""
    owns = {"summary.json", "report.html", *(f"{name}.csv" for name in c.tables)}
    summary = to_json(c.summary, f"{out}/summary.json", indent=2, ensure_ascii=False, default=float)
    for name, table in c.tables.items():
        check_finite_table(table, f"{out}/{name}.csv")
    with output_folder(out, owns) as folder:
        write_text_atomic(folder / "summary.json", summary)
        for name, table in c.tables.items():
            write_atomic(folder / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
        write_text_atomic(folder / "report.html", render_html(c))
