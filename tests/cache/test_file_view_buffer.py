"""Without REDIS_URL the question page's views are buffered in files (one per worker process) under
VIEW_BUFFER_DIR; the directory is made once per process, and made again if it was removed."""

from __future__ import annotations

import shutil

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
