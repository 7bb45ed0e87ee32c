"""Real triple stores for the tests: the Oxigraph server and Virtuoso, each started on a free loopback port
in a private folder, and always stopped (the caller uses them as context managers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from cptkg.stores.server import die_with_parent

READY_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    """Stop a server we started; never raises, never leaves it running."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Server:
    """A server process with a log file; its endpoints are set by the subclass."""

    name = "server"
    endpoint = ""
    graph_store = ""
    process: subprocess.Popen[bytes] | None = None

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "server.log"

    def start(self) -> None:
        raise NotImplementedError

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _spawn(self, command: list[str]) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder, preexec_fn=die_with_parent
            )

    def _check_alive(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_text()[-2000:]}")

    def __enter__(self) -> Server:
        try:
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.process is not None:
            stop(self.process)


class OxigraphServer(Server):
    """`oxigraph serve` (read-write) on a fresh on-disk store."""

    name = "Oxigraph server"

    def start(self) -> None:
        binary = Path(sys.executable).parent / "oxigraph"
        port = free_port()
        self._spawn([str(binary), "serve", "--location", str(self.folder / "store"), "--bind", f"127.0.0.1:{port}"])
        self.endpoint = f"http://127.0.0.1:{port}/query"
        self.graph_store = f"http://127.0.0.1:{port}/store"
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not come up on port {port}")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {w}/virtuoso.db
ErrorLogFile = {w}/virtuoso.log
LockFile = {w}/virtuoso.lck
TransactionFile = {w}/virtuoso.trx
xa_persistent_file = {w}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {w}/virtuoso-temp.db
TransactionFile = {w}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {w}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


class VirtuosoServer(Server):
    """Virtuoso Open Source (Debian's virtuoso-t) in the foreground with a private ini and database, on
    loopback only. A new database has the user dba with the password dba."""

    name = "Virtuoso"
    user = "dba"
    password = "dba"

    def start(self) -> None:
        sql, http = free_port(), free_port()
        while http == sql:
            http = free_port()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(w=self.folder, sql=sql, http=http))
        self._spawn(["virtuoso-t", "+foreground", "+configfile", str(ini)])
        self.endpoint = f"http://127.0.0.1:{http}/sparql"
        self.graph_store = f"http://127.0.0.1:{http}/sparql-graph-crud-auth"
        # HTTP answers a little before the SQL side is ready: wait for the line that says both are.
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            self._check_alive()
            if "Server online at" in self.log_text():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not come up:\n{self.log_text()[-2000:]}")


def cptkg_process(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """The cptkg command of this environment, as a separate process (for `cptkg serve`)."""
    command = [str(Path(sys.executable).parent / "cptkg"), *args]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
