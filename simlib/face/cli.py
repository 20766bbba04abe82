"""Command line interface: ``simlib <command>``.

Every error on bad input is printed as one line on stderr with exit code 2; results go to stdout or to files
written atomically (temporary file, then rename).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from simlib.engine.io import (check_output_folder, output_folder, to_json, write_csv_atomic, write_json_atomic,
                              write_text_atomic)
from simlib.errors import InputError, SimlibError
from simlib.inputs import bounded_int, read_json, show
from simlib.parameters.loader import SUPPORTED_YEARS


def cmd_household(args) -> int:
    from simlib.engine.household import calculate_household

    data = read_json(args.file, "household file")
    result = calculate_household(data, explain=not args.brief)
    text = to_json(result, args.out or "stdout", indent=2, ensure_ascii=False)
    if args.out:
        write_text_atomic(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_parameters(args) -> int:
    from simlib.parameters.docs import render_markdown

    text = render_markdown()
    if args.out:
        write_text_atomic(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _population(args):
    from simlib.population.build import cached_population
    from simlib.population.store import load_population

    if getattr(args, "population", None):
        pop = load_population(args.population)
        if args.year is not None and args.year != pop.year:
            raise InputError(f"--year {args.year}: the population at {args.population} is for {pop.year}")
        return pop
    return cached_population(args.year or 2020, log=_log)


def cmd_population_build(args) -> int:
    from simlib.population.build import build_population
    from simlib.population.store import FILES, save_population

    check_output_folder(Path(args.out), FILES)  # a bad --out is refused before the build, not after it
    pop = build_population(args.year, args.households, args.seed, log=_log)
    save_population(pop, args.out)
    _log(f"wrote {args.out} ({pop.n_households:,} households, {pop.n_persons:,} persons)")
    return 0


def cmd_population_validate(args) -> int:
    from simlib.population.statistics import take_up_statistics
    from simlib.engine.simulate import simulate
    from simlib.population.validate import format_table, validation_table

    pop = _population(args)
    sim = simulate(pop)
    table = validation_table(sim)
    sys.stdout.write(format_table(table, take_up_statistics(sim)))
    if args.out:
        write_csv_atomic(Path(args.out), table, index=False)
    return 0


def cmd_run(args) -> int:
    """The main job: the baseline of the default population, its totals and the validation table."""
    from simlib.population.statistics import take_up_statistics
    from simlib.analysis.baseline import baseline_summary
    from simlib.engine.simulate import simulate
    from simlib.population.validate import format_table, validation_table

    pop = _population(args)
    sim = simulate(pop)
    summary = baseline_summary(sim)
    lines = [f"Baseline {sim.year}: {summary['households']:,.0f} households ({pop.n_households:,} in the sample)", ""]
    lines.append(f"{'allowance':22s} {'spending (EUR bn)':>18s} {'recipients':>12s} {'entitled':>12s} {'non-take-up':>12s}")
    for a, v in summary["allowances"].items():
        lines.append(f"{a:22s} {v['spending'] / 1e9:18.2f} {v['recipients']:12,.0f} {v['entitled']:12,.0f} {v['non_take_up']:12.1%}")
    lines.append("")
    text = "\n".join(lines) + "\n" + format_table(validation_table(sim), take_up_statistics(sim))
    sys.stdout.write(text)
    out = Path(args.out)
    summary_text = to_json(summary, f"{out}/summary.json", indent=2)
    with output_folder(out, {"summary.json", "validation.txt"}) as folder:
        write_text_atomic(folder / "summary.json", summary_text)
        write_text_atomic(folder / "validation.txt", text)
    _log(f"wrote {out / 'summary.json'} and {out / 'validation.txt'}")
    _log("next: open the notebook suite with  .venv/bin/jupyter lab notebooks/  (start with 00_index.ipynb)")
    return 0


def cmd_compare(args) -> int:
    from simlib.analysis.compare import compare
    from simlib.face.impact_report import write_comparison
    from simlib.parameters.scenario import load_scenario
    from simlib.population.store import load_population

    if args.projections is not None:
        from simlib.parameters.indexation import use_projections

        use_projections(args.projections)
    if args.years is not None or args.all:
        return _compare_window(args)
    if not args.scenario:
        raise InputError("compare: name a scenario file (or give --all --years 2026-2030)")
    reform = load_scenario(args.scenario)
    baseline = load_scenario(args.baseline) if args.baseline else None
    pop = load_population(args.population) if args.population else None
    result = compare(reform, baseline, pop, year=args.year, seeds=args.seeds, repayment_seeds=args.repayment_runs, log=_log)
    write_comparison(result, args.out)
    s = result.summary
    print(f"{s['reform']['name']} vs {s['baseline']['name']} ({s['year']}):")
    seeds = s.get("interval", {}).get("seeds")
    print(f"  headline numbers{f' (range over {seeds} population seeds)' if seeds else ''}, beside the published estimate:")
    for line in _headline_lines(s.get("validation", {})):
        print("    " + line)
    print(f"  partner changes {s['partner_changes']['households']:,.0f} households")
    if "koopkracht" in s:
        kk, low = s["koopkracht"], s["low_income"]
        print(f"  koopkracht: median {kk['median'] * 100:+.2f}% (p10 {kk['p10'] * 100:+.2f}%, p90 {kk['p90'] * 100:+.2f}%), "
              f"{kk['better_off']:,.0f} households better off, {kk['worse_off']:,.0f} worse off (0.5% or more)")
        print(f"  below the low-income line ({low['line_source']}): {low['households_baseline']:,.0f} -> "
              f"{low['households_reform']:,.0f} households ({low['households_change']:+,.0f})")
    if s.get("marginale_druk"):
        md = s["marginale_druk"]
        print("  workers with marginale druk above 60 / 80 / 100%: "
              + " / ".join(f"{md['baseline'][f'share_above_{p}'] * 100:.1f}% -> {md['reform'][f'share_above_{p}'] * 100:.1f}%" for p in (60, 80, 100)))
    if s.get("behaviour"):
        b = s["behaviour"]
        print(f"  spending with behavioural take-up € {b['behavioural_cost'] / 1e6:+,.1f} mln (static € {b['static_cost'] / 1e6:+,.1f} mln; "
              f"of which the take-up response to the repayment risk € {b['take_up_response'] / 1e6:+,.1f} mln)")
    if s.get("labour_supply"):
        ls = s["labour_supply"]
        print(f"  labour supply of parents: hours {ls['hours_change']:+.1%} ({ls['start_work']:,.0f} start working); tax and premiums "
              f"€ {ls['tax_change'] / 1e6:+,.0f} mln, allowances € {ls['allowances_change'] / 1e6:+,.0f} mln: net cost "
              f"€ {ls['net_cost'] / 1e6:+,.0f} mln (static € {ls['static_cost'] / 1e6:+,.0f} mln)")
    rp = s["repayments"]
    if rp.get("status") == "modelled":
        for key, label in (("count_ge_500", "repayments >= EUR 500"), ("problematic", "problematic repayments"), ("amount", "amount repaid (EUR mln)")):
            scale = 1e6 if key == "amount" else 1
            print(f"  {label:24s} {rp['baseline'][key] / scale:12,.0f} -> {rp['reform'][key] / scale:12,.0f} ({rp['change'][key] / scale:+,.0f})")
    _log(f"wrote {args.out}/summary.json, report.html and the tables")
    return 0


def _compare_window(args) -> int:
    """``compare --years``: the budget window of one proposal, or with ``--all`` of every shipped proposal."""
    from simlib.analysis.window import WINDOW, budget_window, parse_years, window_all, window_overview
    from simlib.face.window_report import window_lines, write_window, write_windows
    from simlib.parameters.scenario import load_scenario

    years = parse_years(args.years) if args.years is not None else list(WINDOW)
    if args.population or args.seeds:
        raise InputError("compare --years: each year uses the default population of that year; --population and --seeds do not apply")
    if args.all:
        if args.scenario:
            raise InputError("compare --all: give either a scenario or --all, not both")
        windows = window_all(years=years, repayment_seeds=args.repayment_runs, log=_log)
        write_windows(windows, args.out)
        print(window_overview(windows).to_string(index=False, float_format=lambda x: f"{x:,.0f}"))
        _log(f"wrote {args.out}/overview.csv and a folder per proposal")
        return 0
    if not args.scenario:
        raise InputError("compare --years: name a scenario file (or give --all)")
    baseline = load_scenario(args.baseline) if args.baseline else None
    w = budget_window(load_scenario(args.scenario), years, baseline, repayment_seeds=args.repayment_runs, log=_log)
    write_window(w, args.out)
    print(f"{w.scenario['name']}, {years[0]}-{years[-1]} (EUR mln; households):")
    for line in window_lines(w):
        print("  " + line)
    for n in w.notes:
        print("  " + n)
    _log(f"wrote {args.out}/window.json, window.csv and report.html")
    return 0


HEADLINE_LABELS = {"cost": "spending change", "winners": "winners", "losers": "losers", "newly_entitled": "newly entitled"}


def _headline_lines(validation: dict) -> list[str]:
    """One line per headline number that is not zero: the value, its range over the population seeds and its
    validation status (compare's summary.json 'validation')."""
    lines = []
    for measure, v in validation.items():
        low, high = v.get("interval") or (None, None)
        if not (v["model"] or low or high):
            continue
        kind, _, allowance = measure.partition(".")
        label = HEADLINE_LABELS[kind] + (f" {allowance}" if allowance and allowance != "total" else "")
        money = kind == "cost"
        fmt = (lambda x: f"€ {x / 1e6:+,.1f} mln") if money else (lambda x: f"{x:,.0f}")
        status = v["status"]
        if "published" in v:
            status = f"published {fmt(v['published'])} ({v['deviation']:+.0%}): {status}{' (tuned)' if v.get('tuned') else ''}"
        interval = f"[{fmt(low)} .. {fmt(high)}]" if low is not None else "(no seed interval)"
        lines.append(f"{label:34s} {fmt(v['model']):>16s}  {interval}  {status}")
    return lines


def cmd_validate_proposals(args) -> int:
    from simlib.analysis.validation import render_markdown, validate

    table = validate(n_households=args.households, seeds=args.seeds, log=_log)
    for r in table.itertuples():
        verdict = "not comparable" if not r.comparable else ("within 15%" if r.within_15pct else "OUTSIDE 15%")
        print(f"{r.id:44s} {r.year}  published {r.published:>14,.2f}  model {r.model:>14,.2f}  {r.deviation:+7.1%}  {verdict}{' (tuned)' if r.tuned else ''}")
    if args.out:
        write_text_atomic(Path(args.out), render_markdown(table, args.households or 100_000, args.seeds) + "\n")
        _log(f"wrote {args.out}")
    return 0


def _date(text: str):
    from datetime import date

    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {show(text)}") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise argparse.ArgumentTypeError(f"{value} is outside the allowed range {EARLIEST_DATE} to {LATEST_DATE}")
    return value


def _scheduler(text: str) -> str:
    """A dask scheduler address: tcp://host:port (or tls://, ws://, wss://, inproc://)."""
    if not SCHEDULER_ADDRESS.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{show(text)} is not a scheduler address such as tcp://10.0.0.5:8786")
    return text


def cmd_complexity(args) -> int:
    from simlib.analysis.complexity import assess_all, load_thresholds
    from simlib.face.complexity_report import md_table, overview, write_report
    from simlib.parameters.scenario import load_scenario
    from simlib.population.store import load_population

    if args.all == bool(args.scenario):
        raise SimlibError("complexity: give one or more scenario files, or --all for every shipped proposal")
    baseline = load_scenario(args.baseline) if args.baseline else None
    results = assess_all(None if args.all else args.scenario, baseline,
                         load_population(args.population) if args.population else None, year=args.year,
                         thresholds=load_thresholds(args.thresholds), decision_date=args.decision_date,
                         repayment_seeds=args.repayment_runs, log=_log)
    out = Path(args.out)
    owns = {"report.md", "report.html", "complexity.json", "overview.md", "overview.csv", *results}
    with output_folder(out, owns) as folder:
        for key, a in results.items():
            write_report(a, folder / key if len(results) > 1 else folder)
            print(f"{key} ({a.year}): " + ", ".join(f"{r['label']}: {r['rating']}" for r in a.box[:1] + a.box[-1:]))
        if len(results) > 1:
            table = overview(results)
            write_text_atomic(folder / "overview.md", "# Uitvoeringstoetsen (indicatief): overzicht\n\n" + md_table(table.reset_index(names="onderdeel")) + "\n")
            write_csv_atomic(folder / "overview.csv", table)
    _log(f"wrote report.md, report.html and complexity.json for {len(results)} scenario(s) to {out}")
    return 0


SWEEP_FILES = {"sweep.csv", "sweep.json"}


def cmd_sweep(args) -> int:
    import time

    from simlib.analysis.sweep import load_grid, run

    grid = load_grid(args.grid)
    out = Path(args.out)
    check_output_folder(out, SWEEP_FILES)  # a bad --out is refused before the work, not after it
    tasks = grid.tasks()
    where = "this process" if args.serial else (args.scheduler or f"a local cluster of {args.workers or 'all'} workers")
    _log(f"{grid.name}: {len(tasks)} tasks on {where}")
    t0 = time.perf_counter()
    table = run(grid, scheduler=args.scheduler, workers=args.workers, serial=args.serial, progress=not args.quiet)
    seconds = time.perf_counter() - t0
    meta = {"grid": grid.path, "grid_sha256": grid.sha256, "name": grid.name, "year": grid.year, "population": grid.population,
            "tasks": len(tasks), "where": where, "seconds": round(seconds, 2),
            "workers": int(table["worker_pid"].nunique()), "population_loads": int(table.groupby("worker_pid")["worker_loads"].max().sum())}
    with output_folder(out, SWEEP_FILES) as folder:
        write_csv_atomic(folder / "sweep.csv", table.drop(columns=["worker_pid", "worker_loads", "seconds"]), index=False)
        write_json_atomic(folder / "sweep.json", meta, indent=2)
    _log(f"wrote {out / 'sweep.csv'} ({len(table)} rows) in {seconds:.1f} s")
    return 0


YEAR = bounded_int(SUPPORTED_YEARS[0], SUPPORTED_YEARS[-1])
MAX_SEEDS = 32  # population seeds of an interval
MAX_RUNS = 20  # Monte Carlo runs of the year of repayments
MAX_WORKERS = 256
MAX_HOUSEHOLDS = 10_000_000  # the whole country is 8.4 million
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
SCHEDULER_ADDRESS = re.compile(r"(tcp|tls|ws|wss|inproc)://[A-Za-z0-9._\-\[\]:]+(:[0-9]{1,5})?")


class _Parser(argparse.ArgumentParser):
    """argparse with every error on one line: the command, the flag and what is allowed (exit code 2)."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="simlib", description="The toeslagen policy simulator.")
    sub = parser.add_subparsers(dest="command", required=True)

    h = sub.add_parser("household", help="allowances of one household (JSON file or - for stdin), with the explanation")
    h.add_argument("file", help="household JSON file, or - to read stdin")
    h.add_argument("--brief", action="store_true", help="only the annual and monthly amounts")
    h.add_argument("--out", help="write the result to this file instead of stdout")
    h.set_defaults(func=cmd_household)

    pa = sub.add_parser("parameters", help="the parameter reference (Markdown, generated from the YAML files)")
    pa.add_argument("--out", help="write to this file (e.g. docs/parameters.md)")
    pa.set_defaults(func=cmd_parameters)

    r = sub.add_parser("run", help="the main job: baseline of the default population with the validation table")
    r.add_argument("--year", type=YEAR, default=None, help="berekeningsjaar (default 2020, the calibration year)")
    r.add_argument("--population", help="population directory (default: the bundled one, or a cached build for other years)")
    r.add_argument("--out", default="out/baseline", help="output directory (default out/baseline)")
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("compare", help="cost, winners and losers of a scenario against a baseline")
    c.add_argument("scenario", nargs="?", help="scenario YAML file (or the name of one in scenarios/)")
    c.add_argument("--all", action="store_true", help="every shipped proposal (with --years: the budget window of each and overview.csv)")
    c.add_argument("--years", help="a budget window, e.g. 2026-2030: cost, winners, losers and repayments per year and in total")
    c.add_argument("--projections", help="projections file for the years after 2026 (default data/projections/cpb.yaml)")
    c.add_argument("--out", required=True, help="output directory (summary.json, tables, report.html)")
    c.add_argument("--baseline", help="baseline scenario (default: current law of the year)")
    c.add_argument("--population", help="population directory (default: the bundled or a cached one for the year)")
    c.add_argument("--year", type=YEAR, help="berekeningsjaar (default: the scenario's year)")
    c.add_argument("--seeds", type=bounded_int(0, MAX_SEEDS), default=None,
                   help="extra population seeds for the interval (default 4, none above 1,000,000 households; 0 = none)")
    c.add_argument("--repayment-runs", type=bounded_int(0, MAX_RUNS), default=3, help="Monte Carlo runs of the year's events for the repayments (default 3; 0 = skip)")
    c.set_defaults(func=cmd_compare)

    cx = sub.add_parser("complexity", help="an indicative uitvoeringstoets of a scenario: summary box and the indicators behind it")
    cx.add_argument("scenario", nargs="*", help="scenario YAML file(s) (or names in scenarios/)")
    cx.add_argument("--all", action="store_true", help="every shipped proposal (one directory each, plus overview.md)")
    cx.add_argument("--out", required=True, help="output directory (report.md, report.html, complexity.json)")
    cx.add_argument("--baseline", help="baseline scenario (default: current law of the year)")
    cx.add_argument("--population", help="population directory (default: the bundled or a cached one for the year)")
    cx.add_argument("--year", type=YEAR, help="berekeningsjaar (default: the scenario's year)")
    cx.add_argument("--thresholds", help="your own rating thresholds (same layout as simlib/analysis/complexity/thresholds.yaml)")
    cx.add_argument("--decision-date", type=_date, default=None, help="date of the decision, for the earliest start (default today)")
    cx.add_argument("--repayment-runs", type=bounded_int(0, MAX_RUNS), default=1, help="Monte Carlo runs of the year for the repayments (default 1)")
    cx.set_defaults(func=cmd_complexity)

    sw = sub.add_parser("sweep", help="scenarios x parameter grid x seeds against current law, on a Dask cluster")
    sw.add_argument("grid", help="grid YAML file (see simlib/sweep.py; example in scenarios/sweeps/)")
    sw.add_argument("--out", required=True, help="output directory (sweep.csv, sweep.json)")
    sw.add_argument("--scheduler", type=_scheduler, help="address of a dask scheduler (tcp://host:port); default a LocalCluster")
    sw.add_argument("--workers", type=bounded_int(1, MAX_WORKERS), help="workers of the LocalCluster (default: the processor count)")
    sw.add_argument("--serial", action="store_true", help="run in this process, without Dask")
    sw.add_argument("--quiet", action="store_true", help="no progress bar")
    sw.set_defaults(func=cmd_sweep)

    vp = sub.add_parser("validate-proposals", help="the model's figures beside the published estimates (docs/validation.md)")
    vp.add_argument("--out", help="write the Markdown report to this file (e.g. docs/validation.md)")
    vp.add_argument("--households", type=bounded_int(1_000, MAX_HOUSEHOLDS), default=None, help="households per population (default: the default population's size)")
    vp.add_argument("--seeds", type=bounded_int(1, MAX_SEEDS), default=5, help="populations (seeds) each figure is computed on (default 5)")
    vp.set_defaults(func=cmd_validate_proposals)

    po = sub.add_parser("population", help="build or validate a synthetic population")
    psub = po.add_subparsers(dest="population_command", required=True)
    b = psub.add_parser("build", help="generate and calibrate a population")
    b.add_argument("--year", type=YEAR, default=2020)
    b.add_argument("--households", type=bounded_int(1, MAX_HOUSEHOLDS), default=100_000, help="number of households in the sample (up to the whole country)")
    b.add_argument("--seed", type=bounded_int(0, 2**32 - 1), default=20200101)
    b.add_argument("--out", required=True, help="output directory")
    b.set_defaults(func=cmd_population_build)
    v = psub.add_parser("validate", help="the validation table: every target, its source, simulated value and deviation")
    v.add_argument("--year", type=YEAR, default=None)
    v.add_argument("--population", help="population directory (default: the bundled one)")
    v.add_argument("--out", help="also write the table as CSV")
    v.set_defaults(func=cmd_population_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SimlibError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
