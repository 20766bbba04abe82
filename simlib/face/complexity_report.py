"""The uitvoeringstoets report: Markdown and HTML in the shape of the summary box, with the indicator tables behind
it, and JSON. Written atomically."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from simlib.analysis.complexity import RATINGS, Assessment
from simlib.engine.io import to_json, write_text_atomic

COLORS = {"beperkt": "#1a9850", "middelgroot": "#fdae61", "ingrijpend": "#d73027"}
INDICATOR_FORMAT = {"system_points": "{:,.0f} points", "fte": "{:,.1f} FTE"}


def _n(x) -> str:
    return "–" if x is None else f"{x:,.0f}"


def _value(row: dict) -> str:
    if row["value"] is None:
        return ""
    return INDICATOR_FORMAT.get(row["indicator"], "{:,.0f}").format(row["value"])


def _thresholds(row: dict) -> str:
    if not row["thresholds"]:
        return ""
    lo, hi = row["thresholds"]
    f = (lambda x: f"{x:,.1f}") if row["indicator"] == "fte" else (lambda x: f"{x:,.0f}")
    return f"beperkt < {f(lo)} ≤ middelgroot < {f(hi)} ≤ ingrijpend"


def _meta(a: Assessment) -> tuple[str, list]:
    meta = [f"**Scenario:** {a.scenario['name']} — {a.scenario['description']}"]
    if a.scenario.get("signal"):
        meta.append(f"**Signal:** {a.scenario['signal']}")
    pop = a.provenance.get("population", {})
    meta.append(f"**Against:** {a.baseline['name']}, berekeningsjaar {a.year}; population of {pop.get('households', 0):,} households "
                f"(seed {pop.get('seed')}) weighted to the country; repayments from {a.provenance.get('repayment_seeds')} Monte Carlo run(s).")
    meta.append("An indicative test: every rating comes from the measured indicator and the thresholds beside it "
                "(simlib/analysis/complexity/thresholds.yaml; the author can set others). Counts are households weighted to the country.")
    return "", meta


def _box(a: Assessment) -> tuple[str, list]:
    box = pd.DataFrame([{"Onderdeel": r["label"], "Oordeel": r["rating"], "Indicator": r["description"], "Waarde": _value(r),
                         "Drempels": _thresholds(r) + (f" ({r['note']})" if r["note"] else "")} for r in a.box])
    return "Samenvatting (summary box)", [box]


def _citizens(d: dict) -> tuple[str, list]:
    c = d["citizens"]
    rows = pd.DataFrame([{"allowance": r["allowance"], "amount changes": _n(r["amount_changes"]), "higher": _n(r["higher"]),
                          "lower": _n(r["lower"]), "newly entitled": _n(r["newly_entitled"]),
                          "expected new applications": _n(r["expected_new_applications"]),
                          "no longer entitled": _n(r["no_longer_entitled"]),
                          "cost change (€ mln)": f"{d['cost'][r['allowance']]['change'] / 1e6:+,.1f}"} for r in c["per_allowance"]])
    text = [f"Households whose amount changes: **{_n(c['households_amount_changes'])}**; in more than one allowance (stapeling): "
            f"**{_n(c['stapeling'])}**; whose toeslagpartner changes: **{_n(c['partner_changes'])}**. Decisions (beschikkingen) "
            f"to send: **{_n(c['decisions'])}** (household and allowance with a new, changed or ended amount"
            + ("; plus adjusted advances" if c.get("extra_decisions") else "") + "). Expected new applications use the take-up "
            "model on the new amounts.", rows]
    for e in c.get("extra_decisions", []):
        text.append(f"Extra decisions from {e['input']} ({e['decisions']}): {_n(e['baseline'])} → {_n(e['reform'])}.")
    if "count_ge_500" in c["repayments"]:
        rep = c["repayments"]
        text.append(pd.DataFrame([{"": label, "baseline": _n(rep[k]["baseline"]) if k != "amount" else f"€ {rep[k]['baseline'] / 1e6:,.0f} mln",
                                   "reform": _n(rep[k]["reform"]) if k != "amount" else f"€ {rep[k]['reform'] / 1e6:,.0f} mln",
                                   "change": f"{rep[k]['change']:+,.0f}" if k != "amount" else f"€ {rep[k]['change'] / 1e6:+,.1f} mln"}
                                  for k, label in (("count_ge_500", "repayments ≥ €500"), ("problematic", "problematic repayments"),
                                                   ("amount", "amount repaid"))]))
    return "Burgers (citizens)", text


def _data_and_systems(d: dict) -> tuple[str, list]:
    diff = d["rule_diff"]
    items: list = []
    if diff["parameters"]:
        items.append(pd.DataFrame([{"parameter": p["parameter"], "baseline": str(p["baseline"]), "reform": str(p["reform"]),
                                    "source of the current value": p["source_of_baseline"]} for p in diff["parameters"]]))
    for v in diff["variants"]:
        items.append(f"Rule variant **{v['group']}**: {v['baseline']} → {v['reform']}.")
    for lv in diff["levers"]:
        items.append(f"Process lever **{lv['lever']}**: {lv['baseline']} → {lv['reform']}.")
    for tu in diff["take_up"]:
        items.append(f"Take-up assumption for {tu['allowance']}: {tu['baseline']} → {tu['reform']}.")
    if not items:
        items.append("No rule differs from the baseline.")
    if d["data_needs"]:
        items.append(pd.DataFrame([{"input": x["input"], "status": x["status"], "comes from": x["source_label"],
                                    "judged by a person": "yes" if x["person_check"] else "no", "where": x["where_from"],
                                    "what": x["description"]} for x in d["data_needs"]]))
    return "Gegevens en systemen (data and systems)", items


def _manual_work(a: Assessment, d: dict) -> tuple[str, list]:
    manual: list = []
    if d["manual_cases"]:
        manual.append("Cases whose outcome depends on a fact a person must judge (or that staff must contact):")
        manual.append(pd.DataFrame([{"input": m["input"], "cases": m["cases"], "baseline": _n(m["baseline"]), "reform": _n(m["reform"]),
                                     "change": f"{m['change']:+,.0f}"} for m in d["manual_cases"]]))
    if d["near_cliffs"]:
        manual.append(f"Claimants entitled but for a cliff, within {d['near_threshold_band']:.0%} of the threshold (one small "
                      "error away from losing or gaining the whole allowance):")
        manual.append(pd.DataFrame([{"cliff": n["cliff"], "baseline": _n(n["baseline"]), "reform": _n(n["reform"]),
                                     "change": f"{n['change']:+,.0f}"} for n in d["near_cliffs"]]))
    h = d["handling"]
    hs = a.thresholds["handling"]
    manual.append(f"Handling volume of the first year (indicative): {h['hours']:,.0f} hours, **{h['fte']:,.1f} FTE** — "
                  f"manual cases and contacts {h['manual_case_minutes'] / 60:,.0f} h; {h['objections']:,.0f} objections × "
                  f"{hs['minutes_per_objection']} min; {h['questions']:,.0f} questions × {hs['minutes_per_question']} min; "
                  f"{hs['productive_hours_per_fte']:,} productive hours per FTE (assumptions in thresholds.yaml).")
    return "Handwerk en handhaafbaarheid (manual work and enforceability)", manual


def _fraud(d: dict) -> tuple[str, list]:
    if not d["fraud"]:
        return "Fraudebestendigheid (fraud resistance)", ["No input the rules need can be declared falsely for a gain."]
    table = pd.DataFrame([{"input": f["input"], "false declaration": f["false_declaration"],
                           "baseline households": _n(f["baseline"]["households"]),
                           "baseline mean gain (€)": _n(f["baseline"]["mean_gain"]),
                           "reform households": _n(f["reform"]["households"]),
                           "reform mean gain (€)": _n(f["reform"]["mean_gain"]),
                           "reform max gain (€)": _n(f["reform"]["max_gain"]),
                           "change in households": f"{f['change']:+,.0f}"} for f in d["fraud"]])
    return "Fraudebestendigheid (fraud resistance)", [
        f"Households that would gain at least €{d['fraud_minimum_gain']:,} a year by a false declaration "
        "(everyone who could gain declares falsely):", table]


def sections(a: Assessment) -> list[tuple[str, list]]:
    """The report as sections of paragraphs (str) and tables (DataFrame), shared by the Markdown and HTML forms."""
    d = a.details
    t = d["timing"]
    timing = ("Invoering (timing)", [f"Decision date {t['decision_date']}; {t['lead_months']} months to build and test (by the "
                                     f"rating of maakbaarheid systemen); earliest start **{t['earliest']}**. "
                                     + " ".join(a.thresholds['timing']['reasoning'].split())])
    reasons = pd.DataFrame([{"onderdeel": r["label"], "indicator": r["indicator"], "thresholds": _thresholds(r), "reasoning": r["reasoning"]}
                            for r in a.box if r["thresholds"]])
    prov = a.provenance
    origin = ("Herkomst (provenance)", [f"code {prov.get('code_version')} (git {prov.get('git_commit')}), parameters "
                                        f"{prov.get('parameters_version')}; scenario files: "
                                        + ", ".join(f"{_relative(f['path'])} ({f['sha256'][:12]})" for f in a.scenario.get("files", []))])
    return [_meta(a), _box(a), _citizens(d), _data_and_systems(d), _manual_work(a, d), _fraud(d), timing,
            ("Drempels en redenering (thresholds and their reasoning)", [reasons]), origin]


def _relative(path: str) -> str:
    """A path inside the project relative to its root (reports do not depend on where the clone lives)."""
    root = Path(__file__).resolve().parents[2]
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


def md_table(df: pd.DataFrame) -> str:
    cells = lambda row: "| " + " | ".join(str(x).replace("|", "\\|").replace("\n", " ") for x in row) + " |"  # noqa: E731
    return "\n".join([cells(df.columns), "|" + "---|" * len(df.columns)] + [cells(r) for r in df.itertuples(index=False)])


def to_markdown(a: Assessment) -> str:
    lines = [f"# Uitvoeringstoets (indicatief): {a.scenario['name']}", ""]
    for title, items in sections(a):
        if title:
            lines += [f"## {title}", ""]
        for item in items:
            lines += [md_table(item) if isinstance(item, pd.DataFrame) else item, ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Escape, then render **bold** (the only markup the sections use)."""
    parts = html.escape(text).split("**")
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))


