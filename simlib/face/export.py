"""Export figures and tables for a briefing: PNG and standalone HTML, CSV and Excel, all written atomically.

PNG export uses kaleido with the system's Chromium (Debian ``chromium``; kaleido finds it on the PATH or through
``BROWSER_PATH``), offline: MathJax is switched off and one kaleido server is started on first use and reused.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from simlib.engine.io import write_atomic
from simlib.errors import InputError

_SERVER = False


def _browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def png_available() -> bool:
    """Whether PNG export can run here (kaleido needs a Chromium)."""
    return _browser() is not None


def briefing_formats() -> tuple[str, ...]:
    """HTML always, PNG too where a Chromium is installed."""
    return ("html", "png") if png_available() else ("html",)


def _start_kaleido() -> None:
    global _SERVER
    if _SERVER:
        return
    browser = _browser()
    if browser is None:
        raise InputError("PNG export needs Chromium (Debian: apt install chromium); HTML export works without it")
    import os

    import kaleido

    os.environ.setdefault("BROWSER_PATH", browser)
    pio.defaults.mathjax = None
    kaleido.start_sync_server(silence_warnings=True)
    _SERVER = True


def save_figure(fig: go.Figure, path: str | Path, formats: tuple[str, ...] = ("html", "png"), scale: float = 2.0) -> list[Path]:
    """Write ``fig`` as ``path.html`` (standalone, plotly.js inline) and ``path.png``; returns the files written."""
    path = Path(path)
    out = []
    for fmt in formats:
        target = path.with_suffix(f".{fmt}")
        if fmt == "html":
            write_atomic(target, lambda tmp: fig.write_html(tmp, include_plotlyjs=True, full_html=True))
        elif fmt in ("png", "svg", "pdf"):
            _start_kaleido()
            width = fig.layout.width or 1000
            height = fig.layout.height or 500
            with warnings.catch_warnings():  # plotly warns that per-call options are ignored with a running server
                warnings.simplefilter("ignore", UserWarning)
                data = pio.to_image(fig, format=fmt, width=width, height=height, scale=scale)
            write_atomic(target, lambda tmp, d=data: Path(tmp).write_bytes(d))
        else:
            raise InputError(f"format: {fmt!r} is not one of html, png, svg, pdf")
        out.append(target)
    return out


def save_table(df: pd.DataFrame, path: str | Path, formats: tuple[str, ...] = ("csv", "xlsx")) -> list[Path]:
    """Write a table as CSV and Excel."""
    path = Path(path)
    out = []
    for fmt in formats:
        target = path.with_suffix(f".{fmt}")
        if fmt == "csv":
            write_atomic(target, lambda tmp: df.to_csv(tmp, index=False))
        elif fmt == "xlsx":
            write_atomic(target, lambda tmp: df.to_excel(tmp, index=False, engine="openpyxl"))
        else:
            raise InputError(f"format: {fmt!r} is not one of csv, xlsx")
        out.append(target)
    return out
