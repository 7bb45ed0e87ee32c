"""The benchmark harness: build, import, parse, validate and the query catalogue, for the shipped graph and for
the full 2025 Medicare fee schedule import, each as median wall time and peak memory, and as a ratio against
the plain rdflib/pyshacl path measured in the same run.

    .venv/bin/python benchmarks/run.py [--quick]

Every measurement runs in its own process (benchmarks/steps.py), so peak memory is that step's. Where the
plain path would take too long on the full import, it runs on a sample of the file's rows (every Nth row,
stated in the table) and its time is extrapolated linearly by the number of triples; that is marked "≈".
Prints a markdown table and writes benchmarks/results/run.json. The full import needs ../shared (present in
CI); without it only the shipped graph is measured.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import markdown_table, write_results

ROOT = Path(__file__).resolve().parent.parent
PFS_FILE = ROOT.parent / "shared" / "reference" / "cms" / "PPRRVU2025_Oct.csv"
TARGETS = {
    ("full 2025 import", "import"): ("< 20 s, < 2 GB", lambda s, mb, r: s < 20 and mb < 2048),
    ("full 2025 import", "validate"): ("< 60 s, >= 10x", lambda s, mb, r: s < 60 and (r or 0) >= 10),
    ("full 2025 import", "validate vs Jena"): (
        "< 8 s, >= 2x Jena, < 1 GB",
        lambda s, mb, r: s < 8 and (r or 0) >= 2 and mb < 1024,
    ),
    ("full 2025 import", "catalogue median"): ("< 100 ms", lambda s, mb, r: s < 0.1),
}


def step(*args: Any) -> dict[str, Any]:
    command = [sys.executable, str(ROOT / "benchmarks" / "steps.py"), *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sample_csv(source: Path, every: int, out: Path) -> int:
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    rows = lines[10::every]
    out.write_text("\n".join(lines[:10] + rows) + "\n", encoding="utf-8")
    return len(rows)


def import_to(csv: Path, nt: Path, store: Path | None = None) -> None:
    from cptkg.importers import import_pfs, write_file, write_store

    result = import_pfs(csv, 2025, "october")
    write_file(result.triples, nt, "nt", result.header)
    if store is not None:
        write_store(result.triples, store, result.name)


def row(graph: str, name: str, ours: dict[str, Any], plain: dict[str, Any], scale: float = 1.0, note: str = ""):
    seconds = statistics.median(ours["seconds"])
    plain_seconds = statistics.median(plain["seconds"]) * scale if plain else None
    ratio = plain_seconds / seconds if plain_seconds else None
    target_text, check = TARGETS.get((graph, name), ("", None))
    verdict = ""
    if check is not None:
        verdict = "met" if check(seconds, ours["peak_mb"], ratio) else "MISSED"
    return {
        "graph": graph,
        "step": name,
        "seconds": seconds,
        "peak_mb": ours["peak_mb"],
        "plain_seconds": plain_seconds,
        "plain_peak_mb": plain.get("peak_mb") if plain else None,
        "plain_extrapolated": scale != 1.0,
        "ratio": ratio,
        "note": note,
        "target": target_text,
        "verdict": verdict,
        "raw": {"ours": ours, "plain": plain},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    reps = 1 if args.quick else 3
    rows = []
    with tempfile.TemporaryDirectory(prefix="cptkg-bench-") as folder:
        work = Path(folder)
        from cptkg.graph.build import build

        build(work / "dist")
        shipped_nt = work / "dist" / "cptkg.nt"

        rows.append(row("shipped graph", "build", step("build-cptkg", reps), step("build-plain", reps)))
        rows.append(
            row(
                "shipped graph",
                "parse",
                step("parse-oxigraph", shipped_nt, reps),
                step("parse-rdflib", shipped_nt, reps),
            )
        )
        ours_validate = step("validate", "-", "bulk", reps)
        rows.append(
            row(
                "shipped graph",
                "validate vs Jena",
                ours_validate,
                step("validate-jena", "-", reps),
                note="Apache Jena SHACL, the peer to beat (core shapes, JVM start included; peak MB not measured)",
            )
        )
        rows.append(
            row(
                "shipped graph",
                "validate",
                ours_validate,
                step("validate-plain", "-", reps),
                note="bulk engine vs plain pyshacl (core and audit shapes)",
            )
        )
        rows.append(
            row(
                "shipped graph",
                "catalogue median",
                step("queries", "-", "oxigraph", 10 * reps),
                step("queries", "-", "rdflib", reps),
                note="embedded store vs rdflib",
            )
        )

        if PFS_FILE.exists():
            full_nt, store = work / "pfs.nt", work / "pfs-store"
            import_to(PFS_FILE, full_nt, store)
            ten = work / "sample-10.csv"
            fifty = work / "sample-50.csv"
            rows_full = sum(1 for _ in PFS_FILE.open(encoding="utf-8-sig")) - 10
            rows_ten = sample_csv(PFS_FILE, 10, ten)
            rows_fifty = sample_csv(PFS_FILE, 50, fifty)
            ten_nt, fifty_nt, fifty_store = work / "s10.nt", work / "s50.nt", work / "s50-store"
            import_to(ten, ten_nt)
            import_to(fifty, fifty_nt, fifty_store)

            ours = step("import-cptkg", PFS_FILE, reps)
            plain = step("import-plain", ten, 1)
            rows.append(
                row(
                    "full 2025 import",
                    "import",
                    ours,
                    plain,
                    ours["triples"] / plain["triples"],
                    f"plain on every 10th row ({rows_ten} of {rows_full}), ≈ scaled",
                )
            )
            ours = step("store-cptkg", PFS_FILE, reps)
            plain = step("store-plain", ten_nt, 1)
            rows.append(
                row(
                    "full 2025 import",
                    "build (store)",
                    ours,
                    plain,
                    ours["triples"] / plain["triples"],
                    f"import --store: the on-disk store of the shipped graph and the import; plain: an rdflib "
                    f"Dataset of both written as N-Quads, on every 10th row ({rows_ten} rows), ≈ scaled by quads",
                )
            )
            ours = step("parse-oxigraph", full_nt, reps)
            plain = step("parse-rdflib", ten_nt, 1)
            rows.append(
                row(
                    "full 2025 import",
                    "parse",
                    ours,
                    plain,
                    ours["triples"] / plain["triples"],
                    f"rdflib on every 10th row ({rows_ten} rows), ≈ scaled",
                )
            )
            ours = step("validate", full_nt, "bulk", 1 if args.quick else 2)
            rows.append(
                row(
                    "full 2025 import",
                    "validate vs Jena",
                    ours,
                    step("validate-jena", full_nt, 1 if args.quick else 2),
                    note="Apache Jena SHACL on the same triples, the peer to beat (core shapes, JVM start "
                    "included; the JVM's peak memory is not measured)",
                )
            )
            plain = step("validate-plain", fifty_nt, 1)
            # the shipped graph's part of the sample's time does not grow with the import: scale the rest
            shipped = next(r for r in rows if r["graph"] == "shipped graph" and r["step"] == "validate")["raw"]["plain"]
            fixed, fixed_triples = statistics.median(shipped["seconds"]), shipped["triples"]
            grown = (statistics.median(plain["seconds"]) - fixed) * (ours["triples"] - fixed_triples)
            estimate = fixed + grown / (plain["triples"] - fixed_triples)
            rows.append(
                row(
                    "full 2025 import",
                    "validate",
                    ours,
                    plain,
                    estimate / statistics.median(plain["seconds"]),
                    f"pyshacl on every 50th row ({rows_fifty} rows) with the shipped graph, ≈ scaled by the "
                    f"imported triples; bulk: conforms={ours['conforms']}",
                )
            )
            ours = step("queries", store, "oxigraph", 5 * reps)
            plain = step("queries", fifty_store, "rdflib", 1)
            rows.append(
                row(
                    "full 2025 import",
                    "catalogue median",
                    ours,
                    plain,
                    1.0,
                    f"on-disk store vs rdflib on every 50th row ({rows_fifty} rows), not scaled: a lower bound",
                )
            )
        else:
            print(f"note: {PFS_FILE} not found; the full import is not measured", file=sys.stderr)

    table = [
        [
            r["graph"],
            r["step"],
            f"{r['seconds']:.3f}",
            f"{r['peak_mb']:.0f}",
            ("≈" if r["plain_extrapolated"] else "") + (f"{r['plain_seconds']:.3f}" if r["plain_seconds"] else "-"),
            f"{r['ratio']:.1f}x" if r["ratio"] else "-",
            " ".join(x for x in (r["target"], r["verdict"]) if x),
            r["note"],
        ]
        for r in rows
    ]
    print(markdown_table(["graph", "step", "cptkg s", "peak MB", "plain s", "plain / cptkg", "target", "note"], table))
    for r in rows:
        if r["step"] == "catalogue median":
            slowest = max(r["raw"]["ours"]["per_query"].items(), key=lambda item: item[1])
            print(f"{r['graph']}: slowest query {slowest[0]} {slowest[1] * 1000:.1f} ms")
    path = write_results("run", {"python": sys.version.split()[0], "rows": rows})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
