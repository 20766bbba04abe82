"""The what-if briefing panel: ipywidgets controls for the levers of :mod:`simlib.analysis.whatif`, plotly FigureWidgets that
update in place (no redraw flicker), a headline with cost, winners, losers and repayments.

In a notebook or a voila dashboard::

    from simlib.analysis.whatif import WhatIf
    from simlib.face.whatif_panel import WhatIfPanel
    WhatIfPanel(WhatIf(year=2025))

Controls send their value on release (``continuous_update=False``), so one move answers once.
"""

from __future__ import annotations

import time
from pathlib import Path

import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from simlib.analysis.whatif import CHOICES, WhatIf, overrides, scenario_yaml
from simlib.engine.io import write_text_atomic
from simlib.face import charts
from simlib.face.labels import t

SLIDER_STYLE = {"description_width": "190px"}
SLIDER_LAYOUT = widgets.Layout(width="430px")


def _slider(cls, label: str, value, lo, hi, step, fmt: str | None = ",d"):
    kw = {"readout_format": fmt} if fmt else {}
    return cls(value=value, min=lo, max=hi, step=step, description=label, continuous_update=False, style=SLIDER_STYLE,
               layout=SLIDER_LAYOUT, **kw)


def _refresh(target: go.FigureWidget, fig: go.Figure) -> None:
    """Copy what a new answer changes (the values of the traces and the title) into the displayed ``target`` in one
    message; the layout and style stay (updating them through plotly's validators costs half a second)."""
    with target.batch_update():
        for old, new in zip(target.data, fig.data):
            old.x, old.y = new.x, new.y
            if new.text is not None:
                old.text = new.text
        target.layout.title.text = fig.layout.title.text


