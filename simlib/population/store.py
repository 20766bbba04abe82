"""Population files: parquet tables plus a meta.json with row counts and checksums.

A population is a directory with ``persons.parquet``, ``households.parquet``, ``relations.parquet`` and
``meta.json``. References between persons (spouse, parents, ...) are stored as person ids and turned into row
numbers on load. Loading checks the schema (columns, types, ranges) and referential integrity and reports every
violation; the checksums in meta.json catch a truncated or hand-edited table. Files are written atomically.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from simlib.engine.io import output_folder, write_text_atomic
from simlib.engine.memory import for_population, release_freed_memory
from simlib.engine.model import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, RELATION_COLUMNS, Population
from simlib.engine.threads import parallel_map
from simlib.errors import InputError

REFERENCES = ("spouse", "cohabitant", "pension_partner", "partner_last_year", "parent1", "parent2")
FORMAT_VERSION = 1
FILES = {"persons.parquet", "households.parquet", "relations.parquet", "meta.json"}
COLUMNS_PER_READ = 6  # columns read from parquet together: parallel enough, and a low peak of memory


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_population(pop: Population, directory: str | Path) -> None:
    """Write the population to ``directory``: whole, or not at all (the previous folder stays as it was)."""
    directory = Path(directory)
    release_freed_memory()  # Arrow's buffers come from its own pool: the heap's free memory would only add to the peak
    P = dict(pop.persons)
    pid = P["person_id"]
    for col in REFERENCES:
        ref = P[col]
        P[col] = np.where(ref >= 0, pid[np.maximum(ref, 0)], -1)
    P["household"] = pop.households["household_id"][P["household"]]
    R = dict(pop.relations)
    for col in ("rel_a", "rel_b"):
        R[col] = pid[R[col]] if len(R[col]) else R[col]
    tables = {"persons": P, "households": pop.households, "relations": R}
    meta = dict(pop.meta)
    meta.update({"format_version": FORMAT_VERSION, "year": pop.year, "tables": {}})

    def write(folder: Path, name: str) -> dict:
        table = pa.table({k: pa.array(v) for k, v in tables[name].items()})
        path = folder / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd", use_dictionary=_few_values(table))
        return {"rows": table.num_rows, "sha256": _sha256(path)}

    # written into a new folder beside the target and moved into place whole (engine.io.output_folder)
    with output_folder(directory, FILES) as folder:
        # the persons on one thread, the households and relations on another (pyarrow releases the interpreter lock)
        groups = (("persons",), ("households", "relations"))
        for names, infos in zip(groups, parallel_map(lambda names: [write(folder, name) for name in names], groups)):
            meta["tables"].update(zip(names, infos))
        write_text_atomic(folder / "meta.json", json.dumps(meta, indent=2, sort_keys=True, default=_json_default) + "\n")


def _few_values(table: pa.Table) -> list[str]:
    """The columns worth a dictionary: small integers (ages, months, codes). For the others (amounts, ids, draws)
    building a dictionary that overflows costs a quarter of the writing time and saves nothing."""
    return [f.name for f in table.schema if f.type in (pa.int8(), pa.int16())]


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    raise TypeError(type(o).__name__)


def _read_table(directory: Path, name: str, spec: dict, problems: list[str]) -> dict[str, np.ndarray]:
    """The columns of one table, read a few columns at a time (a whole-country table read at once needs its
    decompressed pages and its columns in memory together: 2.5 GB more at the peak, and it is slower)."""
    path = directory / f"{name}.parquet"
    try:
        pf = pq.ParquetFile(path)
        present = set(pf.schema_arrow.names)
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return {}
    except Exception as exc:  # pyarrow raises several kinds for damaged files
        problems.append(f"{path}: not a readable parquet file ({type(exc).__name__}: {exc})")
        return {}
    wanted = [col for col in spec if col in present]
    for col, (_, default, _) in spec.items():
        if col not in present and default is None:
            problems.append(f"{path}: column {col!r} is missing")
    arrays = {}
    for i in range(0, len(wanted), COLUMNS_PER_READ):
        group = wanted[i : i + COLUMNS_PER_READ]
        try:
            part = pf.read(columns=group)
        except Exception as exc:  # a damaged column chunk
            problems.append(f"{path}: columns {', '.join(group)} are not readable ({type(exc).__name__}: {exc})")
            continue
        arrays.update((col, part.column(col).to_numpy(zero_copy_only=False)) for col in group)
        del part
    cols = {}
    for col, arr in arrays.items():
        dtype = spec[col][0]
        if arr.dtype == object:
            problems.append(f"{path}: column {col!r} has missing or non-numeric values")
            continue
        target = np.dtype(dtype)
        if target.kind == "b" and arr.dtype.kind != "b":
            problems.append(f"{path}: column {col!r} must be true/false, found {arr.dtype}")
            continue
        if target.kind in "iu" and arr.dtype.kind == "f":
            problems.append(f"{path}: column {col!r} must hold whole numbers, found {arr.dtype}")
            continue
        if col in REFERENCES or col in ("household", "rel_a", "rel_b"):
            target = np.dtype("int64")  # ids on disk; turned into (int32) row numbers after the id check
        cols[col] = arr.astype(target, copy=False)
    unknown = present - set(spec)
    if unknown:
        problems.append(f"{path}: unknown columns {', '.join(sorted(unknown))}")
    return cols


def load_population(directory: str | Path) -> Population:
    """Load and check a population directory; raises InputError listing every violation found."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: population directory not found")
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{directory / 'meta.json'}: file not found (not a population directory?)") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{directory / 'meta.json'}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    for_population(int(meta.get("households", 0)))  # a whole country: keep freed memory for reuse (simlib.engine.memory)
    problems: list[str] = []
    for name, info in meta.get("tables", {}).items():
        path = directory / f"{name}.parquet"
        if path.exists() and _sha256(path) != info.get("sha256"):
            problems.append(f"{path}: checksum differs from meta.json (the file was changed or truncated after it was written)")
    P = _read_table(directory, "persons", PERSON_COLUMNS, problems)
    H = _read_table(directory, "households", HOUSEHOLD_COLUMNS, problems)
    R = _read_table(directory, "relations", RELATION_COLUMNS, problems)
    if problems:
        raise InputError(f"{directory}: invalid population: " + "; ".join(problems))
    problems += _check_ids(P, H, R)
    if problems:
        raise InputError(f"{directory}: invalid population: " + "; ".join(problems))
    pa.default_memory_pool().release_unused()  # Arrow's pool keeps the freed read buffers otherwise (2.5 GB for the country)
    year = int(meta.get("year", 0))
    meta.pop("tables", None)
    meta["path"] = str(directory)
    try:
        pop = Population.from_columns(year, P, H, R, meta).freeze()
    except InputError as exc:
        raise InputError(f"{directory}: invalid population: {exc}") from None
    del P, H, R
    release_freed_memory()  # the read's buffers: kept, they would not serve the runs (whole country: 1.5 GB)
    return pop


