"""`cptkg serve`: the Oxigraph server (PyPI package `oxigraph`), read-only, over a store of the graph.

The store holds one named graph per source file; the server runs with --union-default-graph, so a query
without GRAPH sees their union. The store is built in a temporary folder and removed when the server stops.
"""

from __future__ import annotations

import ipaddress
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..errors import BadInputError, EnvironmentProblem
from .graph_store import open_store

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def oxigraph_binary() -> str:
    """The `oxigraph` command of this environment (beside the Python running cptkg), else from PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EnvironmentProblem("the Oxigraph server is not installed: pip install 'cptkg[server]' (PyPI oxigraph)")


def check_bind(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise BadInputError(f"port {port} is not between 1 and 65535")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise BadInputError(
                f"--host {host!r} is not an IP address (use 127.0.0.1, or 0.0.0.0 for every interface)"
            ) from None


def check_port_free(host: str, port: int) -> None:
    """Fail before building anything when another process holds the port (the server would exit at once)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise EnvironmentProblem(f"cannot listen on {host}:{port}: {err.strerror or err}") from None


def die_with_parent() -> None:
    """In the child before exec: on Linux, stop the server when its parent dies, even by SIGKILL, so that no
    server outlives the cptkg that started it."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def wait_interruptibly(process: subprocess.Popen[bytes]) -> int:
    """process.wait(), woken twice a second: a signal the kernel hands to one of the store's native threads
    instead of this one would otherwise not reach Python's handler until the server exits by itself."""
    while True:
        try:
            return process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue


def build_server_store(folder: Path) -> int:
    """A persistent store of the graph in folder; returns its number of quads."""
    memory = open_store()
    disk = ox.Store(str(folder))
    disk.bulk_extend(memory)
    disk.flush()
    count = len(disk)
    del disk  # the server takes RocksDB's lock: this process must not hold it
    return count


def count_import_store(folder: Path) -> int:
    """The number of quads in a store made by `cptkg import --store`, which the server then serves as it is."""
    from .import_store import open_import_store

    existing = open_import_store(folder)
    count = len(existing)
    del existing
    return count


def serve(
    host: str = "127.0.0.1", port: int = 7878, say: Callable[[str], None] = print, store: Path | None = None
) -> int:
    """Run the server until interrupted; returns the server's exit status. With store (a folder that
    `cptkg import --store` filled), serve that store, imports and all, instead of the shipped graph alone."""
    check_bind(host, port)
    binary = oxigraph_binary()
    check_port_free(host, port)
    imported = count_import_store(store) if store is not None else None

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # a terminated cptkg stops its server too, like Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    workdir = Path(tempfile.mkdtemp(prefix="cptkg-serve-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        if store is not None and imported is not None:
            location, count, what = store, imported, "one named graph per source file and per import"
        else:
            location = workdir / "store"
            count, what = build_server_store(location), "one named graph per source file"
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(location), "--bind", bind, "--union-default-graph"],
            preexec_fn=die_with_parent,
        )
        shown = f"[{host}]" if ":" in host else host
        endpoint = f"http://{shown}:{port}/query"
        say(f"cptkg: serving {count} quads, {what}; the default graph is their union")
        say(f"SPARQL endpoint: {endpoint}  (read-only; Graph Store: http://{shown}:{port}/store)")
        say(
            f"example: curl -s -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?code ?label WHERE "
            f"{{ ?c <http://www.w3.org/2004/02/skos/core#notation> ?code ; "
            f"<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }} LIMIT 5' {endpoint}"
        )
        if host not in LOOPBACK:
            say(f"cptkg: note: listening on {host}, reachable from other machines")
        say("Press Ctrl-C to stop.")
        return wait_interruptibly(process)
    except KeyboardInterrupt:
        return 0
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
