"""The Python example of the README runs as written."""

import pathlib
import re


def test_readme_python_example_runs():
    text = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks
    namespace = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    report = namespace["report"]
    assert report.t1 < report.t2
    assert namespace["risk"].test.shape == (200,)
