"""Safe output files and resumable runs, for the ``skrecursive`` command and ``reproduce``.

* :func:`prepare_output_dir` and :func:`check_target` check, before any
  computation starts, that a folder can be written and that no target is a
  symbolic link or a folder.
* :func:`atomic_write` writes a file to a temporary file in the same folder
  and moves it into place with :func:`os.replace`: a reader (or a run
  interrupted at any moment) sees the old file or the new one, never a part.
  A target that is a symbolic link is refused, so a link planted in the output
  folder can never redirect a write; ``os.replace`` renames over the directory
  entry itself, so even a link planted between the check and the move is
  replaced, not followed.
* :class:`Checkpoint` keeps the results of the completed tasks of a long run
  (one ``.npz`` file per task, never a pickle) with a manifest of the run's
  parameters and library versions, so an interrupted run can be continued
  where it stopped, to bit-identical results.
"""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from dataclasses import fields, is_dataclass

import numpy as np

__all__ = [
    "OutputError",
    "prepare_output_dir",
    "check_target",
    "atomic_write",
    "deferred_interrupt",
    "Checkpoint",
    "MISSING",
]

#: name of the folder, inside the output folder, that holds a run's checkpoint
CHECKPOINT_DIR = ".skrecursive-checkpoint"
_PART_SUFFIX = ".part"


class OutputError(OSError):
    """An output folder or file cannot be written safely; the message names the path."""


def prepare_output_dir(path):
    """Create ``path`` if needed and check that files can be created in it.

    Returns the path. Raises :class:`OutputError` naming it otherwise.
    """
    try:
        os.makedirs(path, exist_ok=True)
        if not os.path.isdir(path):
            raise NotADirectoryError(20, "Not a directory")
        fd, probe = tempfile.mkstemp(dir=path, prefix=".skrecursive-probe.",
                                     suffix=_PART_SUFFIX)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(
            f"the output folder {path!r} is not a writable directory ({reason})") from None
    return path


def check_target(path):
    """Refuse a target that is a symbolic link or a folder (:class:`OutputError`)."""
    if os.path.islink(path):
        raise OutputError(
            f"refusing to write {path!r}: it is a symbolic link (remove it, or choose "
            "another output folder); outputs are never written through links"
        )
    if os.path.isdir(path):
        raise OutputError(f"cannot write {path!r}: it is a folder")


