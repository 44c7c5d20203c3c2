"""Small-sample bias of :class:`skrecursive.GaussianCopula`'s ``correlation_``.

Fits the copula to ``n`` rows of a bivariate normal with correlation ``rho``
(continuous margins, so the latent correlation is ``rho``) over many
replicates, unweighted and with row weights 1 or 4 drawn independently of
the data (Kish's effective size ``(sum u)^2 / sum u^2`` is then about
``0.74 n``), and prints the mean of ``correlation_`` and of
``latent_correlation_`` (the correlation the sampler uses) minus ``rho``,
with Monte Carlo standard errors. For comparison it prints the bias of the
plain Pearson correlation of the raw values, and that of the normal-score
correlation after the Olkin-Pratt approximation
``r (1 + (1 - r^2) / (2 (n_eff - 3)))``, the known small-sample correction of
a Pearson correlation under normality, with ``n_eff`` Kish's effective size.

Usage::

    python benchmarks/copula_correlation_bias.py                # n = 30 and 200, rho = 0.5
    python benchmarks/copula_correlation_bias.py --rho 0.8 --replicates 1000
"""

import argparse
import time

import numpy as np

from skrecursive import GaussianCopula


def run(n, rho, replicates, weighted, seed):
    rng = np.random.default_rng([seed, n, int(weighted)])
    cov = [[1.0, rho], [rho, 1.0]]
    corr, latent, pearson, corrected = (np.empty(replicates) for _ in range(4))
    for r in range(replicates):
        X = rng.multivariate_normal([0.0, 0.0], cov, size=n)
        u = rng.choice([1.0, 4.0], size=n) if weighted else np.ones(n)
        model = GaussianCopula().fit(X, sample_weight=u if weighted else None)
        c = model.correlation_[0, 1]
        n_eff = u.sum() ** 2 / (u**2).sum()
        corr[r], latent[r] = c, model.latent_correlation_[0, 1]
        pearson[r] = np.corrcoef(X.T)[0, 1] if not weighted else np.cov(
            X.T, aweights=u)[0, 1] / np.sqrt(np.prod(np.diag(np.cov(X.T, aweights=u))))
        corrected[r] = c * (1 + (1 - c**2) / (2 * (n_eff - 3)))
    return {name: (v.mean() - rho, v.std(ddof=1) / np.sqrt(replicates))
            for name, v in [("correlation_", corr), ("latent_correlation_", latent),
                            ("Pearson of the raw values", pearson),
                            ("correlation_, Olkin-Pratt", corrected)]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 200])
    parser.add_argument("--rho", type=float, default=0.5)
    parser.add_argument("--replicates", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(f"bias (mean - rho) over {args.replicates} replicates, rho = {args.rho}; "
          "(Monte Carlo SE)")
    for n in args.sizes:
        for weighted in (False, True):
            label = "weights 1 or 4" if weighted else "unweighted"
            out = run(n, args.rho, args.replicates, weighted, args.seed)
            cells = "; ".join(f"{k} {b:+.4f} ({se:.4f})" for k, (b, se) in out.items())
            print(f"n = {n:>4}, {label:>14}: {cells}")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
