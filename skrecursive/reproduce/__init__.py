"""The paper's experiments as functions returning tidy DataFrames.

He, Xu & Cheng, "Recursive learning without collapse: a weighting-based
stabilization framework", JRSSB 2026, doi:10.1093/jrsssb/qkag099.

* The UCI Adult experiments, :func:`adult_logistic` and
  :func:`adult_categorical`, on the bundled data (batched-Newton engine), the
  recursive classifier's per-generation test curves, :func:`adult_classifier`,
  and their figure, :func:`plot_adult`; :func:`minimiser_interval` locates the
  minimum of an error-versus-weight curve with a confidence interval.
* The simulation scenarios 1 to 3, :func:`scenario1`, :func:`scenario2`,
  :func:`scenario3`, on the vectorised engines of :mod:`skrecursive.simulation`,
  with :func:`scenarios_summary` and the ``plot_scenario*`` figures.
* The loops of the model-collapse literature side by side (fresh data at the
  optimal and the naive weight, replace, accumulate, fixed real data),
  :func:`strategies` and :func:`plot_strategies`.
* Recursive synthesis of the whole Adult table with
  :class:`~skrecursive.GaussianCopula`, :func:`adult_synthesizer`, with
  :func:`summarize_adult_synthesizer` and :func:`plot_adult_synthesizer`.

* The collapse audit of any synthesizer on the user's own table,
  :func:`audit`, returning an :class:`AuditResult` that writes CSV files,
  figures and a self-contained HTML report.

Every function returns one row per (weight, repeat) or per generation, so any
summary, interval or plot can be computed from it. The ``skrecursive adult``
and ``skrecursive reproduce`` commands call them.
"""

from ._adult import (
    ADULT_CLASSIFIER_LOOPS,
    adult_categorical,
    adult_classifier,
    adult_logistic,
    plot_adult,
)
from ._audit import (
    AUDIT_OUTPUTS,
    SYNTHESIZERS,
    AuditPlan,
    AuditResult,
    audit,
    available_synthesizers,
    plan_audit,
    read_table,
)
from ._minimiser import minimiser_interval
from ._scenarios import (
    PAPER_SETTINGS,
    SCENARIO2_WEIGHTS,
    SCENARIO3_KS,
    plot_scenario1,
    plot_scenario2,
    plot_scenario3,
    scenario1,
    scenario2,
    scenario3,
    scenarios_summary,
)
from ._strategies import STRATEGY_LOOPS, plot_strategies, strategies
from ._synthesizer import (
    SYNTHESIZER_LOOPS,
    adult_synthesizer,
    plot_adult_synthesizer,
    summarize_adult_synthesizer,
)

__all__ = [
    "AUDIT_OUTPUTS",
    "AuditPlan",
    "AuditResult",
    "SYNTHESIZERS",
    "audit",
    "available_synthesizers",
    "plan_audit",
    "read_table",
    "ADULT_CLASSIFIER_LOOPS",
    "PAPER_SETTINGS",
    "SCENARIO2_WEIGHTS",
    "SCENARIO3_KS",
    "STRATEGY_LOOPS",
    "SYNTHESIZER_LOOPS",
    "adult_synthesizer",
    "adult_categorical",
    "adult_classifier",
    "adult_logistic",
    "minimiser_interval",
    "plot_adult",
    "plot_scenario1",
    "plot_scenario2",
    "plot_scenario3",
    "plot_adult_synthesizer",
    "plot_strategies",
    "scenario1",
    "scenario2",
    "scenario3",
    "scenarios_summary",
    "strategies",
    "summarize_adult_synthesizer",
]
