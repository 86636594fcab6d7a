"""make bench: an exam day of the online theory exam on PostgreSQL under gunicorn, and the grading of 100,000 attempts.

Builds its own database (`<db>_bench_exams`, recreated each run). Through the platform's services: a Lhasa bureau
and its trainer, a question bank of BENCH_EXAM_BANK questions of special operation 1.2 (default 500: 60 % single
choice of 4 options, 20 % multiple choice of 5 with 2-3 right, 20 % true/false), the theory paper rule of the exam
rule (100 questions: 60 single, 20 multiple, 20 true/false, 1 point each = 100 points, 120 minutes, pass at 80), one
exam session open now, and BENCH_EXAMINEES trainees (default 2,000; or the first argument) with valid ID numbers,
each admitted to it (candidate_admit: a ticket and an access code). Beside them, loaded with COPY: BENCH_EXAM_ATTEMPTS
finished attempts of earlier sessions (default 100,000; 2,000 candidates per session, each its own trainee), every
one with its own paper drawn by the platform's rules.draw_paper from the same bank and ~97 answers, about four in
five of them right.

1. One at a time in this process (django.test.Client): what one token, start, autosave, retried autosave and submit
   cost without a queue, with their number of queries.
2. The exam day, served by gunicorn with BENCH_WORKERS sync workers (default 2, as on one 2-core machine): every
   examinee starts at t = 0 (all at once): POST /api/v1/exam-tokens with its ticket and code, POST /exams/{id}/attempts,
   then BENCH_EXAM_ANSWERS autosaves (default 20; PUT /attempts/{id}/answers/{question} with the attempt's rising
   `seq`), each after a think time of 0.5-1.5 x BENCH_EXAM_THINK seconds (default 3): mostly a new question, a
   BENCH_EXAM_CHANGE share (default 0.15) a changed answer to one already saved; after a save, a BENCH_EXAM_RETRY share
   (default 0.05) is sent again with the same seq (a client that lost the response) and a BENCH_EXAM_STALE share
   (default 0.02) sends an older seq with another answer (a save arriving late), which must change nothing; then a
   think time and POST /attempts/{id}/submit. A request that fails (no answer within BENCH_EXAM_TIMEOUT s, default
   300; a refused connection; a 5xx) is sent again as it was, up to 4 times. The load is one client process: one
   asyncio task per examinee (stdlib asyncio streams, no HTTP library), one TCP connection per request, as gunicorn's
   sync workers close it after each response. For each kind of request: count, requests per second over its span
   (first sent to last answered), median and p99 latency (connect to last byte: the queue in the listen backlog
   included), errors by status. Then the same load, the same examinees, against a bare Django application in this file
   served alike (no middleware, no auth, no audit): a token is the ticket, an attempt a fixed paper without the
   database, an autosave one INSERT ... ON CONFLICT DO UPDATE WHERE seq is newer, a submit one INSERT; and the ratios.
3. Zero lost answers: the client keeps, per examinee and question, the newest seq it got a 2xx for and the answer it
   sent with it; after each run the database must hold exactly that (or a newer save of the client's own whose answer
   it never saw): "lost answers: N" (both runs). Every attempt must be submitted, graded, its score the candidate's
   theory score and the score a hand-written SQL gives.
4. Grading the finished attempts: exams.grade_many (how an exam's attempts are graded together: three queries a
   batch of 2,000, then rules.grade_objective per question) over all of them, in attempts per second, against one
   hand-written SQL statement that scores them all; exams.grade one attempt at a time (what a hand-in does: two
   queries) on the first BENCH_EXAM_ONE_BY_ONE (default 10,000); and the in-memory core alone (exams._score, the data
   loaded beforehand, not timed) against a hand-written Python loop. Every score compared: "scores agree", or the run
   stops.

The run exits non-zero when an answer was lost, an attempt is not graded or a score differs. BENCH_EXPLAIN=1 also
prints the queries of one autosave and the plan of the hand-written grading.
"""

import asyncio
import datetime as dt
import hashlib
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import dj_database_url
import psycopg
from accidents import WORKERS, serve, stop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMINEES = int(os.environ.get("BENCH_EXAMINEES", "2000"))  # or the first argument (main())
ATTEMPTS = int(os.environ.get("BENCH_EXAM_ATTEMPTS", "100000"))
BANK = int(os.environ.get("BENCH_EXAM_BANK", "500"))
ANSWERS = int(os.environ.get("BENCH_EXAM_ANSWERS", "20"))
THINK = float(os.environ.get("BENCH_EXAM_THINK", "3"))
CHANGE = float(os.environ.get("BENCH_EXAM_CHANGE", "0.15"))
RETRY = float(os.environ.get("BENCH_EXAM_RETRY", "0.05"))
STALE = float(os.environ.get("BENCH_EXAM_STALE", "0.02"))
TIMEOUT = float(os.environ.get("BENCH_EXAM_TIMEOUT", "300"))
EXPLAIN = os.environ.get("BENCH_EXPLAIN", "") not in ("", "0")
ONE_BY_ONE = int(os.environ.get("BENCH_EXAM_ONE_BY_ONE", "10000"))  # attempts graded one by one as a hand-in does
SECRET = "bench-only-not-a-secret"
TRIES = 5  # a request and up to 4 repeats
SESSION_SIZE = 2000  # candidates per earlier session
RULE = [
    {"kind": "single", "count": 60, "points": "1"},
    {"kind": "multiple", "count": 20, "points": "1"},
    {"kind": "judge", "count": 20, "points": "1"},
]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
LHASA_COUNTIES = ("540102", "540103", "540104", "540121", "540122", "540123", "540124", "540127")
NAMES = ("扎西", "次仁", "卓玛", "平措", "央金", "多吉", "拉姆", "格桑", "德吉", "索朗", "王建国", "李明", "张伟")
KINDS = ("token", "start", "autosave", "submit")
app = SimpleNamespace()  # the project's modules, once set_up_django() has run