def _strictly_increasing(a: np.ndarray) -> bool:
    return len(a) < 2 or bool(np.all(a[1:] > a[:-1]))


def _check_ids(P, H, R) -> list[str]:
    """Turn person and household ids into row numbers in place; return the problems found."""
    problems = []
    hid = H["household_id"]
    if not _strictly_increasing(hid) and len(np.unique(hid)) != len(hid):
        problems.append("households.household_id: ids are not unique")
    if _consecutive(hid):  # ids base, base+1, ...: the row is the id minus the base (no search)
        rows = P["household"] - (hid[0] if len(hid) else 0)
        ok = len(hid) > 0 and bool(((rows >= 0) & (rows < len(hid))).all()) if len(P["household"]) else True
        if not ok:
            bad = int(np.sum((rows < 0) | (rows >= len(hid))))
            problems.append(f"persons.household: {bad} persons refer to a household id that does not exist")
            return problems
        P["household"] = rows
        return problems + _person_rows(P, R)
    order = np.arange(len(hid)) if _strictly_increasing(hid) else np.argsort(hid, kind="stable")
    pos = np.searchsorted(hid[order], P["household"])
    pos = np.clip(pos, 0, max(len(hid) - 1, 0))
    ok = len(hid) > 0 and np.all(hid[order][pos] == P["household"])
    if not ok:
        bad = int(np.sum(hid[order][pos] != P["household"])) if len(hid) else len(P["household"])
        problems.append(f"persons.household: {bad} persons refer to a household id that does not exist")
        return problems
    P["household"] = order[pos]
    return problems + _person_rows(P, R)


def _consecutive(ids: np.ndarray) -> bool:
    return len(ids) == 0 or bool(ids[-1] - ids[0] == len(ids) - 1 and _strictly_increasing(ids))


def _person_rows(P, R) -> list[str]:
    """Turn person-id references into row numbers in place; return the problems found."""
    problems: list[str] = []
    pid = P["person_id"]
    if _consecutive(pid):  # the row of an id is the id minus the base
        base, n = (int(pid[0]) if len(pid) else 0), len(pid)

        def rows_of(ids):
            rows = ids - base
            bad = (rows < 0) | (rows >= n)
            missing = bad & (ids >= 0)
            rows[bad] = -1
            return rows, missing
    else:
        increasing = _strictly_increasing(pid)
        if not increasing and len(np.unique(pid)) != len(pid):
            return ["persons.person_id: ids are not unique"]
        porder = np.arange(len(pid)) if increasing else np.argsort(pid, kind="stable")
        spid = pid[porder]

        def rows_of(ids):
            has = ids >= 0
            p = np.clip(np.searchsorted(spid, ids), 0, max(len(spid) - 1, 0))
            found = has & (spid[p] == ids)
            return np.where(found, porder[p], -1), has & ~found

    def to_rows(ids, label):
        rows, missing = rows_of(ids)
        if missing.any():
            problems.append(f"{label}: {int(missing.sum())} references to a person id that does not exist")
        return rows

    for col in REFERENCES:
        P[col] = to_rows(P[col], f"persons.{col}")
    if len(R.get("rel_a", [])):
        R["rel_a"] = to_rows(R["rel_a"], "relations.rel_a")
        R["rel_b"] = to_rows(R["rel_b"], "relations.rel_b")
    return problems
