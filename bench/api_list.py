"""make bench: a scoped API list of 50 rows against a bare Django response.

1. Builds a bench database on PostgreSQL (`<db>_bench`, recreated each run)
   with the real division codes and a few thousand generated organisations and
   people spread over every Tibetan division.
2. Serves the platform with gunicorn (2 sync workers, as in production on one
   2-core machine) and measures `GET /api/v1/people?limit=50` as a Lhasa
   inspector (token auth, scope filter, count, 50 rows serialised) with wrk.
3. Serves bench/bare.py (one view, no middleware, no database) with the same
   gunicorn settings and measures it the same way.
4. Prints requests per second of both, the ratio, and the workers' memory.

Environment: DATABASE_URL (PostgreSQL), BENCH_PEOPLE (default 5000),
BENCH_ORGANISATIONS (default 3000), BENCH_SECONDS (default 10).
"""

import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PORT = 8765
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "5000"))
ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "3000"))


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian")
    config = dj_database_url.parse(url)
    name = config["NAME"] + "_bench"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} user={config['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def build_data(env: dict) -> str:
    """Migrate, load divisions, generate organisations and people; return a token."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from anjian.core.models import Division, Organisation, Person
    from anjian.core.services import division_load_file, token_create

    division_load_file()
    rng = random.Random(2026)
    tibet = list(Division.objects.filter(code__startswith="54").values_list("code", flat=True))
    organisations = [Organisation(kind="bureau", name_zh=f"{code}局", division_id=code) for code in tibet]
    others = ORGANISATIONS - len(organisations)
    organisations += [
        Organisation(
            kind=rng.choice(["supporting", "institution"]),
            support_kind="",
            name_zh=f"单位{i:05d}",
            division_id=rng.choice(tibet),
        )
        for i in range(others)
    ]
    for organisation in organisations:
        if organisation.kind == "supporting":
            organisation.support_kind = "province_bureau"
    Organisation.objects.bulk_create(organisations, batch_size=1000)
    organisation_ids = list(Organisation.objects.values_list("pk", flat=True))
    password = make_password("bench-password-1")
    people = [
        Person(
            username=f"p{i:06d}",
            full_name=f"人员{i:06d}",
            organisation_id=rng.choice(organisation_ids),
            password=password,
        )
        for i in range(PEOPLE)
    ]
    Person.objects.bulk_create(people, batch_size=2000)
    groups = list(Group.objects.all())
    through = Person.groups.through
    through.objects.bulk_create(
        [through(person_id=pk, group_id=rng.choice(groups).pk) for pk in Person.objects.values_list("pk", flat=True)],
        batch_size=5000,
    )
    lhasa = Organisation.objects.get(kind="bureau", division_id="540100")
    inspector = Person.objects.create(username="bench-lhasa", full_name="拉萨检查员", organisation=lhasa)
    inspector.groups.add(Group.objects.get(name="inspector"))
    _token, key = token_create(inspector, name="bench", days=1)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them in production
        cursor.execute("ANALYZE")
    in_scope = Person.objects.filter(organisation__division__code__startswith="5401").count()
    print(
        f"data: {Organisation.objects.count()} organisations, {Person.objects.count()} people; "
        f"{in_scope} people in the Lhasa inspector's scope"
    )
    return key


def serve(app: str, env: dict) -> subprocess.Popen:
    """Start gunicorn and wait until it answers (a 404 for /nowhere is an answer)."""
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/nowhere", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app} did not start")


def workers_rss_mib(process: subprocess.Popen) -> float:
    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(process.pid)], capture_output=True, text=True).stdout  # noqa: S603, S607
    return sum(int(x) for x in out.split()) / 1024


def wrk(url: str, headers: dict) -> float:
    args = ["wrk", "-t2", "-c16", f"-d{SECONDS}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} failed responses\n{out}")
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    print(f"  {rps:9.0f} req/s   p50 {p50:>8}   p99 {p99:>8}   {url}")
    return rps


def measure(app: str, env: dict, url: str, headers: dict) -> tuple[float, float]:
    process = serve(app, env)
    try:
        check = urllib.request.Request(url, headers=headers)  # noqa: S310
        with urllib.request.urlopen(check, timeout=10) as response:  # noqa: S310
            assert response.status == 200
        wrk(url, headers)  # warm-up, not counted
        rps = wrk(url, headers)
        return rps, workers_rss_mib(process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def main() -> None:
    env = dict(os.environ)
    env["DATABASE_URL"] = bench_database_url()
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    env["DB_CONN_MAX_AGE"] = "600"
    key = build_data(env)
    print(f"gunicorn, 2 workers; wrk, 2 threads, 16 connections, {SECONDS} s per run")
    auth = {"Authorization": f"Bearer {key}", "Accept-Language": "zh-hans"}
    platform, platform_rss = measure("config.wsgi", env, f"http://127.0.0.1:{PORT}/api/v1/people?limit=50", auth)
    bare_env = env | {"PYTHONPATH": str(ROOT / "bench")}
    bare, bare_rss = measure("bare:application", bare_env, f"http://127.0.0.1:{PORT}/bare", {})
    print(
        f"scoped API list of 50 rows: {platform:.0f} req/s; bare Django: {bare:.0f} req/s; "
        f"ratio {platform / bare:.3f} ({bare / platform:.1f}x slower)"
    )
    print(f"workers' memory: platform {platform_rss:.0f} MiB, bare {bare_rss:.0f} MiB (2 workers each)")


if __name__ == "__main__":
    main()