# The hand-written grading: per attempt, its answers as one JSON object; per line of its paper, the positions the
# examinee chose mapped back through the order shown, against the version's answer.
HAND_GRADE = """
SELECT a.id, coalesce(sum((l.line->>'points')::numeric) FILTER (WHERE
    jsonb_array_length(coalesce(g.given -> (l.line->>'question'), '[]')) > 0 AND CASE
    WHEN l.line->>'kind' = 'multiple' THEN
         ARRAY(SELECT DISTINCT (l.line->'order'->>(p::int))::int
               FROM jsonb_array_elements_text(g.given -> (l.line->>'question')) p ORDER BY 1)
       = ARRAY(SELECT DISTINCT x::int FROM jsonb_array_elements_text(v.answer) x ORDER BY 1)
    ELSE jsonb_array_length(g.given -> (l.line->>'question')) = 1 AND jsonb_array_length(v.answer) = 1
         AND (l.line->'order'->>((g.given -> (l.line->>'question')->>0)::int))::int = (v.answer->>0)::int
    END), 0)
FROM training_attempt a
JOIN training_candidate c ON c.id = a.candidate_id
CROSS JOIN LATERAL (SELECT jsonb_object_agg(s.question, s.given) AS given
                    FROM training_answer s WHERE s.attempt_id = a.id) g
CROSS JOIN LATERAL jsonb_array_elements(a.paper) l(line)
JOIN training_questionversion v ON v.id = (l.line->>'version')::int
WHERE c.exam_id = ANY(%(exams)s)
GROUP BY a.id
"""
BARE_TABLES = """
CREATE TABLE IF NOT EXISTS bench_bare_answer (attempt uuid, question int, given jsonb NOT NULL, seq int NOT NULL,
    saved_at timestamptz NOT NULL, PRIMARY KEY (attempt, question));
CREATE TABLE IF NOT EXISTS bench_bare_submit (attempt uuid PRIMARY KEY, submitted_at timestamptz NOT NULL);
TRUNCATE bench_bare_answer, bench_bare_submit;
"""
BARE_SAVE = """
INSERT INTO bench_bare_answer AS b (attempt, question, given, seq, saved_at) VALUES (%s, %s, %s::jsonb, %s, now())
ON CONFLICT (attempt, question) DO UPDATE SET given = excluded.given, seq = excluded.seq, saved_at = excluded.saved_at
WHERE b.seq < excluded.seq
RETURNING given, seq, saved_at
"""


