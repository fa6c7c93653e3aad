"""What the notebook tests share: loading an examples/ builder, running a notebook in a
kernel (in a folder of the test's own), and reading back what its cells printed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_builder(name: str) -> Any:
    """The module ``examples/<name>.py`` (its shared ``notebook_file`` importable beside it)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass in it looks its module up by name
    spec.loader.exec_module(module)
    return module


def execute(nb: Any, workdir: Path, *, timeout: int = 300, allow_errors: bool = False) -> Any:
    """Run every cell of ``nb`` in a python3 kernel started in ``workdir``; skip without one."""
    import nbclient
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no Jupyter kernel named python3 (python -m ipykernel install --user)")
    client = nbclient.NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def outputs(nb: Any) -> tuple[str, list[str]]:
    """All text the cells printed or returned (warnings and tracebacks included), and the
    mime types of the pictures they showed."""
    texts, pictures = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                texts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                data = output.get("data", {})
                texts.append(data.get("text/plain", ""))
                pictures += [m for m in data if m.startswith("image/")]
            elif output.output_type == "error":
                texts.append("\n".join(output.traceback))
    return "\n".join(texts), pictures
