"""The notebook suite: paired with its text form, free of outputs, and every notebook runs top to bottom."""

import json
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
papermill = pytest.importorskip("papermill")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = ["00_index", "01_baseline_en_kalibratie", "02_voorstellen_vergelijken", "03_terugvorderingen",
            "04_uitvoeringstoets", "05_what_if", "06_huishouden"]


def cells(nb):
    return [(c["cell_type"], "".join(c["source"]).strip(), tuple(c.get("metadata", {}).get("tags", []))) for c in nb["cells"]]


def test_the_suite_is_complete_and_in_order():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_clean_and_paired(name):
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"  # no "select kernel" dialog in JupyterLab
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            assert not c["outputs"] and c["execution_count"] is None, f"{name}: outputs are committed"
    text = jupytext.read(NOTEBOOKS / "src" / f"{name}.py")
    assert cells(text) == cells(nb), f"{name}.ipynb and src/{name}.py differ: run jupytext --sync notebooks/src/{name}.py"
    if name != "00_index":
        assert ("parameters",) in [c[2] for c in cells(nb)], f"{name}: no cell tagged 'parameters'"


@pytest.mark.parametrize("name", [n for n in EXPECTED if n != "00_index"])
def test_notebook_runs(name, tmp_path):
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters={"OUT": str(tmp_path / "exports")},
                               cwd=str(NOTEBOOKS), kernel_name="python3", execution_timeout=900, progress_bar=False)
    nb = json.loads(out.read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    if name != "05_what_if":  # the panel exports on a button
        assert any((tmp_path / "exports").iterdir()), "the notebook exported nothing"
    assert_exported_html_shows_every_figure(nb, name)


def assert_exported_html_shows_every_figure(nb: dict, name: str) -> None:
    """The executed notebook converted to HTML (nbconvert, as a briefing is sent) draws every plotly figure: each
    figure output also carries HTML, and plotly.js is in the page (no network needed)."""
    nbconvert = pytest.importorskip("nbconvert")
    import nbformat

    figures = sum("application/vnd.plotly.v1+json" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    html, _ = nbconvert.HTMLExporter(template_name="lab").from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))
    drawn = html.count('class="plotly-graph-div"')
    assert drawn == figures, f"{name}: {figures} figures in the notebook, {drawn} drawn in its HTML export"
    if figures:
        assert "plotly.js v" in html or "Plotly=" in html or "window.Plotly" in html, f"{name}: plotly.js is not in the HTML export"