def exams_database_url() -> str:
    """The bench's own database beside DATABASE_URL's: dropped and created afresh."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian")
    config = dj_database_url.parse(url)
    name = config["NAME"] + "_bench_exams"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} user={config['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def id_number(county: str, n: int) -> str:
    """The n-th of distinct valid citizen ID numbers of a county (GB 11643: the check character)."""
    born = dt.date(1966, 1, 1) + dt.timedelta(days=n // 500)
    body = f"{county}{born:%Y%m%d}{n % 500 * 2 + 1:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def p99(values: list) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


# ------------------------------------------------------------------ data
def make_exam(rng: random.Random) -> SimpleNamespace:
    """The trainer, the bank, the rule and the exam open now, through the services."""
    from django.contrib.auth.models import Group

    from anjian.core.models import Organisation, OrganisationKind, Person

    services, exams, timezone = app.services, app.exams, app.timezone
    bureau = Organisation.objects.create(kind=OrganisationKind.BUREAU, name_zh="拉萨市应急管理局", division_id="540100")
    trainer = Person.objects.create(username="bench-trainer", full_name="考试中心", organisation=bureau, password="!")
    trainer.groups.set(Group.objects.filter(name="trainer"))
    kinds = ("single", "single", "single", "multiple", "judge")
    for n in range(BANK):
        kind = kinds[n % 5]
        data = {"kind": kind, "operation_item": "1.2", "difficulty": 1 + n % 3, "text_zh": f"第{n}题：低压电工作业题干"}
        if kind == "judge":
            data["answer"] = [rng.randrange(2)]
        else:
            width = 4 if kind == "single" else 5
            data["options"] = [{"zh": f"选项{'ABCDE'[i]}：第{n}题的一个说法"} for i in range(width)]
            data["answer"] = [rng.randrange(4)] if kind == "single" else sorted(rng.sample(range(5), rng.randint(2, 3)))
        services.question_create(trainer, data)
    rule = services.paper_rule_create(trainer, name="低压电工作业理论考试", operation_item="1.2", items=RULE)
    now = timezone.now()
    exam = exams.exam_create(
        trainer, name="低压电工作业理论考试（考试日）", paper_rule=rule, venue="拉萨市安全生产考试中心",
        starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=4),
    )  # fmt: skip
    return SimpleNamespace(bureau=bureau, trainer=trainer, rule=rule, exam=exam)


def admit(world, count: int) -> tuple[list, int]:
    """Register `count` trainees and admit each to the exam: [(ticket, code)], and how often candidate_admit answered
    candidate_exists for a trainee not yet admitted (its random ticket number was taken)."""
    from anjian.core.errors import DomainError

    services, exams = app.services, app.exams
    tickets, collisions = [], 0
    for n in range(count):
        trainee = services.trainee_register(
            world.trainer, name=NAMES[n % len(NAMES)] + NAMES[n // len(NAMES) % len(NAMES)],
            id_number=id_number(LHASA_COUNTIES[n % len(LHASA_COUNTIES)], n), audience="special_operator", education="junior_middle",
        )  # fmt: skip
        for _ in range(10):
            try:
                candidate, code = exams.candidate_admit(world.trainer, world.exam, trainee)
                break
            except DomainError as error:
                if error.code != "candidate_exists" or trainee.candidacies.filter(exam=world.exam).exists():
                    raise
                collisions += 1
        tickets.append((candidate.ticket, code))
    return tickets, collisions


def bank_pools(rule) -> tuple[list, list, list, dict]:
    """What paper_draw reads from the bank: each line's pool of (question, options), the counts, the points of each
    line, and per question its current version, kind and right answer."""
    from anjian.training.models import QuestionVersion

    codes = app.services._bank_codes(rule.division_code)
    pools = [
        list(app.services._pool(codes, rule.operation_item, line).values_list("pk", flat=True)) for line in rule.items
    ]
    versions = {
        v.question_id: v for v in QuestionVersion.objects.select_related("question") if v.number == v.question.version
    }
    facts = {pk: (v.pk, v.question.kind, v.answer) for pk, v in versions.items()}
    pools = [[(pk, len(versions[pk].options)) for pk in pool] for pool in pools]
    points = [str(Decimal(line["points"])) for line in rule.items]  # as attempt_start stores them
    return pools, [line["count"] for line in rule.items], points, facts


def load_attempts(world, count: int) -> list[int]:
    """Earlier sessions of SESSION_SIZE candidates (trainees of their own), each with a finished attempt of its own
    paper and its answers: sessions by bulk_create, trainees and candidates too, attempts and answers by COPY."""
    from django.db import connection

    from anjian.training.models import Candidate, ExamSession, Trainee

    rules, timezone = app.rules, app.timezone
    rng, zone = random.Random(2026), timezone.get_current_timezone()
    pools, counts, points, facts = bank_pools(world.rule)
    sessions = ExamSession.objects.bulk_create(
        ExamSession(
            organisation=world.bureau, division_code="540100", name=f"低压电工作业理论考试（第{n + 1}场）",
            paper_rule=world.rule, venue="拉萨市安全生产考试中心", created_by=world.trainer,
            starts_at=dt.datetime.combine(timezone.localdate() - dt.timedelta(days=7 + 3 * n), dt.time(9), zone),
            ends_at=dt.datetime.combine(timezone.localdate() - dt.timedelta(days=7 + 3 * n), dt.time(17), zone),
        )
        for n in range(math.ceil(count / SESSION_SIZE))
    )  # fmt: skip
    offset, code_hash = 1_000_000, hashlib.sha256(b"00000000").hexdigest()
    trainees = Trainee.objects.bulk_create(
        (
            Trainee(
                name=rng.choice(NAMES) + rng.choice(NAMES), id_number=id_number(rng.choice(LHASA_COUNTIES), offset + n),
                born_on=dt.date(1966, 1, 1) + dt.timedelta(days=(offset + n) // 500), audience="special_operator",
                division_code="540100", organisation=world.bureau, registered_by=world.trainer,
            )
            for n in range(count)
        ),
        batch_size=5000,
    )  # fmt: skip
    candidates = Candidate.objects.bulk_create(
        (
            Candidate(
                exam=sessions[n // SESSION_SIZE], trainee=trainee, code_hash=code_hash, result="pending",
                ticket=f"{sessions[n // SESSION_SIZE].starts_at:%Y%m%d}{sessions[n // SESSION_SIZE].pk:04d}{n:07d}",
            )
            for n, trainee in enumerate(trainees)
        ),
        batch_size=5000,
    )  # fmt: skip
    attempt_columns = "id, candidate_id, seed, paper, started_at, ends_at, submitted_at, timed_out"
    answer_columns = "attempt_id, question, given, seq, saved_at"
    # The answers' foreign keys, deferred, are checked when their connection commits, after the attempts' COPY.
    with (
        psycopg.connect(os.environ["DATABASE_URL"]) as answer_conn,
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY training_attempt ({attempt_columns}) FROM STDIN") as attempt_rows,
        answer_conn.cursor().copy(f"COPY training_answer ({answer_columns}) FROM STDIN") as answer_rows,
    ):
        attempt_buffer, answer_buffer = [], []
        for n, candidate in enumerate(candidates):
            seed = f"{rng.getrandbits(128):032x}"
            started = candidate.exam.starts_at + dt.timedelta(minutes=rng.randrange(240))
            ends = started + dt.timedelta(minutes=120)
            timed_out = rng.random() < 0.03
            submitted = ends if timed_out else started + dt.timedelta(minutes=rng.randint(35, 118))
            ability, paper, seq = rng.uniform(0.6, 0.97), [], 0
            saved_at = submitted.isoformat()
            attempt = uuid.UUID(int=rng.getrandbits(128), version=4)
            for question, order, line in rules.draw_paper(seed, pools, counts):
                version, kind, right = facts[question]
                paper.append({"question": question, "version": version, "kind": kind, "order": order, "points": points[line]})  # fmt: skip
                if rng.random() < 0.03:
                    continue  # left blank
                width = len(order)
                if kind == "multiple":
                    chosen = {order.index(a) for a in right}
                    if rng.random() > ability:
                        chosen ^= {rng.randrange(width)}
                        chosen = chosen or {rng.randrange(width)}
                    given = json.dumps(sorted(chosen))
                else:
                    position = order.index(right[0])
                    if rng.random() > ability:
                        position = (position + 1 + rng.randrange(width - 1)) % width
                    given = f"[{position}]"
                seq += 1 + (rng.random() < 0.1)  # now and then a changed answer took a seq
                answer_buffer.append(f"{attempt}\t{question}\t{given}\t{seq}\t{saved_at}\n")
            attempt_buffer.append(
                f"{attempt}\t{candidate.pk}\t{seed}\t{json.dumps(paper)}\t{started.isoformat()}\t{ends.isoformat()}"
                f"\t{submitted.isoformat()}\t{'t' if timed_out else 'f'}\n"
            )
            if len(attempt_buffer) == 500 or n == len(candidates) - 1:
                attempt_rows.write("".join(attempt_buffer))
                answer_rows.write("".join(answer_buffer))
                attempt_buffer, answer_buffer = [], []
    return [s.pk for s in sessions]


def describe(connection, sessions: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*), avg((SELECT count(*) FROM training_answer s WHERE s.attempt_id = a.id)),
                      pg_size_pretty(pg_total_relation_size('training_attempt')),
                      pg_size_pretty(pg_total_relation_size('training_answer')),
                      (SELECT count(*) FROM training_answer)
               FROM training_attempt a JOIN training_candidate c ON c.id = a.candidate_id
               WHERE c.exam_id = ANY(%s)""",
            [sessions],
        )
        attempts, per, attempt_size, answer_size, answers = cursor.fetchone()
    print(f"  {attempts} finished attempts in {len(sessions)} earlier sessions, {answers} answers "
          f"({per or 0:.1f} per attempt); on disk with indexes: attempts {attempt_size}, answers {answer_size}")  # fmt: skip


