"""Labels of figures and tables in Dutch or English, switched by one setting.

``simlib.face.labels.set_language("nl")`` (or the environment variable ``SIMLIB_LANG``) changes every figure and table
built by :mod:`simlib.face.charts`. Legal terms (huurtoeslag, toeslagpartner, ...) stay Dutch in both.
"""

from __future__ import annotations

import os

_LANG = os.environ.get("SIMLIB_LANG", "en") if os.environ.get("SIMLIB_LANG", "en") in ("en", "nl") else "en"

TEXT = {
    "zorgtoeslag": ("zorgtoeslag", "zorgtoeslag"),
    "huurtoeslag": ("huurtoeslag", "huurtoeslag"),
    "kindgebonden_budget": ("kindgebonden budget", "kindgebonden budget"),
    "kinderopvangtoeslag": ("kinderopvangtoeslag", "kinderopvangtoeslag"),
    "totaal": ("total", "totaal"),
    "total": ("total", "totaal"),
    "eur_mln_year": ("€ mln per year", "€ mln per jaar"),
    "eur_year": ("€ per year", "€ per jaar"),
    "households": ("households", "huishoudens"),
    "households_pct": ("households (%)", "huishoudens (%)"),
    "households_thousands": ("households (thousands)", "huishoudens (duizenden)"),
    "income": ("toetsingsinkomen (€ per year)", "toetsingsinkomen (€ per jaar)"),
    "assets": ("box-3 assets on 1 January (€)", "vermogen box 3 op 1 januari (€)"),
    "rent": ("kale huur (€ per month)", "kale huur (€ per maand)"),
    "withdrawal": ("combined withdrawal rate of the allowances (%)", "gecombineerde afbouw van de toeslagen (%)"),
    "withdrawal_short": ("withdrawal rate (%)", "afbouw (%)"),
    "decile": ("standardised household income decile", "deciel gestandaardiseerd huishoudinkomen"),
    "household_type": ("household type", "huishoudtype"),
    "tenure": ("tenure", "eigendom woning"),
    "bucket_legend": ("change, share of gross income", "verandering, deel bruto-inkomen"),
    "loss > 5%": ("loss > 5%", "verlies > 5%"),
    "loss ≤ 5%": ("loss ≤ 5%", "verlies ≤ 5%"),
    "no change": ("no change", "geen verandering"),
    "gain ≤ 5%": ("gain ≤ 5%", "winst ≤ 5%"),
    "gain > 5%": ("gain > 5%", "winst > 5%"),
    "baseline": ("baseline", "basispad"),
    "reform": ("reform", "voorstel"),
    "cost_title": ("Change in spending per allowance, {year}", "Verandering in uitgaven per toeslag, {year}"),
    "decile_title": ("Winners and losers by income decile", "Winnaars en verliezers per inkomensdeciel"),
    "type_title": ("Winners and losers by household type", "Winnaars en verliezers per huishoudtype"),
    "tenure_title": ("Winners and losers by tenure", "Winnaars en verliezers naar eigendom woning"),
    "spending_title": ("Spending per allowance, {year}", "Uitgaven per toeslag, {year}"),
    "recipients_title": ("Recipients per allowance, {year}", "Ontvangers per toeslag, {year}"),
    "repay_title": ("Repayments of €500 or more by cause", "Terugvorderingen van €500 of meer naar oorzaak"),
    "repayments_thousands": ("repayments (thousands)", "terugvorderingen (duizenden)"),
    "sweep_title": ("Allowances of this household by {x}", "Toeslagen van dit huishouden naar {x}"),
    "validation_title": ("Simulated against official figures (deviation)", "Gesimuleerd tegen officiële cijfers (afwijking)"),
    "deviation": ("deviation (%)", "afwijking (%)"),
    "calibration": ("calibration (fit)", "kalibratie (fit)"),
    "validation": ("validation (evidence)", "validatie (bewijs)"),
    "source": (
        "Source: toeslagen policy simulator; synthetic population calibrated to CBS and Dienst Toeslagen totals",
        "Bron: toeslagen beleidssimulator; synthetische populatie gekalibreerd op totalen van CBS en Dienst Toeslagen",
    ),
    "cliff": ("no allowance (limit)", "geen toeslag (grens)"),
    "koopkracht_title": ("Koopkracht: change of net income by income decile", "Koopkracht: verandering netto-inkomen per inkomensdeciel"),
    "koopkracht_axis": ("change of net disposable income (%)", "verandering besteedbaar inkomen (%)"),
    "koopkracht_cloud_title": ("Koopkracht per household (a sample)", "Koopkracht per huishouden (steekproef)"),
    "standardised_income": ("standardised household income (€ per year)", "gestandaardiseerd huishoudinkomen (€ per jaar)"),
    "md_title": ("Workers by marginale druk", "Werkenden naar marginale druk"),
    "md_share": ("workers (%)", "werkenden (%)"),
    "md_above": ("above {pct}%", "boven {pct}%"),
    "md_axis": ("marginale druk (%)", "marginale druk (%)"),
    "net_title": ("Net income of this household by {x}", "Netto-inkomen van dit huishouden naar {x}"),
    "netto": ("net disposable income", "besteedbaar inkomen"),
    "md_line": ("marginale druk", "marginale druk"),
    "belasting_en_premies": ("income tax and premiums", "inkomstenbelasting en premies"),
    "algemene_heffingskorting": ("algemene heffingskorting", "algemene heffingskorting"),
    "arbeidskorting": ("arbeidskorting", "arbeidskorting"),
    "inkomensafhankelijke_combinatiekorting": ("combinatiekorting", "combinatiekorting"),
    "ouderenkorting": ("ouderenkorting", "ouderenkorting"),
    "alleenstaande_ouderenkorting": ("alleenstaande ouderenkorting", "alleenstaande ouderenkorting"),
    "kinderbijslag": ("kinderbijslag", "kinderbijslag"),
    "koopkracht_median": ("koopkracht, median", "koopkracht, mediaan"),
    "md_above_60": ("workers with marginale druk > 60%", "werkenden met marginale druk > 60%"),
    "points": ("points", "punt"),
    "inkomen": ("income", "inkomen"),
    "huishouden": ("household change", "verandering huishouden"),
    "huur": ("rent", "huur"),
    "kinderopvang": ("childcare hours", "opvanguren"),
    "vermogen": ("assets", "vermogen"),
    "scenarios_cost_title": ("Change in spending per proposal (€ mln per year)", "Verandering in uitgaven per voorstel (€ mln per jaar)"),
    "scenarios_repay_title": ("Change in repayments per proposal", "Verandering in terugvorderingen per voorstel"),
    # what-if panel
    "lever_assets": ("Asset limits (single person, € on 1 January)", "Vermogensgrenzen (alleenstaande, € op 1 januari)"),
    "lever_vermogenstoets": ("Above the limit", "Boven de grens"),
    "harde_grens": ("no allowance (cliff)", "geen toeslag (harde grens)"),
    "geleidelijke_afbouw": ("gradual phase-out", "geleidelijke afbouw"),
    "lever_afbouw": ("phase-out (% of assets above the limit)", "afbouw (% van vermogen boven de grens)"),
    "lever_rent": ("Maximum rent limit (huurtoeslag)", "Maximale huurgrens (huurtoeslag)"),
    "uitsluiting": ("no huurtoeslag above it", "geen huurtoeslag erboven"),
    "aftopping": ("rent counted up to it (cap)", "huur telt mee tot de grens (aftopping)"),
    "geen": ("no limit", "geen grens"),
    "lever_werking": ("works as", "werking"),
    "lever_huurgrens_bedrag": ("limit (€ per month)", "grens (€ per maand)"),
    "lever_partner": ("Toeslagpartner rule (Awir art. 3)", "Toeslagpartnerregel (Awir art. 3)"),
    "huidig": ("current law", "huidig recht"),
    "zonder_criterium_e": ("without criterion e (child at the address)", "zonder criterium e (kind op het adres)"),
    "criterium_e_alleen_stellen": ("criterion e for couples only", "criterium e alleen voor stellen"),
    "vrouwenopvang_automatisch": ("shelter: never partner with the spouse fled", "vrouwenopvang: nooit partner van de ontvluchte echtgenoot"),
    "lever_kot": ("Kinderopvangtoeslag", "Kinderopvangtoeslag"),
    "lever_uurprijs": ("maximum hourly price dagopvang (€; others move along)", "maximum uurprijs dagopvang (€; overige bewegen mee)"),
    "lever_kgb": ("Kindgebonden budget (€ per year)", "Kindgebonden budget (€ per jaar)"),
    "lever_kgb_bedrag": ("per child", "per kind"),
    "lever_alo": ("alleenstaande-ouderkop", "alleenstaande-ouderkop"),
    "reset": ("Current law", "Huidig recht"),
    "budget_window": ("Cost 2026-2030", "Kosten 2026-2030"),
    "window_total": ("2026-2030 in total", "2026-2030 totaal"),
    "save_scenario": ("Save as scenario", "Bewaar als scenario"),
    "export": ("Export figures and table", "Exporteer figuren en tabel"),
    "computing": ("computing…", "bezig met rekenen…"),
    "answered_in": ("answered in {ms:.0f} ms on {n:,} households", "beantwoord in {ms:.0f} ms op {n:,} huishoudens"),
    "cost_total": ("Change in spending", "Verandering uitgaven"),
    "winners": ("Households better off", "Huishoudens erop vooruit"),
    "losers": ("Households worse off", "Huishoudens erop achteruit"),
    "repayments_500": ("Repayments ≥ €500", "Terugvorderingen ≥ €500"),
    "problematic": ("Problematic repayments", "Problematische terugvorderingen"),
    "repay_change_title": ("Repayments, baseline and reform (one Monte Carlo run)", "Terugvorderingen, basispad en voorstel (één Monte Carlo-run)"),
    "count_ge_500": ("repayments ≥ €500", "terugvorderingen ≥ €500"),
    "mln_per_year": ("mln per year", "mln per jaar"),
    "mln": ("mln", "mln"),
    "cost_title_total": ("Change in spending per allowance, {year}: total € {total:+,.0f} mln", "Verandering in uitgaven per toeslag, {year}: totaal € {total:+,.0f} mln"),
}


def set_language(lang: str) -> None:
    """'en' or 'nl': the language of all figures and tables built after this call."""
    global _LANG
    if lang not in ("en", "nl"):
        from simlib.errors import InputError

        raise InputError(f"language: expected 'en' or 'nl', got {lang!r}")
    _LANG = lang


def language() -> str:
    return _LANG


def t(key: str, **fmt) -> str:
    """The label of ``key`` in the current language (the key itself if there is no label)."""
    pair = TEXT.get(key)
    text = key if pair is None else pair[0 if _LANG == "en" else 1]
    return text.format(**fmt) if fmt else text
