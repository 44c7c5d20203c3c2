"""One chunk-and-seed scheme for every engine, and the runner of ``simulate``'s tasks.

Every engine splits its Monte Carlo repeats into chunks with
:func:`split_repeats` (a function of the number of repeats and a chunk size
fixed by the engine, never of ``n_jobs``) and draws the random numbers of a
chunk from :meth:`SeedRoot.rng`: one numpy ``SeedSequence`` per (cell,
chunk), where the *cell* is what the engine's numbers must not share a
stream with (for ``simulate``: the strategy, the engine family, ``k`` and,
for the engines that run one weight at a time, the weight; the logistic and
Poisson engines and the Adult experiments leave the weight out, so that every
weight of a repeat sees the same draws: common random numbers). The numbers a
task draws depend only on the task itself: results are bit-identical
whatever ``n_jobs`` or joblib backend (threads, processes, a Dask cluster)
runs the tasks, and one setting simulated on its own gives the same numbers
as inside ``setting="all"``.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from .._core.strategies import STRATEGY_NAMES, get_strategy
from .._utils.parallel import run_in_order
from ._engines import ENGINES, FAMILY_ORDER

__all__ = ["SeedRoot", "split_repeats", "prime_allocator", "Task", "make_tasks", "run_tasks"]


@cache
def prime_allocator():
    """Allocate and free one 16 MB block, once per process (every engine task calls this).

    glibc's malloc returns blocks above its mmap threshold (128 kB at start) to
    the system when they are freed, and trims the top of its heap above twice
    that; both thresholds rise to the size of the largest mmapped block freed
    so far. The engines' temporaries of a few MB would otherwise be mapped,
    page-faulted in and unmapped at every numpy operation, which makes an
    elementwise operation on such an array several times slower per element
    in a fresh process than after this call (``MALLOC_TOP_PAD_`` has the same
    effect). Freeing one 16 MB mmapped block raises the thresholds to 16 and
    32 MB for the rest of the process. On other allocators it is a harmless
    allocation.
    """
    block = np.ones(2**21)
    del block


@dataclass(frozen=True)
class SeedRoot:
    """The root of every random stream of one run.

    Built from ``random_state`` by :meth:`from_random_state`; a
    ``SeedSequence`` keeps its spawn key, so that children spawned from one
    root give independent runs.
    """

    entropy: int
    spawn_key: tuple = ()

    @classmethod
    def from_random_state(cls, random_state):
        """Wrap ``random_state`` (None, an int >= 0 or a ``SeedSequence``).

        Callers check it first with the ``SEED`` constraint of
        :mod:`skrecursive._utils.validation`, the one home of that check.
        """
        if isinstance(random_state, np.random.SeedSequence):
            return cls(random_state.entropy, tuple(random_state.spawn_key))
        if random_state is None:
            return cls(np.random.SeedSequence().entropy)
        return cls(int(random_state))

    def seed(self, cell, chunk):
        """The ``SeedSequence`` of chunk ``chunk`` of ``cell`` (a tuple of ints)."""
        return np.random.SeedSequence(
            self.entropy, spawn_key=(*self.spawn_key, *cell, chunk)
        )

    def rng(self, cell, chunk):
        """The generator of chunk ``chunk`` of ``cell``.

        SFC64: numpy's fastest bit generator, for the uniforms and normals that
        dominate the row-level engines.
        """
        return np.random.Generator(np.random.SFC64(self.seed(cell, chunk)))


def split_repeats(n_repeats, chunk):
    """``(start, stop)`` of consecutive chunks of at most ``chunk`` repeats."""
    return [(start, min(start + chunk, n_repeats)) for start in range(0, n_repeats, chunk)]


#: Engines without a fixed chunk (``Engine.chunk``: the row-level ones, logistic,
#: Poisson, empirical CDF) take as many repeats as keep a (repeats x rows) array
#: near this many elements: cache-friendly, and cheaper per row than a fixed 250
#: repeats when m is in the thousands.
ROW_ELEMENTS_PER_CHUNK = 200_000


def chunk_size(family, n, m, strategy, n_generations):
    """Repeats per task, from the engine's record, the sizes and the strategy only.

    Never from ``n_jobs``: the chunk layout, hence the random streams, must
    not depend on the parallelism. The row-level engines of a strategy that
    accumulates are sized by the rows of the last generation.
    """
    if ENGINES[family].chunk is not None:
        return ENGINES[family].chunk
    rows = n + n_generations * m if strategy.accumulates else n + m
    return int(np.clip(ROW_ELEMENTS_PER_CHUNK // rows, 8, 250))


@dataclass(frozen=True)
class Task:
    """One chunk of repeats of one (strategy, family, k) cell, at one weight or several.

    ``w_indices`` and ``ws`` list the weights (their indices in the caller's
    list and the values the engine runs); an engine that takes one weight at a
    time gets tasks of one weight each, with the weight's index in the cell, so
    that every weight has its own random streams. An engine that takes every
    weight at once (common random numbers) gets them all in one task.
    """

    loop: str  # the strategy the engine runs (the requested one in its engine form)
    strategy_index: int  # the requested strategy
    family: str
    k_index: int
    w_indices: tuple
    ws: tuple
    chunk: int
    n_repeats: int
    n: int
    m: int
    p: int
    n_generations: int
    last: int
    variance: float

    @property
    def cell(self):
        cell = (self.strategy_index, STRATEGY_NAMES.index(self.loop),
                FAMILY_ORDER.index(self.family), self.k_index)
        return cell if ENGINES[self.family].weights_at_once else cell + self.w_indices


def make_tasks(families, cells, n_repeats, strategy, strategy_index, **sizes):
    """All tasks of the ``(k_index, w_index, m, w)`` cells of each family for one strategy."""
    tasks = []
    for family in families:
        engine = ENGINES[family]
        groups = {}  # (k_index, m, loop) -> [(w_index, w as the engine runs it)]
        for k_index, w_index, m, w in cells:
            loop, w_run = engine.loop(strategy, w)
            groups.setdefault((k_index, m, loop), []).append((w_index, w_run))
        for (k_index, m, loop), weights in groups.items():
            size = chunk_size(family, sizes["n"], m, loop, sizes["n_generations"])
            batches = [weights] if engine.weights_at_once else [[w] for w in weights]
            for batch in batches:
                w_indices, ws = (tuple(x) for x in zip(*batch, strict=True))
                for c, (start, stop) in enumerate(split_repeats(n_repeats, size)):
                    tasks.append(Task(loop.name, strategy_index, family, k_index,
                                      w_indices, ws, c, stop - start, m=m, **sizes))
    return tasks


def _run_task(task, root):
    prime_allocator()
    engine = ENGINES[task.family]
    w = np.array(task.ws) if engine.weights_at_once else task.ws[0]
    out = engine.run(
        root.rng(task.cell, task.chunk), task.n_repeats, task.n, task.m, task.p, w,
        task.n_generations + 1, task.variance, get_strategy(task.loop),
    )
    # {setting: [summary of each weight of the task, in order]}: plain containers,
    # so that a task store can keep them
    summary = {}
    for setting, (errors, failed) in out.items():
        if not engine.weights_at_once:
            errors, failed = errors[:, None], failed[:, None]
        for j in range(len(task.w_indices)):
            e = errors[:, j]
            late = e[:, e.shape[1] - task.last:]
            # a failed repeat carries NaN from its failure on: it leaves the averages
            # of later generations (and its per-repeat mean), never averaged in
            alive = np.isfinite(e)
            summary.setdefault(setting, []).append({
                "per_repeat": late.mean(axis=1),
                "sum": np.where(alive, e, 0.0).sum(axis=0),
                "sumsq": np.where(alive, e * e, 0.0).sum(axis=0),
                "count": alive.sum(axis=0),
                "failed": int(failed[:, j].sum()),
            })
    return summary


def run_tasks(tasks, root, *, n_jobs=None, progress=False):
    """Run ``tasks`` (in order) through joblib; returns their summaries in order."""
    calls = [(_run_task, (task, root), {}) for task in tasks]
    return run_in_order(calls, n_jobs=n_jobs, progress=progress, desc="simulating")