# ------------------------------------------------------------------ the load
class Load:
    """The exam day's client: one asyncio task per examinee, one connection per request."""

    def __init__(self, port: int, prefix: str, exam_id: int, seed: int):
        self.port, self.prefix, self.exam_id = port, prefix, exam_id
        self.rng = random.Random(seed)
        self.records = []  # (kind, sent, answered, status or error)
        self.subkinds = Counter()
        self.examinees = []
        self.problems = Counter()  # answers the client can tell are wrong

    async def exchange(self, method: str, path: str, body, token: str | None) -> tuple[int, bytes]:
        data = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {self.prefix}{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n"
        )
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(head.encode() + b"\r\n" + data)
            raw = await reader.read()  # to the end: the sync worker closes the connection after its response
        finally:
            writer.close()
        header, _, payload = raw.partition(b"\r\n\r\n")
        if b"transfer-encoding: chunked" in header.lower():
            chunks = []
            while payload:
                size, _, rest = payload.partition(b"\r\n")
                size = int(size.split(b";")[0], 16)
                if size == 0:
                    break
                chunks.append(rest[:size])
                payload = rest[size + 2 :]
            payload = b"".join(chunks)
        return int(header[9:12]), payload

    async def call(self, kind: str, method: str, path: str, body=None, token=None):
        """(status, JSON) of the first answer below 500, sending the same request again after a failure."""
        for attempt in range(TRIES):
            sent = time.perf_counter()
            try:
                status, payload = await asyncio.wait_for(self.exchange(method, path, body, token), TIMEOUT)
            except TimeoutError:
                self.records.append((kind, sent, time.perf_counter(), "timeout"))
            except (OSError, ValueError, IndexError) as error:
                self.records.append((kind, sent, time.perf_counter(), type(error).__name__))
            else:
                self.records.append((kind, sent, time.perf_counter(), status))
                if status < 500:
                    return status, json.loads(payload) if payload else None
            await asyncio.sleep(min(2**attempt, 10))
        return None, None

    def pick(self, kind: str, width: int) -> list[int]:
        if kind == "multiple":
            return sorted(self.rng.sample(range(width), self.rng.randint(2, min(3, width))))
        return [self.rng.randrange(width)]

    async def examinee(self, ticket: str, code: str) -> None:
        rng, think = self.rng, THINK
        me = SimpleNamespace(ticket=ticket, attempt=None, acked={}, score=None, submitted=False, sent_after={})
        self.examinees.append(me)
        status, body = await self.call("token", "POST", "/exam-tokens", {"ticket": ticket, "code": code})
        if status != 201:
            self.problems[f"no token ({status})"] += 1
            return
        token = body["token"]
        status, body = await self.call("start", "POST", f"/exams/{self.exam_id}/attempts", None, token)
        if status not in (200, 201):
            self.problems[f"no attempt ({status})"] += 1
            return
        me.attempt = body["id"]
        questions = [(q["question"], q["kind"], len(q["options"])) for q in body["questions"]]
        fresh, answered = iter(rng.sample(questions, len(questions))), []
        path = f"/attempts/{me.attempt}/answers"

        async def save(subkind: str, question, given: list[int], seq: int) -> None:
            self.subkinds[subkind] += 1
            status, body = await self.call("autosave", "PUT", f"{path}/{question[0]}", {"answer": given, "seq": seq}, token)  # fmt: skip
            if status != 200:
                self.problems[f"autosave {status}"] += 1
                me.sent_after[question[0]] = max(seq, me.sent_after.get(question[0], 0))  # may be stored, unseen
                return
            newest = me.acked.get(question[0])
            if body["seq"] == seq and body["answer"] != sorted(given):
                self.problems["an autosave answered another answer for its own seq"] += 1
            if body["seq"] < seq:
                self.problems["an autosave answered an older seq than it sent"] += 1
            if newest is None or seq > newest[0]:
                me.acked[question[0]] = (seq, sorted(given))
            elif subkind == "stale" and (body["seq"], body["answer"]) != newest:
                self.problems["a late save overwrote a newer one"] += 1

        for seq in range(1, ANSWERS + 1):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            change = answered and rng.random() < CHANGE
            question = rng.choice(answered) if change else next(fresh, None) or rng.choice(answered)
            if question not in answered:
                answered.append(question)
            given = self.pick(question[1], question[2])
            await save("change" if change else "new", question, given, seq)
            if rng.random() < RETRY:
                await save("retry", question, given, seq)
            if rng.random() < STALE and seq > 1:
                await save("stale", question, [(given[0] + 1) % question[2]], rng.randrange(1, seq))
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        status, body = await self.call("submit", "POST", f"/attempts/{me.attempt}/submit", None, token)
        if status == 200 or (status == 409 and body and body.get("code") == "attempt_already_submitted"):
            me.submitted, me.score = True, body.get("score")
        else:
            self.problems[f"submit {status}"] += 1

    async def run_all(self, tickets: list) -> float:
        self.t0 = time.perf_counter()
        await asyncio.gather(*(self.examinee(ticket, code) for ticket, code in tickets))
        return time.perf_counter() - self.t0

    def run(self, tickets: list) -> float:
        return asyncio.run(self.run_all(tickets))

    def last(self, kind: str) -> float:
        return max((r[2] for r in self.records if r[0] == kind), default=self.t0) - self.t0

    def first(self, kind: str) -> float:
        return min((r[1] for r in self.records if r[0] == kind), default=self.t0) - self.t0

    def figures(self, kind: str, after: float = 0) -> SimpleNamespace:
        rows = [r for r in self.records if r[0] == kind and r[1] - self.t0 >= after]
        answered = [r for r in rows if isinstance(r[3], int)]
        latencies = [end - sent for _, sent, end, _ in answered]
        span = max(r[2] for r in rows) - min(r[1] for r in rows) if rows else 0
        ok = sum(1 for r in answered if 200 <= r[3] < 300)
        errors = Counter(str(r[3]) for r in rows if not (isinstance(r[3], int) and 200 <= r[3] < 300))
        return SimpleNamespace(
            count=len(rows), ok=ok, rps=ok / span if span else 0, p50=statistics.median(latencies) if latencies else 0,
            p99=p99(latencies) if latencies else 0, errors=errors,
        )  # fmt: skip


