"""The server's imports: one worker thread, one at a time, through the workspace gate's writer.

An upload's import is queued with its mapping and privacy; the worker takes the
jobs in turn, holds the workspace to change it only while one runs (pages go on
reading what the last transaction committed) and reports each stage's progress
from `import_file(progress=...)`. The app database's imports log records who
started which import, when, and how it ended.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from karsta.cli.render import import_message
from karsta.i18n import N_, Message, joined
from karsta.ingest import STAGES, ImportFailed, SourceMapping, import_file
from karsta.ingest.errors import RejectExample, TooManyRejects
from karsta.ingest.rejected import DEFAULT_LIMIT, RejectLimit
from karsta.privacy import KeyFileError
from karsta.web.models import ImportRecord, now
from karsta.web.uploads import Upload, Uploads
from karsta.web.workspace_gate import WorkspaceGate
from karsta.workspace import WorkspaceError

log = logging.getLogger("karsta.web")

INTERRUPTED = N_("The server stopped before the import finished; the workspace is unchanged.")
UNEXPECTED = N_("The import stopped on an unexpected error; the workspace is unchanged.")
RAISE_THE_LIMIT = N_(
    "Check the mapping against the file's columns and formats. To import the readable rows "
    "and keep the rest as rejects, downloadable as CSV, import the file again with a larger "
    "share of rows that may be rejected."
)


def failure(exc: ImportFailed, upload: Upload) -> Message:
    """Return why an upload's import failed, naming the file as uploaded (not its private path).

    Too many rejects: the first ones are shown in the reader's language, and the hint names
    the import form's field, not the command line's option.
    """
    problem, hint = exc.problem, exc.hint
    if isinstance(exc, TooManyRejects):
        shown = joined([_example(e, exc.row_label) for e in exc.examples], "; ")
        problem = Message("{headline} First rejects: {shown}.", headline=exc.headline, shown=shown)
        hint = Message(RAISE_THE_LIMIT)
    return joined([f"{upload.file_name}: ", problem, *([" ", hint] if hint else [])], "")


def _example(example: RejectExample, row_label: str) -> Message:
    """Return one rejected row as the failure shows it: 'line 9, Ticket: required value …'."""
    parts: list[str] = [Message(row_label), f" {example.line}"]
    if example.column:
        parts.append(f", {example.column}")
    parts += [": ", import_message(example.reason)]
    if example.value is not None:
        parts.append(f" ({example.value!r})")
    return joined(parts, "")


@dataclass
class ImportJob:
    """One upload's import: what to read it with, and how far it has come."""

    record_id: int
    upload: Upload
    mapping: SourceMapping
    key: bytes | None = None
    redact: bool = False
    max_rejects: RejectLimit = DEFAULT_LIMIT
    status: str = "queued"
    stage: str | None = None
    fraction: float = 0.0
    error: Message | None = None
    workspace_import_id: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, stage: str, fraction: float | None) -> None:
        """Record a stage's progress (the import's callback)."""
        with self._lock:
            self.stage = stage
            self.fraction = fraction or 0.0

    @property
    def done_share(self) -> float:
        """Return how much of the import is done (0–1), each stage a quarter."""
        if self.status == "done":
            return 1.0
        if self.stage not in STAGES:
            return 0.0
        return (STAGES.index(self.stage) + min(max(self.fraction, 0.0), 1.0)) / len(STAGES)


class ImportQueue:
    """The imports waiting and running, worked off one at a time by one thread."""

    def __init__(
        self, gate: WorkspaceGate, sessions: sessionmaker[Session], uploads: Uploads
    ) -> None:
        self.gate = gate
        self.sessions = sessions
        self.uploads = uploads
        self._queue: queue.Queue[ImportJob | None] = queue.Queue()
        self._jobs: dict[int, ImportJob] = {}
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, job: ImportJob) -> None:
        """Queue an import; the worker starts on the first one."""
        with self._lock:
            self._jobs[job.record_id] = job
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="karsta-import", daemon=True
                )
                self._worker.start()
        self._queue.put(job)

    def job(self, record_id: int) -> ImportJob | None:
        """Return the job of an import record started since the server started, if any."""
        with self._lock:
            return self._jobs.get(record_id)

    def ahead_of(self, record_id: int) -> int:
        """Return how many imports wait or run before this one."""
        with self._lock:
            return sum(
                1
                for j in self._jobs.values()
                if j.record_id < record_id and j.status in ("queued", "running")
            )

    def wait(self, timeout: float | None = None) -> None:
        """Return when every queued import has ended (tests; the server never waits)."""
        if timeout is None:
            self._queue.join()
        else:
            _join(self._queue, timeout)

    def stop(self) -> None:
        """Let the worker end after the import it runs (the server stops)."""
        with self._lock:
            worker = self._worker
        if worker is not None and worker.is_alive():
            self._queue.put(None)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                self._run(job)
            finally:
                self._queue.task_done()

    def _record(self, job: ImportJob, **values: Any) -> None:
        with self.sessions.begin() as db:
            db.execute(
                update(ImportRecord).where(ImportRecord.id == job.record_id).values(**values)
            )

    def _run(self, job: ImportJob) -> None:
        job.status = "running"
        self._record(job, status="running")
        try:
            with self.gate.writing() as workspace:
                report = import_file(
                    job.upload.path,
                    workspace=workspace,
                    mapping=job.mapping,
                    pseudonym_key=job.key,
                    redact=job.redact,
                    progress=job.progress,
                    max_rejects=job.max_rejects,
                )
        except ImportFailed as exc:
            job.error = failure(exc, job.upload)
            job.status = "failed"
            self._record(job, status="failed", finished_at=now(), error=str(job.error))
            return
        except (WorkspaceError, KeyFileError) as exc:
            problem = exc.args[0] if exc.args else str(exc)
            job.error = problem if isinstance(problem, Message) else Message(str(problem))
            job.status = "failed"
            self._record(job, status="failed", finished_at=now(), error=str(job.error))
            return
        except Exception as exc:  # logged by type only: a message may quote ticket data
            log.error("import %s failed: %s", job.record_id, type(exc).__name__)
            job.error = Message(UNEXPECTED)
            job.status = "failed"
            self._record(job, status="failed", finished_at=now(), error=UNEXPECTED)
            return
        job.workspace_import_id = report.import_id
        job.status = "done"
        self._record(job, status="done", finished_at=now(), workspace_import_id=report.import_id)
        self.uploads.discard(job.upload.token)


def _join(waiting: queue.Queue[Any], timeout: float) -> None:
    done = threading.Event()

    def join() -> None:
        waiting.join()
        done.set()

    threading.Thread(target=join, daemon=True).start()
    done.wait(timeout)


def mark_interrupted(sessions: sessionmaker[Session]) -> None:
    """Mark the imports a stopped server left queued or running as failed (nothing changed)."""
    with sessions.begin() as db:
        db.execute(
            update(ImportRecord)
            .where(ImportRecord.status.in_(("queued", "running")))
            .values(status="failed", finished_at=now(), error=INTERRUPTED)
        )
