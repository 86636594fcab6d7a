"""make bench-import: import a generated 100,000-row xlsx into the registry on PostgreSQL.

Reports rows per second of the check and of the write (all or nothing, with
an audit entry per unit), and the peak memory of the process. Environment:
DATABASE_URL (PostgreSQL), BENCH_ROWS (default 100000).
"""

import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, counties: list) -> None:
    from openpyxl import Workbook

    from anjian.enterprises import importing
    from anjian.enterprises.rules import credit_check_character

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("units")
    sheet.append([headers[0] for headers in importing.COLUMNS.values()])
    for i in range(ROWS):
        code, lat, lon = counties[i % len(counties)]
        body = f"91{code}{i:09d}"
        sheet.append([
            f"单位{i:06d}有限公司", body + credit_check_character(body), "扎西", code, "地址", "C3021",
            "其他工贸行业、建筑施工", i % 500, "二级", "正常生产经营", float(lat or 29), float(lon or 91),
        ])  # fmt: skip
    workbook.save(path)


def main() -> None:
    from api_list import bench_database_url

    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="anjian-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from anjian.core.services import bootstrap_administrator, division_load_file
    from anjian.enterprises import importing
    from anjian.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    division_load_file()
    admin = bootstrap_administrator(
        division="540000", bureau_name="西藏自治区安全生产监督管理局", username="bench-admin",
        full_name="bench", password="Bench-Password-2026",
    )  # fmt: skip
    counties = [
        (c.code, c.lat, c.lon) for c in importing.Division.objects.filter(level="county", code__startswith="54")
    ]
    path = Path(os.environ["MEDIA_ROOT"]) / "units.xlsx"
    started = time.perf_counter()
    connection.close()
    # The file is written by a child process, so that the peak memory measured
    # below is the import's own.
    child = multiprocessing.get_context("fork").Process(target=generate, args=(path, counties))
    child.start()
    child.join()
    print(f"generated {ROWS} rows: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
    base = peak_mib()

    upload = SimpleUploadedFile("units.xlsx", path.read_bytes())
    started = time.perf_counter()
    record = importing.import_start(admin, upload=upload)  # the check runs on commit (immediate backend)
    record.refresh_from_db()
    checked = time.perf_counter() - started
    print(
        f"check: {record.total_rows} rows, {record.bad_rows} bad, {checked:.1f} s, {record.total_rows / checked:.0f} rows/s"
    )
    started = time.perf_counter()
    importing.import_commit(admin, record, mode="all_or_nothing")
    record.refresh_from_db()
    written = time.perf_counter() - started
    print(
        f"write (all or nothing, audited): {record.created} created, {written:.1f} s, {record.created / written:.0f} rows/s"
    )
    print(f"peak memory of the process: {peak_mib():.0f} MiB (after generating the file: {base:.0f} MiB)")
    assert Enterprise.objects.count() == ROWS


if __name__ == "__main__":
    main()