def measure(label: str, app_name: str, env: dict, prefix: str, exam_id: int, tickets: list) -> tuple[Load, dict]:
    process, port = serve(app_name, env)
    try:
        load = Load(port, prefix, exam_id, seed=99)
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        seconds = load.run(tickets)
        used = resource.getrusage(resource.RUSAGE_SELF)
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(process.pid)], capture_output=True, text=True).stdout
    finally:
        stop(process)
    client_cpu = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    rss = sum(int(x) for x in out.split()) / 1024
    total = sum(1 for r in load.records if isinstance(r[3], int))
    print(f"{label}: {seconds:.0f} s, {total} answers ({total / seconds:.0f} req/s); workers' RSS {rss:.0f} MiB; "
          f"the client used {client_cpu:.0f} s of CPU")  # fmt: skip
    figures = {kind: load.figures(kind) for kind in KINDS}
    print(f"  {'':10} {'requests':>9} {'ok':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  errors")
    for kind in KINDS:
        f = figures[kind]
        errors = ", ".join(f"{status} x{n}" for status, n in f.errors.most_common()) or "none"
        print(f"  {kind:10} {f.count:9} {f.ok:7} {f.rps:8.1f} {ms(f.p50):>8} {ms(f.p99):>8}  {errors}")
    print(f"  autosaves: {', '.join(f'{k} {n}' for k, n in sorted(load.subkinds.items()))}; the last paper came "
          f"{load.last('start'):.0f} s after the start, the first submission at {load.first('submit'):.0f} s")  # fmt: skip
    steady = load.figures("autosave", after=load.last("start"))
    print(f"  autosaves sent after the last paper came: {steady.ok}, {steady.rps:.1f} req/s, p50 {ms(steady.p50)} ms,"
          f" p99 {ms(steady.p99)} ms")  # fmt: skip
    if load.problems:
        print(f"  the client saw: {', '.join(f'{k} x{n}' for k, n in load.problems.items())}")
    return load, figures


def lost_answers(load: Load, stored: dict) -> tuple[int, int, int]:
    """Against the database's answers {(attempt, question): (seq, given)}: acknowledged answers missing or older
    there (lost), acknowledged ones there, and newer saves of the client's own it never saw acknowledged."""
    lost = kept = unseen = 0
    for me in load.examinees:
        for question, (seq, given) in me.acked.items():
            there = stored.get((str(me.attempt), question))
            if there == (seq, given):
                kept += 1
            elif there and there[0] > seq and there[0] <= me.sent_after.get(question, 0):
                unseen += 1
            else:
                lost += 1
    return lost, kept, unseen


# ------------------------------------------------------------------ the bare application
urlpatterns = []  # the bare application's, filled by bare_application()
BARE_PAPER = [
    {"question": 1000 + n, "kind": kind, "points": "1", "text_zh": f"第{n}题：低压电工作业题干", "text_bo": "",
     "options": [{"zh": f"选项{i}", "bo": ""} for i in range(width)]}
    for n, (kind, width) in enumerate([("single", 4)] * 60 + [("multiple", 5)] * 20 + [("judge", 2)] * 20)
]  # fmt: skip


