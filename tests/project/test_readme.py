"""README.md stays true: its Python example runs and its commands are the ones CI runs."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_python_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "README.md has no Python example"
    namespace = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)  # noqa: S102
    search = namespace["search"]
    # the loop that never uses real data after generation 0 must not win
    assert search.best_params_["weight"] != 0.0
    scores = dict(zip(search.cv_results_["param_weight"], search.cv_results_["mean_test_score"],
                      strict=True))
    assert scores[0.0] < max(scores.values())
    assert "weight" in capsys.readouterr().out


def test_two_newcomer_commands():
    text = README.read_text(encoding="utf-8")
    bash = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    commands = [line for block in bash for line in block.splitlines()
                if line.startswith("pip install")]
    assert commands == ['pip install . && skrecursive adult', 'pip install ".[test]" && pytest']
