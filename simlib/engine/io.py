"""Output that is whole or absent.

- One file: written to a temporary file beside it (``.NAME.incomplete-XXXX``), then renamed over the target, so a
  reader never sees a partly written file. A target that exists and is not a regular file (a device such as
  ``/dev/null``, a FIFO, a directory) is refused: renaming over it would replace it.
- A run's folder: :func:`output_folder` writes every file into a new folder beside the target
  (``.NAME.incomplete-XXXX``) and, once all are written, puts a manifest (:data:`MANIFEST`: each file's SHA-256) in
  it and exchanges it with the target in one atomic step (``renameat2(RENAME_EXCHANGE)``; where the system lacks it,
  two renames). A killed run leaves the previous folder as it was, or no folder, never a mix of two runs or a
  folder that looks complete; what it leaves beside the target is named ``.NAME.incomplete-*`` or
  ``.NAME.replaced-*`` and removed by the next run into the same target. An existing folder is only replaced when
  it is empty, holds a manifest (an earlier run) or only files the command itself writes: ``--out ~/Documents``
  is refused, not emptied.
- JSON is strict (no NaN or Infinity) and CSV tables hold no infinities (a missing value is an empty cell): a
  non-finite value is an error naming the file and the field, and nothing is written.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import math
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from simlib.errors import InputError, SimlibError
from simlib.inputs import show

MANIFEST = ".simlib-manifest.json"
INCOMPLETE, REPLACED = "incomplete", "replaced"


def _check_target_file(path: Path) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{show(path)}: cannot write ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise InputError(f"{show(path)}: exists and is {kind}; give the path of a file to write")


def _mkdir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"{show(directory)}: exists and is not a directory") from None
    except OSError as exc:
        raise InputError(f"{show(directory)}: cannot create the output directory ({exc.strerror})") from None


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` and move the result to ``path`` atomically."""
    path = Path(path)
    _check_target_file(path)
    _mkdir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{INCOMPLETE}-", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{show(path.parent)}: cannot write ({exc.strerror})") from None
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # a normal file mode, not mkstemp's private 0600
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


# --- strict JSON and finite tables ----------------------------------------------------------------------------------

def _non_finite(obj: Any, path: str = "") -> tuple[str, Any] | None:
    """The first (field, value) in ``obj`` that is not a finite number, or None."""
    stack = [(path, obj)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((f"{where}.{k}" if where else str(k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, (list, tuple)):
            stack.extend((f"{where}[{i}]", v) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, np.ndarray) and node.dtype.kind in "fc" and not np.isfinite(node).all():
            i = int(np.flatnonzero(~np.isfinite(node.ravel()))[0])
            return f"{where}[{i}]", node.ravel()[i]
        elif isinstance(node, (float, np.floating)) and not math.isfinite(float(node)):
            return where or "(top level)", node
    return None


def to_json(obj: Any, where: str, **kwargs) -> str:
    """Strict JSON text of ``obj``; a SimlibError naming ``where`` and the field if a number is not finite."""
    try:
        return json.dumps(obj, allow_nan=False, **kwargs) + "\n"
    except ValueError:
        bad = _non_finite(obj) or ("a value", "not finite")
        raise SimlibError(f"{where}: {bad[0]} is {bad[1]}, not a finite number; nothing was written "
                          "(check the scenario's parameters)") from None


def write_json_atomic(path: Path, obj: Any, **kwargs) -> None:
    """Write ``obj`` as strict JSON to ``path`` atomically."""
    write_text_atomic(path, to_json(obj, show(path), **kwargs))


def check_finite_table(df, where: str) -> None:
    """A SimlibError naming the file, column and row if a numeric cell of ``df`` is infinite. A missing value
    (NaN, e.g. the recipients of the 'total' row) is written as an empty cell, which every CSV reader reads as
    missing; an infinity would be written as 'inf', which is not a number."""
    for name in df.columns:
        col = df[name]
        if col.dtype.kind in "fc":
            bad = np.isinf(col.to_numpy(dtype=float, na_value=np.nan))
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise SimlibError(f"{where}: column {name}, row {row + 1} is {col.iloc[row]}, not a finite number; "
                                  "nothing was written (check the scenario's parameters)")


def write_csv_atomic(path: Path, df, **kwargs) -> None:
    """Write the table ``df`` as CSV to ``path`` atomically, after checking that every number is finite."""
    check_finite_table(df, show(path))
    write_atomic(path, lambda tmp: df.to_csv(tmp, **kwargs))


# --- a run's folder -------------------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> SHA-256), the manifest and hidden leftovers excluded."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel != MANIFEST and not any(part.startswith(".") for part in Path(rel).parts):
            out[rel] = _sha256(p)
    return out


def is_complete(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest and exactly the files it lists, unchanged."""
    try:
        listed = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return listed == manifest(Path(folder))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _clean_leftovers(target: Path) -> None:
    for kind in (INCOMPLETE, REPLACED):
        for p in target.parent.glob(f".{target.name}.{kind}-*"):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


def check_output_folder(target: Path, owns: Iterable[str]) -> None:
    """Refuse ``target`` as a run's output folder (see :func:`output_folder`) before any work is done."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{show(target)}: cannot write ({exc.strerror})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(f"{show(target)}: exists and is not a folder; give a folder for the output")
    entries = {p.name for p in target.iterdir()}
    if not entries or MANIFEST in entries or entries <= set(owns):
        return
    strange = sorted(entries - set(owns))[:3]
    raise InputError(f"{show(target)}: the folder holds files this command did not write ({', '.join(strange)}); "
                     "give a new or empty folder, or the folder of an earlier run")


@contextlib.contextmanager
def output_folder(target: str | Path, owns: Iterable[str] = ()) -> Iterator[Path]:
    """A new folder beside ``target`` to write a run into; moved into place whole when the block ends without an
    error (see the module's docstring). ``owns``: the names the command writes at the folder's top level."""
    target = Path(target)
    owns = set(owns)
    check_output_folder(target, owns)
    _mkdir(target.parent)
    _clean_leftovers(target)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{INCOMPLETE}-", dir=target.parent))
    except OSError as exc:
        raise InputError(f"{show(target.parent)}: cannot write ({exc.strerror})") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        yield tmp
        text = json.dumps({"files": manifest(tmp)}, indent=1, sort_keys=True) + "\n"
        (tmp / MANIFEST).write_text(text, encoding="utf-8")
        if target.exists() and _exchange(tmp, target):
            shutil.rmtree(tmp)  # now the previous run's folder
            return
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{REPLACED}-", dir=target.parent))
            os.replace(target, old)  # an empty directory is replaced by rename
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