def bare_json(data, status=200):
    from django.http import HttpResponse

    return HttpResponse(json.dumps(data, default=str), status=status, content_type="application/json")


def bare_token(request):
    return bare_json({"token": json.loads(request.body)["ticket"], "expires_at": None}, 201)


def bare_start(request, exam_id):
    attempt = uuid.uuid5(uuid.NAMESPACE_URL, request.headers["Authorization"])
    return bare_json({"id": str(attempt), "exam": exam_id, "questions": BARE_PAPER, "answers": {}}, 201)


def bare_save(request, attempt, question):
    """The yardstick of an autosave: one statement that keeps the newest seq; a second to read an older save's
    answer."""
    from django.db import connection

    data = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(BARE_SAVE, [attempt, question, json.dumps(sorted(data["answer"])), data["seq"]])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                "SELECT given, seq, saved_at FROM bench_bare_answer WHERE attempt = %s AND question = %s",
                [attempt, question],
            )
            row = cursor.fetchone()
    given = json.loads(row[0]) if isinstance(row[0], str) else row[0]  # Django leaves jsonb undecoded
    return bare_json({"answer": given, "seq": row[1], "saved_at": row[2]})


def bare_submit(request, attempt):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_bare_submit VALUES (%s, now()) ON CONFLICT DO NOTHING RETURNING submitted_at", [attempt]
        )
        if cursor.fetchone() is None:
            return bare_json({"code": "attempt_already_submitted"}, 409)
    return bare_json({"id": str(attempt), "status": "submitted", "score": None})