@contextlib.contextmanager
def deferred_interrupt():
    """Hold back Ctrl-C (SIGINT) during a short critical section, then deliver it.

    A no-op outside the main thread, where Python does not deliver signals.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    except ValueError:  # not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path, mode="w"):
    """Open a temporary file beside ``path``; move it onto ``path`` when the block succeeds.

    Parameters
    ----------
    path : str or path-like
        The file to (re)place. A symbolic link or a folder at ``path`` is
        refused with :class:`OutputError`.
    mode : {"w", "wb"}, default="w"
        Text (``newline=""``: what is written is what lands) or binary.

    Yields
    ------
    file object
        Written in full, flushed and synced to disk before the move. On any
        exception (``KeyboardInterrupt`` included) the temporary file is
        removed and ``path`` is left as it was.
    """
    path = os.fspath(path)
    check_target(path)
    folder, name = os.path.split(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=_PART_SUFFIX)
    except OSError as exc:
        raise OutputError(f"cannot write {path!r}: {exc.strerror or exc}") from None
    try:
        kwargs = {} if "b" in mode else {"newline": "", "encoding": "utf-8"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        with deferred_interrupt():
            check_target(path)
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------- checkpoints

#: returned by :meth:`Checkpoint.get` for a task not completed yet
MISSING = object()


def _feed(h, obj):
    """Feed a canonical description of ``obj`` to the hash ``h`` (arrays by content)."""
    if obj is None or isinstance(obj, (bool, int, str)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, float):
        h.update(f"float:{obj.hex()};".encode())
    elif isinstance(obj, np.ndarray):
        arr = np.ascontiguousarray(obj)
        h.update(f"ndarray:{arr.dtype.str}:{arr.shape};".encode())
        h.update(arr.tobytes() if arr.dtype.kind != "O" else repr(arr.tolist()).encode())
    elif isinstance(obj, np.generic):
        _feed(h, np.asarray(obj))
    elif isinstance(obj, np.random.SeedSequence):
        h.update(b"SeedSequence:")
        _feed(h, (obj.entropy, tuple(obj.spawn_key), obj.pool_size))
    elif isinstance(obj, (list, tuple)):
        h.update(f"{type(obj).__name__}[{len(obj)}]:".encode())
        for item in obj:
            _feed(h, item)
    elif isinstance(obj, dict):
        h.update(f"dict[{len(obj)}]:".encode())
        for key in sorted(obj, key=repr):
            _feed(h, key)
            _feed(h, obj[key])
    elif is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"{type(obj).__module__}.{type(obj).__qualname__}:".encode())
        _feed(h, {f.name: getattr(obj, f.name) for f in fields(obj)})
    elif callable(obj) and hasattr(obj, "__qualname__"):
        h.update(f"callable:{obj.__module__}.{obj.__qualname__};".encode())
    else:
        raise TypeError(f"cannot describe a task argument of type {type(obj).__name__}")


def task_key(fn, args, kwargs):
    """A key identifying one task by its function and the content of its arguments."""
    h = hashlib.sha256()
    _feed(h, (fn, tuple(args), dict(kwargs)))
    return h.hexdigest()


def _encode(obj, arrays):
    """A JSON-able structure of ``obj``, its arrays (and numpy scalars) moved to ``arrays``."""
    if isinstance(obj, (np.ndarray, np.generic)):
        arr = np.asarray(obj)
        if arr.dtype.kind == "O":
            raise TypeError("object arrays cannot be checkpointed")
        key = f"a{len(arrays)}"
        arrays[key] = arr
        return {"array": key, "scalar": isinstance(obj, np.generic)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"value": obj}
    if isinstance(obj, (list, tuple)):
        return {type(obj).__name__: [_encode(item, arrays) for item in obj]}
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        return {"dict": [[k, _encode(v, arrays)] for k, v in obj.items()]}
    raise TypeError(f"a task result of type {type(obj).__name__} cannot be checkpointed")


def _decode(node, arrays):
    if "array" in node:
        arr = arrays[node["array"]]
        return arr[()] if node["scalar"] else arr
    if "value" in node:
        return node["value"]
    if "list" in node:
        return [_decode(item, arrays) for item in node["list"]]
    if "tuple" in node:
        return tuple(_decode(item, arrays) for item in node["tuple"])
    return {k: _decode(v, arrays) for k, v in node["dict"]}


class CheckpointError(ValueError):
    """A checkpoint cannot be used (other parameters or versions, damaged file)."""


class Checkpoint:
    """Completed tasks of one run, kept in ``<folder>/.skrecursive-checkpoint``.

    Parameters
    ----------
    folder : str
        The run's output folder (already checked with :func:`prepare_output_dir`).
    manifest : dict
        JSON-able description of the run: its parameters and the library
        versions. A resumed run must have the same manifest.
    resume : bool
        Continue the checkpoint found in ``folder``. Without it, a checkpoint
        left by an interrupted run is refused (nothing is ever discarded
        silently); with it and no checkpoint, the run starts from scratch.

    Attributes
    ----------
    resumed : int
        Number of completed tasks found when the checkpoint was opened.
    """

    def __init__(self, folder, manifest, *, resume):
        self.path = os.path.join(folder, CHECKPOINT_DIR)
        self.manifest = json.loads(json.dumps(manifest))
        manifest_path = os.path.join(self.path, "manifest.json")
        if os.path.islink(self.path):
            raise OutputError(f"refusing to use {self.path!r}: it is a symbolic link")
        if os.path.lexists(self.path) and not os.path.isdir(self.path):
            raise CheckpointError(
                f"{self.path!r} is not a checkpoint folder: remove it (or choose another "
                "output folder)"
            )
        exists = os.path.isdir(self.path)
        if exists and not resume:
            raise CheckpointError(
                f"{folder!r} holds an interrupted run ({CHECKPOINT_DIR}): add --resume to "
                f"continue it, or remove {self.path!r} (or choose another output folder) to "
                "start afresh"
            )
        if exists:
            try:
                with open(manifest_path, encoding="utf-8") as fh:
                    found = json.load(fh)
                if not isinstance(found, dict):
                    raise ValueError(f"a JSON {type(found).__name__}, not an object")
            except (OSError, ValueError) as exc:
                raise CheckpointError(
                    f"cannot resume: the checkpoint manifest {manifest_path!r} is unreadable "
                    f"({exc}); remove {self.path!r} to start afresh"
                ) from None
            differ = sorted(
                key for key in {*found, *self.manifest} if found.get(key) != self.manifest.get(key)
            )
            if differ:
                detail = "; ".join(
                    f"{key}: {found.get(key)!r} then, {self.manifest.get(key)!r} now"
                    for key in differ
                )
                raise CheckpointError(
                    f"cannot resume the run in {folder!r}: it was started with other "
                    f"parameters or library versions ({detail}); rerun with the same ones, or "
                    f"remove {self.path!r} to start afresh"
                )
            self._remove_parts()
        else:
            # built under a temporary name and renamed: an interrupt never leaves a
            # checkpoint without its manifest
            for name in os.listdir(folder):
                if name.startswith(f"{CHECKPOINT_DIR}.") and name.endswith(_PART_SUFFIX):
                    shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
            staging = tempfile.mkdtemp(dir=folder, prefix=f"{CHECKPOINT_DIR}.",
                                       suffix=_PART_SUFFIX)
            try:
                with atomic_write(os.path.join(staging, "manifest.json")) as fh:
                    json.dump(self.manifest, fh, indent=1, sort_keys=True)
                with deferred_interrupt():
                    os.rename(staging, self.path)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        self.resumed = sum(name.endswith(".npz") for name in os.listdir(self.path))

    def _remove_parts(self):
        # temporary files of a run killed without a chance to clean up
        for name in os.listdir(self.path):
            if name.startswith(".") and name.endswith(_PART_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.path, name))

    def _file(self, key):
        return os.path.join(self.path, f"{key}.npz")

    key = staticmethod(task_key)
    MISSING = MISSING

    def get(self, key):
        """The stored result of task ``key``, or :data:`MISSING`."""
        path = self._file(key)
        if not os.path.exists(path):
            return MISSING
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            structure = json.loads(str(arrays.pop("__structure__")))
            return _decode(structure, arrays)
        except Exception as exc:  # noqa: BLE001 - any damage gets the same message
            raise CheckpointError(
                f"cannot resume: the checkpoint file {path!r} is damaged ({exc}); remove it "
                "to recompute that task"
            ) from None

    def put(self, key, result):
        """Store the result of task ``key`` (atomically)."""
        arrays = {}
        structure = _encode(result, arrays)
        arrays["__structure__"] = np.asarray(json.dumps(structure))
        with atomic_write(self._file(key), "wb") as fh:
            np.savez(fh, **arrays)

    def remove(self):
        """Delete the checkpoint (the run finished and wrote its outputs)."""
        with deferred_interrupt():
            shutil.rmtree(self.path, ignore_errors=True)
