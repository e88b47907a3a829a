"""Without REDIS_URL the question page's views are buffered in files (one per worker process) under
VIEW_BUFFER_DIR; the directory is made once per process, and made again if it was removed. A process
holds the views it records and writes them together (VIEW_FLUSH_BATCH, VIEW_FLUSH_SECONDS)."""

from __future__ import annotations

import os
import shutil

from forum.qa import viewbuffer
from forum.qa.viewbuffer import FileViewBuffer


def test_views_are_spooled_and_drained_once(tmp_path):
    buffer = FileViewBuffer(str(tmp_path / "views"), "sqlite:///one.db")
    buffer.add(7)
    buffer.add(7, user_id=3)
    FileViewBuffer(str(tmp_path / "views"), "sqlite:///one.db").add(9)  # another page view, same spool
    assert buffer.drain() == {7: 2, 9: 1}
    assert buffer.drain() == {}


def test_each_database_has_its_own_spool(tmp_path):
    FileViewBuffer(str(tmp_path), "sqlite:///one.db").add(1)
    FileViewBuffer(str(tmp_path), "sqlite:///two.db").add(2)
    assert FileViewBuffer(str(tmp_path), "sqlite:///one.db").drain() == {1: 1}
    assert FileViewBuffer(str(tmp_path), "sqlite:///two.db").drain() == {2: 1}


def test_a_removed_spool_directory_is_made_again(tmp_path):
    FileViewBuffer(str(tmp_path / "views"), "sqlite:///one.db").add(1)
    shutil.rmtree(tmp_path / "views")
    buffer = FileViewBuffer(str(tmp_path / "views"), "sqlite:///one.db")  # the process remembers the path
    buffer.add(5)
    assert buffer.drain() == {5: 1}


def _spooled(buffer: FileViewBuffer) -> int:
    return sum(len(p.read_text().splitlines()) for p in buffer.dir.glob("*.log"))


def test_a_process_writes_its_views_together_and_before_it_drains(app, tmp_path):
    app.config.update(VIEW_FLUSH_BATCH=3, VIEW_FLUSH_SECONDS=60)
    with app.app_context():
        buffer = FileViewBuffer(str(tmp_path / "views"), "sqlite:///batched.db")
        buffer.add(1)
        buffer.add(1)
        assert _spooled(buffer) == 0  # held by the process
        assert buffer.drain() == {1: 2}  # a drain writes what this process holds first
        for _ in range(3):
            buffer.add(2)
        assert _spooled(buffer) == 3  # the batch is full: written at once, in one append
        assert buffer.drain() == {2: 3}


def test_views_held_longer_than_the_interval_are_written_with_the_next(app, tmp_path, monkeypatch):
    app.config.update(VIEW_FLUSH_BATCH=100, VIEW_FLUSH_SECONDS=1.0)
    clock = [1000.0]
    monkeypatch.setattr(viewbuffer.time, "monotonic", lambda: clock[0])
    with app.app_context():
        buffer = FileViewBuffer(str(tmp_path / "views"), "sqlite:///timed.db")
        buffer.add(4)
        clock[0] += 0.5
        buffer.add(4)
        assert _spooled(buffer) == 0
        clock[0] += 0.6  # the first view has waited 1.1 s
        buffer.add(5)
        assert _spooled(buffer) == 3


def test_held_views_are_written_when_the_interval_ends_with_no_view_after(app, tmp_path):
    import time

    app.config.update(VIEW_FLUSH_BATCH=100, VIEW_FLUSH_SECONDS=0.2)
    with app.app_context():
        buffer = FileViewBuffer(str(tmp_path / "views"), "sqlite:///quiet.db")
        buffer.add(8)
        assert _spooled(buffer) == 0
    deadline = time.monotonic() + 5
    while _spooled(buffer) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _spooled(buffer) == 1  # by the timer: a quiet site's last views are not held until the next


def test_a_forked_worker_does_not_write_its_parents_views(app, tmp_path, monkeypatch):
    app.config.update(VIEW_FLUSH_BATCH=100, VIEW_FLUSH_SECONDS=60)
    with app.app_context():
        buffer = FileViewBuffer(str(tmp_path / "views"), "sqlite:///forked.db")
        buffer.add(6)  # held by the "parent"
        parent = os.getpid()
        monkeypatch.setattr(viewbuffer.os, "getpid", lambda: parent + 1)
        buffer.add(7)
        assert buffer.drain() == {7: 1}
        monkeypatch.setattr(viewbuffer.os, "getpid", lambda: parent)