def bare_application():
    """gunicorn 'exams:bare_application()': a bare Django project in this file, as bench/bare.py, with a database."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpResponse
    from django.urls import path

    settings.configure(
        DEBUG=False, SECRET_KEY=SECRET, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, MIDDLEWARE=[], INSTALLED_APPS=[],
        USE_TZ=True, DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)},
    )  # fmt: skip
    urlpatterns.extend([
        path("bare/exam-tokens", bare_token),
        path("bare/exams/<int:exam_id>/attempts", bare_start),
        path("bare/attempts/<uuid:attempt>/answers/<int:question>", bare_save),
        path("bare/attempts/<uuid:attempt>/submit", bare_submit),
        path("healthz", lambda request: HttpResponse("ok")),
    ])  # fmt: skip
    return get_wsgi_application()


# ------------------------------------------------------------------ grading
def grade_platform(sessions: list[int]) -> dict:
    """exams.grade_many (the batch grading of an exam's attempts) over every attempt, 2,000 at a time."""
    from anjian.training.models import Attempt

    ids = list(Attempt.objects.filter(candidate__exam_id__in=sessions).order_by("pk").values_list("pk", flat=True))
    scores = {}
    for start in range(0, len(ids), 2000):
        scores.update(app.exams.grade_many(ids[start : start + 2000]))
    return scores


def grade_one_by_one(sessions: list[int], sample: int) -> tuple[dict, float]:
    """exams.grade attempt by attempt (what a hand-in does), on the first `sample` attempts: scores and seconds."""
    from anjian.training.models import Attempt

    attempts = Attempt.objects.filter(candidate__exam_id__in=sessions).only("id", "paper").order_by("pk")[:sample]
    started = time.perf_counter()
    scores = {attempt.pk: app.exams.grade(attempt) for attempt in attempts.iterator(chunk_size=2000)}
    return scores, time.perf_counter() - started


def grade_hand_sql(conn, sessions: list[int]) -> dict:
    return dict(conn.execute(HAND_GRADE, {"exams": sessions}).fetchall())


def chunks(conn, sessions: list[int], size: int = 5000):
    """The attempts' papers and answers in chunks, for the in-memory graders: [(id, paper, {question: given})]."""
    ids = [row[0] for row in conn.execute(
        "SELECT a.id FROM training_attempt a JOIN training_candidate c ON c.id = a.candidate_id"
        " WHERE c.exam_id = ANY(%s) ORDER BY a.id", [sessions])]  # fmt: skip
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        papers = dict(conn.execute("SELECT id, paper FROM training_attempt WHERE id = ANY(%s)", [part]).fetchall())
        given = {attempt: {} for attempt in part}
        for attempt, question, answer in conn.execute(
            "SELECT attempt_id, question, given FROM training_answer WHERE attempt_id = ANY(%s)", [part]
        ):
            given[attempt][question] = answer
        yield [(attempt, papers[attempt], given[attempt]) for attempt in part]


def core_platform(chunk: list, answers: dict, scores: dict) -> None:
    """The platform's own scoring loop (exams._score: rules.grade_objective per question), on data in memory."""
    for attempt, paper, given in chunk:
        scores[attempt] = app.exams._score(paper, answers, given)


def core_hand(chunk: list, keys: dict, scores: dict) -> None:
    """By hand: per version, the one right option (single, true/false) or the right set (multiple)."""
    points_of = {}
    for attempt, paper, given in chunk:
        score = 0
        for line in paper:
            shown = given.get(line["question"])
            if not shown:
                continue
            multiple, key = keys[line["version"]]
            order = line["order"]
            right = {order[p] for p in shown} == key if multiple else len(shown) == 1 and order[shown[0]] == key
            if right:
                points = line["points"]
                score += points_of.get(points) or points_of.setdefault(points, Decimal(points))
        scores[attempt] = Decimal(score)


def same_scores(label: str, platform: dict, other: dict) -> None:
    differ = [a for a in set(platform) | set(other) if platform.get(a) != other.get(a)]
    if differ:
        for attempt in differ[:5]:
            print(f"    {attempt}: platform {platform.get(attempt)}, {label} {other.get(attempt)}")
        raise SystemExit(f"grading: {len(differ)} scores differ between the platform and {label}")


def measure_grading(sessions: list[int]) -> tuple[float, float]:
    from anjian.training.models import QuestionVersion

    hand = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    print("grading the finished attempts")
    if EXPLAIN:
        plan = hand.execute("EXPLAIN (ANALYZE, BUFFERS) " + HAND_GRADE, {"exams": sessions[:1]}).fetchall()
        print("  hand-written grading, one session:\n" + "\n".join(row[0] for row in plan))
    started = time.perf_counter()
    by_hand = grade_hand_sql(hand, sessions)
    sql_seconds = time.perf_counter() - started
    started = time.perf_counter()
    platform = grade_platform(sessions)
    platform_seconds = time.perf_counter() - started
    same_scores("the hand-written SQL", platform, by_hand)
    n = len(platform)
    passed = sum(1 for s in platform.values() if s >= app.exams.rules.ORDER_3_AND_30.pass_mark)
    mean = sum(platform.values()) / n
    print(f"  exams.grade_many, 2,000 attempts a batch: {platform_seconds:.1f} s, {n / platform_seconds:,.0f} "
          f"attempts/s; one SQL statement by hand: {sql_seconds:.1f} s, {n / sql_seconds:,.0f} attempts/s; "
          f"ratio {platform_seconds / sql_seconds:.2f}; scores agree (mean {mean:.1f}, {passed} of {n} at 80 or more)")  # fmt: skip
    one, one_seconds = grade_one_by_one(sessions, min(n, ONE_BY_ONE))
    same_scores("exams.grade one by one", {a: platform[a] for a in one}, one)
    print(f"  exams.grade, attempt by attempt (a hand-in's grading), the first {len(one):,}: {one_seconds:.1f} s, "
          f"{len(one) / one_seconds:,.0f} attempts/s")  # fmt: skip
    versions = QuestionVersion.objects.values_list("pk", "question__kind", "answer")
    answers = {pk: answer for pk, _, answer in versions}
    keys = {
        pk: (True, frozenset(answer)) if kind == "multiple" else (False, answer[0] if len(answer) == 1 else None)
        for pk, kind, answer in versions
    }
    core, handmade, core_seconds, hand_seconds = {}, {}, 0.0, 0.0
    for chunk in chunks(hand, sessions):
        started = time.perf_counter()
        core_platform(chunk, answers, core)
        core_seconds += time.perf_counter() - started
        started = time.perf_counter()
        core_hand(chunk, keys, handmade)
        hand_seconds += time.perf_counter() - started
    same_scores("exams._score in memory", platform, core)
    same_scores("the hand-written loop", platform, handmade)
    print(f"  in memory: exams._score (rules.grade_objective per question) {n / core_seconds:,.0f} attempts/s, a hand-written "
          f"loop {n / hand_seconds:,.0f} attempts/s, ratio {core_seconds / hand_seconds:.2f}; scores agree")  # fmt: skip
    hand.close()
    return n / platform_seconds, n / sql_seconds


# ------------------------------------------------------------------ bench
def set_up_django() -> None:
    os.environ["DATABASE_URL"] = exams_database_url()
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone

    from anjian.training import exams, rules, services

    app.__dict__.update(timezone=timezone, exams=exams, rules=rules, services=services)


def one_at_a_time(exam_id: int, ticket: tuple) -> None:
    """The work of each request without a queue, in this process, and its queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, out = Client(), []

    def timed(label, method, path, body=None, token=None, repeat=1):
        samples = []
        for n in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = getattr(client, method)(
                    path, json.dumps(body(n) if callable(body) else body or {}), content_type="application/json",
                    headers={"Authorization": f"Bearer {token}"} if token else {},
                )  # fmt: skip
                samples.append(time.perf_counter() - started)
            assert response.status_code in (200, 201), response.content
        out.append(f"{label} {ms(statistics.median(samples))} ms, {len(captured)} queries")
        return response.json(), list(captured.captured_queries)  # the next request clears the log

    client.get("/healthz")  # the first request of the process pays for its imports
    token = timed("token", "post", "/api/v1/exam-tokens", {"ticket": ticket[0], "code": ticket[1]}, repeat=5)[0]
    token = token["token"]
    attempt = timed("start", "post", f"/api/v1/exams/{exam_id}/attempts", token=token)[0]
    path = f"/api/v1/attempts/{attempt['id']}/answers"
    questions = attempt["questions"]
    _, captured = timed(
        "autosave", "put", f"{path}/{questions[0]['question']}", token=token, repeat=11,
        body=lambda n: {"answer": [n % 2], "seq": n + 1},
    )  # fmt: skip
    for n, question in enumerate(questions[1:11]):
        client.put(f"{path}/{question['question']}", {"answer": [0], "seq": 100 + n}, content_type="application/json",
                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    timed("retried autosave", "put", f"{path}/{questions[0]['question']}", {"answer": [0], "seq": 1}, token, 11)
    timed("submit", "post", f"/api/v1/attempts/{attempt['id']}/submit", token=token)
    print(f"one at a time in this process (django.test.Client, medians): {'; '.join(out)}")
    if EXPLAIN:
        print("  the queries of one autosave:\n" + "\n".join(f"    {q['sql'][:300]}" for q in captured))


def check_platform(load: Load, exam_id: int, hand) -> int:
    """Lost answers, attempts not submitted or not graded, scores that differ: their number."""
    from anjian.training.models import Answer, Attempt

    tickets = {me.ticket for me in load.examinees}
    attempts = list(
        Attempt.objects.filter(candidate__exam_id=exam_id, candidate__ticket__in=tickets).values_list(
            "pk", "submitted_at", "score", "candidate__theory_score"
        )
    )
    ids = [str(a[0]) for a in attempts]
    stored = {
        (str(a), q): (seq, given)
        for a, q, seq, given in Answer.objects.filter(attempt_id__in=ids).values_list(
            "attempt_id", "question", "seq", "given"
        )
    }
    lost, kept, unseen = lost_answers(load, stored)
    sql_scores = grade_hand_sql(hand, [exam_id])
    submitted = sum(1 for a in attempts if a[1] is not None)
    graded = sum(1 for a in attempts if a[2] is not None and a[2] == a[3] and a[2] == sql_scores.get(a[0]))
    answered = {str(me.attempt): me.score for me in load.examinees if me.submitted}
    told = sum(1 for a in attempts if answered.get(str(a[0])) is not None and Decimal(str(answered[str(a[0])])) == a[2])
    print(f"  lost answers: {lost} ({kept} acknowledged answers stored as acknowledged, {unseen} superseded by a "
          f"newer save of the examinee's own whose answer never came back)")  # fmt: skip
    print(f"  attempts: {len(attempts)} of {len(load.examinees)} examinees; {submitted} submitted; {graded} graded "
          f"(score = the candidate's theory score = the hand-written SQL's); {told} told that score on submitting")  # fmt: skip
    return lost + (len(load.examinees) - graded)


def check_bare(load: Load) -> int:
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        stored = {(str(a), q): (seq, given) for a, q, seq, given in conn.execute(
            "SELECT attempt, question, seq, given FROM bench_bare_answer")}  # fmt: skip
        submitted = conn.execute("SELECT count(*) FROM bench_bare_submit").fetchone()[0]
    lost, kept, unseen = lost_answers(load, stored)
    print(f"  lost answers: {lost} ({kept} stored as acknowledged, {unseen} superseded unseen); {submitted} submitted")
    return lost


def main() -> None:
    global EXAMINEES
    if len(sys.argv) > 1:
        EXAMINEES = int(sys.argv[1])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, EXAMINEES * 2 + 1024)), hard))
    set_up_django()
    from django.core.management import call_command
    from django.db import connection

    from anjian.core.services import division_load_file

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    division_load_file()
    rng = random.Random(7)
    world = make_exam(rng)
    tickets, collisions = admit(world, EXAMINEES + 1)
    probe, tickets = tickets[-1], tickets[:-1]
    print(f"exam {world.exam.pk}: a bank of {BANK} questions, a paper of {sum(r['count'] for r in RULE)} questions "
          f"(100 points, {world.rule.duration_minutes} minutes), {EXAMINEES} examinees admitted through the services "
          f"in {time.perf_counter() - started:.0f} s; candidate_admit answered candidate_exists {collisions} times "
          f"for a trainee not yet admitted (its random ticket number was taken)")  # fmt: skip
    loaded = time.perf_counter()
    sessions = load_attempts(world, ATTEMPTS)
    with connection.cursor() as cursor:  # as autovacuum leaves tables in production: analysed, visibility map set
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
        cursor.execute(BARE_TABLES)
    print(f"loaded {ATTEMPTS} earlier attempts in {time.perf_counter() - loaded:.0f} s")
    describe(connection, sessions)

    one_at_a_time(world.exam.pk, probe)
    env = os.environ | {"DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR"}
    bare_env = env | {"PYTHONPATH": str(ROOT / "bench")}
    offered = EXAMINEES / THINK
    print(f"the exam day: {EXAMINEES} examinees started at once, {ANSWERS} autosaves each ~{THINK:g} s apart (offered"
          f" ~{offered:.0f} autosaves/s), gunicorn with {WORKERS} sync workers; the client: one process, one asyncio "
          f"task per examinee, one connection per request")  # fmt: skip
    failures = 0
    hand = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    load, platform = measure("platform (config.wsgi)", "config.wsgi", env, "/api/v1", world.exam.pk, tickets)
    failures += check_platform(load, world.exam.pk, hand)
    hand.close()
    bare_load, bare = measure("bare Django, one SQL statement per write", "exams:bare_application()", bare_env, "/bare",
                              world.exam.pk, tickets)  # fmt: skip
    failures += check_bare(bare_load)
    for kind in ("autosave", "submit"):
        a, b = platform[kind], bare[kind]
        print(f"  ratio platform/bare, {kind}: req/s {a.rps / b.rps:.2f}, p50 {a.p50 / b.p50:.1f}, "
              f"p99 {a.p99 / b.p99:.1f}")  # fmt: skip

    rate, sql_rate = measure_grading(sessions)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    a, s = platform["autosave"], platform["submit"]
    print(f"summary: {EXAMINEES} examinees: autosave {a.rps:.0f} req/s (bare {bare['autosave'].rps:.0f}), p50 "
          f"{ms(a.p50)} ms, p99 {ms(a.p99)} ms; submit {s.rps:.0f} req/s, p50 {ms(s.p50)} ms, p99 {ms(s.p99)} ms; "
          f"{failures} lost answers or ungraded attempts; grading {ATTEMPTS} attempts: {rate:,.0f} attempts/s "
          f"(hand-written SQL {sql_rate:,.0f}); peak RSS of the bench {peak:.0f} MiB")  # fmt: skip
    if failures:
        raise SystemExit(f"{failures} answers lost or attempts not graded")


if __name__ == "__main__":
    main()