class WhatIfPanel:
    """Sliders and dropdowns for the levers; cost, winners/losers by decile and repayments update on every change."""

    def __init__(self, engine: WhatIf | None = None, out_dir: str | Path = "out/whatif", **engine_args):
        self.engine = engine if engine is not None else WhatIf(**engine_args)
        self.out_dir = Path(out_dir)
        d = self.engine.defaults
        self.controls = {
            "vermogensgrens_huurtoeslag": _slider(widgets.IntSlider, t("huurtoeslag"), d["vermogensgrens_huurtoeslag"], 0, 150_000, 500),
            "vermogensgrens_zorgtoeslag": _slider(widgets.IntSlider, t("zorgtoeslag"), d["vermogensgrens_zorgtoeslag"], 0, 300_000, 500),
            "vermogensgrens_kindgebonden_budget": _slider(widgets.IntSlider, t("kindgebonden_budget"),
                                                          d["vermogensgrens_kindgebonden_budget"], 0, 300_000, 500),
            "vermogenstoets": self._dropdown("lever_vermogenstoets", "vermogenstoets", d),
            "afbouw": _slider(widgets.FloatSlider, t("lever_afbouw"), d["afbouw"], 0, 100, 1, ".0f"),
            "maximale_huurgrens": self._dropdown("lever_werking", "maximale_huurgrens", d),
            "huurgrens_bedrag": _slider(widgets.FloatSlider, t("lever_huurgrens_bedrag"), d["huurgrens_bedrag"], 500, 1500, 5, ".2f"),
            "toeslagpartner": self._dropdown("", "toeslagpartner", d),
            "uurprijs_dagopvang": _slider(widgets.FloatSlider, t("lever_uurprijs"), d["uurprijs_dagopvang"], 5, 20, 0.05, ".2f"),
            "kgb_bedrag_per_kind": _slider(widgets.IntSlider, t("lever_kgb_bedrag"), d["kgb_bedrag_per_kind"], 0, 6000, 10),
            "alo_kop": _slider(widgets.IntSlider, t("lever_alo"), d["alo_kop"], 0, 8000, 10),
        }
        for key, w in self.controls.items():
            w.add_class(f"lever-{key}")
            w.observe(self._changed, names="value")
        self.headline = widgets.HTML().add_class("whatif-headline")
        self.status = widgets.HTML().add_class("whatif-status")
        reset = widgets.Button(description=t("reset"), icon="undo")
        reset.on_click(lambda _: self.reset())
        save = widgets.Button(description=t("save_scenario"), icon="save")
        save.on_click(lambda _: self.save_scenario())
        export = widgets.Button(description=t("export"), icon="download", layout=widgets.Layout(width="auto"))
        export.on_click(lambda _: self.export())
        window = widgets.Button(description=t("budget_window"), icon="calendar", layout=widgets.Layout(width="auto"))
        window.on_click(lambda _: self.window())
        self.window_box = widgets.VBox([]).add_class("whatif-window")
        self.answer = self.engine.evaluate({})
        self.figures = {
            "cost": go.FigureWidget(charts.cost_change(self.answer)),
            "decile": go.FigureWidget(charts.winners_losers(self.answer["by_decile"], "decile")),
        }
        if "repayments" in self.answer:
            self.figures["repayments"] = go.FigureWidget(charts.repayment_change(self.answer["repayments"]))
        for name, fig in self.figures.items():
            fig.layout.height = 380
        header = lambda key: widgets.HTML(f"<b>{t(key)}</b>")  # noqa: E731
        c = self.controls
        left = widgets.VBox([
            header("lever_assets"), c["vermogensgrens_huurtoeslag"], c["vermogensgrens_zorgtoeslag"],
            c["vermogensgrens_kindgebonden_budget"], c["vermogenstoets"], c["afbouw"],
            header("lever_rent"), c["maximale_huurgrens"], c["huurgrens_bedrag"],
            header("lever_partner"), c["toeslagpartner"],
            header("lever_kot"), c["uurprijs_dagopvang"],
            header("lever_kgb"), c["kgb_bedrag_per_kind"], c["alo_kop"],
            widgets.HBox([reset, save]), export, window,
        ], layout=widgets.Layout(width="450px", min_width="450px"))
        right = widgets.VBox([self.headline, self.status, *self.figures.values(), self.window_box], layout=widgets.Layout(flex="1"))
        self.widget = widgets.HBox([left, right]).add_class("whatif-panel")
        self._show(self.answer)

    def _dropdown(self, label: str, key: str, defaults: dict):
        return widgets.Dropdown(options=[(t(o), o) for o in CHOICES[key]], value=defaults[key], description=t(label) if label else "",
                                style=SLIDER_STYLE, layout=SLIDER_LAYOUT)

    @property
    def settings(self) -> dict:
        return {k: w.value for k, w in self.controls.items()}

    def _changed(self, _change=None) -> None:
        if getattr(self, "_quiet", False):
            return
        self.refresh()

    def refresh(self) -> dict:
        """Answer the current settings and update the figures and the headline in place."""
        self.status.value = f"<i>{t('computing')}</i>"
        t0 = time.perf_counter()
        self.answer = self.engine.evaluate(self.settings)
        self._show(self.answer)
        self.answer["panel_seconds"] = time.perf_counter() - t0
        return self.answer

    def _show(self, a: dict) -> None:
        _refresh(self.figures["cost"], charts.cost_change(a))
        _refresh(self.figures["decile"], charts.winners_losers(a["by_decile"], "decile"))
        if "repayments" in a:
            _refresh(self.figures["repayments"], charts.repayment_change(a["repayments"]))
        c = a["cost"]["total"]["change"] / 1e6
        rows = [(t("cost_total"), f"€ {c:+,.0f} {t('mln_per_year')}", "whatif-cost"),
                (t("winners"), f"{a['winners']:,.0f}", "whatif-winners"),
                (t("losers"), f"{a['losers']:,.0f}", "whatif-losers")]
        if "repayments" in a:
            r = a["repayments"]
            rows += [(t("repayments_500"), f"{r['reform']['count_ge_500']:,.0f} ({r['change']['count_ge_500']:+,.0f})", "whatif-rep500"),
                     (t("problematic"), f"{r['reform']['problematic']:,.0f} ({r['change']['problematic']:+,.0f})", "whatif-problematic")]
        if "koopkracht" in a:
            rows.append((t("koopkracht_median"), f"{a['koopkracht']['median'] * 100:+.2f}%", "whatif-koopkracht"))
        if "marginale_druk" in a:
            md = a["marginale_druk"]
            share, before = md["reform"]["share_above_60"] * 100, md["baseline"]["share_above_60"] * 100
            rows.append((t("md_above_60"), f"{share:.1f}% ({share - before:+.1f} {t('points')})", "whatif-md60"))
        cells = "".join(
            f"<div style='padding:4px 14px;border-left:3px solid #2166ac'><div style='font-size:11px;color:#555'>{label}</div>"
            f"<div class='{cls}' style='font-size:20px;font-weight:600'>{value}</div></div>" for label, value, cls in rows)
        self.headline.value = f"<div style='display:flex;flex-wrap:wrap;gap:6px'>{cells}</div>"
        self.status.value = (f"<span style='font-size:11px;color:#555'>"
                             f"{t('answered_in', ms=a['seconds'] * 1e3, n=self.engine.population.n_households)}</span>")

    def window(self, years=None):
        """The current settings over the budget window (default 2026-2030), each year on its own population and law
        (analysis/window.py; no year of repayments: a few seconds). The settings are the panel year's amounts, held
        in every year. Shows the cost per year under the figures and returns the BudgetWindow."""
        from simlib.analysis.window import WINDOW, budget_window
        from simlib.face.window_report import window_figure
        from simlib.parameters.scenario import Scenario

        self.status.value = f"<i>{t('computing')}</i>"
        sc = Scenario("What-if", "the what-if panel's settings", None, self.engine.year,
                      overrides(self.settings, self.engine.year, self.engine.baseline), {}, [])
        w = budget_window(sc, years or WINDOW, repayment_seeds=0)
        fig = go.FigureWidget(window_figure(w))
        fig.layout.height = 340
        total = w.totals["cost"] / 1e6
        self.window_box.children = [widgets.HTML(f"<b>{t('window_total')}</b>: € {total:+,.0f} {t('mln')}").add_class("whatif-window-total"), fig]
        self.status.value = ""
        return w

    def reset(self) -> None:
        """Back to the baseline's settings."""
        self._quiet = True
        try:
            for k, w in self.controls.items():
                w.value = self.engine.defaults[k]
        finally:
            self._quiet = False
        self.refresh()

    def save_scenario(self, path: str | Path | None = None) -> Path:
        """Write the current settings as a scenario file (for ``simlib compare``)."""
        path = Path(path) if path else self.out_dir / f"whatif-{self.engine.year}.yaml"
        write_text_atomic(path, scenario_yaml(self.settings, self.engine.year, self.engine.baseline))
        self.status.value = f"<span style='font-size:11px'>{path}</span>"
        return path

    def export(self, directory: str | Path | None = None, formats: tuple[str, ...] = ("html", "png")) -> list[Path]:
        """The three figures (HTML and PNG) and the decile table (CSV and Excel) for a briefing."""
        from simlib.face.export import save_figure, save_table

        d = Path(directory) if directory else self.out_dir
        files = []
        for name, fig in self.figures.items():
            files += save_figure(go.Figure(fig), d / f"whatif-{name}", formats)
        files += save_table(self.answer["by_decile"], d / "whatif-by-decile")
        self.status.value = f"<span style='font-size:11px'>{len(files)} files in {d}</span>"
        return files

    def _ipython_display_(self) -> None:
        display(self.widget)
        # voila draws a FigureWidget's layout only after an update: send it once more after display
        for fig in self.figures.values():
            with fig.batch_update():
                fig.layout.title.text = fig.layout.title.text + " "
                fig.layout.height = fig.layout.height