def to_html(a: Assessment) -> str:
    body = [f"<h1>Uitvoeringstoets (indicatief): {html.escape(a.scenario['name'])}</h1>"]
    for title, items in sections(a):
        if title:
            body.append(f"<h2>{html.escape(title)}</h2>")
        for item in items:
            if isinstance(item, pd.DataFrame):
                table = item.to_html(index=False, escape=True, border=0, classes="t")
                for r in RATINGS:
                    table = table.replace(f"<td>{r}</td>", f"<td><span class='r' style='background:{COLORS[r]}'>{r}</span></td>")
                body.append(table)
            else:
                body.append(f"<p>{_inline(item)}</p>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;color:#222}"
             "table.t{border-collapse:collapse;margin:0.5em 0 1.2em;font-size:13px}"
             "table.t th,table.t td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
             ".r{color:#fff;padding:1px 6px;border-radius:3px;font-weight:600}")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Uitvoeringstoets: {html.escape(a.scenario['name'])}</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>")


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def write_report(a: Assessment, out: str | Path) -> list[Path]:
    """report.md, report.html and complexity.json in ``out``."""
    out = Path(out)
    files = [out / "report.md", out / "report.html", out / "complexity.json"]
    write_text_atomic(files[0], to_markdown(a))
    write_text_atomic(files[1], to_html(a))
    write_text_atomic(files[2], to_json(a.to_dict(), str(files[2]), indent=2, default=_json_default, ensure_ascii=False))
    return files


def overview(assessments: dict[str, Assessment]) -> pd.DataFrame:
    """The summary boxes of several scenarios side by side: one row per onderdeel, one column per scenario."""
    if not assessments:
        return pd.DataFrame()
    labels = [r["label"] for r in next(iter(assessments.values())).box]
    return pd.DataFrame({key: [r["rating"] for r in a.box] for key, a in assessments.items()}, index=labels)


def overview_style(table: pd.DataFrame):
    """The overview with the ratings coloured (a pandas Styler, for notebooks)."""
    return table.style.map(lambda v: f"background-color:{COLORS[v]};color:white" if v in COLORS else "")


def show(a: Assessment) -> None:
    """Display the report in a notebook: the sections as headings, text and tables."""
    from IPython.display import Markdown, display

    display(Markdown(f"### Uitvoeringstoets (indicatief): {a.scenario['name']}"))
    for title, items in sections(a):
        if title:
            display(Markdown(f"#### {title}"))
        for item in items:
            display(item if isinstance(item, pd.DataFrame) else Markdown(item))
