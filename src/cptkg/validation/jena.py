"""Apache Jena SHACL as an independent engine, to cross-check pyshacl (Debian `libapache-jena-java`).

Debian's Jena 4.5 fails at start-up because the resource bundles of its relocated xerces classes are
missing; a folder with those bundles copied to where the classes look for them, put first on the class path,
mends it (the project's store notes give the details).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from ..errors import EnvironmentProblem

JAVA_DIR = Path(os.environ.get("CPTKG_JAVA_LIB", "/usr/share/java"))
_JENA_JARS = (
    "arq",
    "base",
    "cmds",
    "core",
    "dboe-base",
    "dboe-index",
    "dboe-storage",
    "dboe-trans-data",
    "dboe-transaction",
    "iri",
    "rdfconnection",
    "shacl",
    "shex",
    "tdb",
    "tdb2",
)
_OTHER_JARS = (
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "commons-logging",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jsonld-java",
    "jakarta.json-api",
    "titanium-json-ld",
    "protobuf",
    "thrift",
    "slf4j-api",
    "slf4j-simple",
)
BATCH_SOURCE = Path(__file__).resolve().parent / "java" / "ShaclBatch.java"


def available() -> bool:
    return shutil.which("java") is not None and (JAVA_DIR / "jena-shacl.jar").exists()


def _xerces_shim() -> Path:
    shim = Path(tempfile.gettempdir()) / "cptkg-jena-xerces-shim"
    marker = shim / "xerces" / "impl" / "msg" / "XMLSchemaMessages.properties"
    if not marker.exists():
        staging = Path(tempfile.mkdtemp(prefix="cptkg-jena-shim-"))
        with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                    target = staging / "xerces" / name[len("org/apache/jena/ext/xerces/") :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
        shim.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, shim)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another process made it first
    return shim


def classpath() -> str:
    if not available():
        raise EnvironmentProblem("Jena or java is missing (Debian: apt-get install libapache-jena-java)")
    jars = [JAVA_DIR / f"jena-{name}.jar" for name in _JENA_JARS] + [JAVA_DIR / f"{name}.jar" for name in _OTHER_JARS]
    return os.pathsep.join([str(_xerces_shim())] + [str(j) for j in jars if j.exists()])


def validate_many(shapes: Graph, datasets: Sequence[Graph], timeout: float = 600) -> list[Graph]:
    """Jena SHACL reports (as rdflib graphs) of each data graph against the shapes, in one JVM."""
    with tempfile.TemporaryDirectory(prefix="cptkg-jena-") as work:
        folder = Path(work)
        shapes_file = folder / "shapes.nt"
        shapes.serialize(shapes_file, format="nt", encoding="utf-8")
        data_files = []
        for index, data in enumerate(datasets):
            path = folder / f"data-{index}.nt"
            data.serialize(path, format="nt", encoding="utf-8")
            data_files.append(str(path))
        run = subprocess.run(
            ["java", "-cp", classpath(), str(BATCH_SOURCE), str(shapes_file), str(folder), *data_files],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            raise EnvironmentProblem(f"Jena SHACL failed: {last}")
        return [Graph().parse(folder / f"report-{i}.nt", format="nt") for i in range(len(datasets))]
