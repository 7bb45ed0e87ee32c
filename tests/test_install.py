"""The wheel carries ontology/, shapes/ and queries/: installed into a fresh venv, `cptkg info 44365` works
from an empty folder. No network: dependencies come from the test environment, the wheel is built locally."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_from_an_empty_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("cptkg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cptkg/data/ontology/cptkg.ttl" in names
    assert "cptkg/data/queries/code-card.rq" in names
    assert "cptkg/data/shapes/extents.shapes.ttl" in names
    assert not any("ontology.shapes.ttl" in n for n in names), "QA shapes are build-only"

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    purelib = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies of the test environment, without running its .pth files (so not its editable cptkg)
    (Path(purelib) / "zz_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env_dir / "bin" / "python"),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        check=True,
    )

    empty = tmp_path / "empty"
    empty.mkdir()
    env = dict(os.environ, CPTKG_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYTHONPATH", None)
    run = subprocess.run(
        [str(env_dir / "bin" / "cptkg"), "info", "44365"], cwd=empty, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("44365  Enteroscopy past the second part of the duodenum")
    where = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import cptkg.resources as r; print(r.data_root())"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(purelib), where
    assert list(empty.iterdir()) == [], "nothing written to the working folder"
