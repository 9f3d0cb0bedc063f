"""durations.py: which DurationSeconds to ask for, how to step down, and what is remembered."""

from __future__ import annotations

import json
import threading

import pytest

from tui.core.durations import LADDER, DurationMemory, duration_choices, fit_duration, next_lower

ROLE_A = "arn:aws:iam::123456789012:role/A"
ROLE_B = "arn:aws:iam::123456789012:role/B"


@pytest.mark.parametrize(
    ("requested", "session_duration", "remembered", "expected"),
    [
        (3600, None, None, 3600),
        (43200, 7200, None, 7200),  # capped by the assertion's SessionDuration
        (3600, 7200, None, 3600),  # SessionDuration never raises the request
        (43200, None, 14400, 14400),  # capped by what the role accepted before
        (43200, 28800, 7200, 7200),  # the smallest of the three
        (43200, 3600, 7200, 3600),
        (100, None, None, 900),  # STS's floor
        (3600, 60, None, 900),  # a silly SessionDuration still gives a valid request
        (99999, None, None, 43200),  # STS's ceiling
        (99999, 50000, 60000, 43200),
        (5000, 0, 0, 5000),  # 0 means "not known"
    ],
)
def test_fit_duration(requested, session_duration, remembered, expected):
    assert fit_duration(requested, session_duration, remembered) == expected


def test_next_lower_walks_the_ladder():
    steps = [43200]
    while (lower := next_lower(steps[-1])) is not None:
        steps.append(lower)
    assert steps == [43200, 28800, 14400, 7200, 3600]
    assert tuple(steps) == LADDER


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(5000, 3600), (28801, 28800), (7201, 7200), (3600, None), (3000, None), (900, None)],
)
def test_next_lower_from_odd_values(seconds, expected):
    assert next_lower(seconds) == expected


def test_memory_persists_across_instances(tmp_path):
    path = tmp_path / "state" / "durations.json"
    first = DurationMemory(path)
    assert first.limit(ROLE_A) is None
    first.remember(ROLE_A, 7200)
    assert first.limit(ROLE_A) == 7200
    first.save()

    assert DurationMemory(path).limit(ROLE_A) == 7200
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_two_instances_merge_what_they_learned(tmp_path):
    path = tmp_path / "durations.json"
    one, two = DurationMemory(path), DurationMemory(path)  # both loaded an empty file
    one.remember(ROLE_A, 14400)
    two.remember(ROLE_B, 3600)
    one.save()
    two.save()  # must not drop what `one` wrote
    merged = DurationMemory(path)
    assert merged.limit(ROLE_A) == 14400
    assert merged.limit(ROLE_B) == 3600
    assert json.loads(path.read_text()) == {ROLE_A: 14400, ROLE_B: 3600}


def test_a_later_lesson_replaces_an_earlier_one(tmp_path):
    path = tmp_path / "durations.json"
    one = DurationMemory(path)
    one.remember(ROLE_A, 14400)
    one.save()
    two = DurationMemory(path)
    two.remember(ROLE_A, 3600)
    two.save()
    assert DurationMemory(path).limit(ROLE_A) == 3600


def test_save_without_lessons_writes_nothing(tmp_path):
    path = tmp_path / "durations.json"
    DurationMemory(path).save()
    assert not path.exists()


def test_memory_without_a_file_still_remembers_in_memory():
    memory = DurationMemory(None)
    memory.remember(ROLE_A, 7200)
    memory.save()
    assert memory.limit(ROLE_A) == 7200


@pytest.mark.parametrize("content", ["not json", "[1, 2, 3]", "null", '{"x": "y"}', "\xff\xfe"])
def test_a_corrupt_file_only_loses_the_hints(tmp_path, content):
    path = tmp_path / "durations.json"
    path.write_bytes(content.encode("latin-1"))
    memory = DurationMemory(path)
    assert memory.limit(ROLE_A) is None
    memory.remember(ROLE_A, 7200)
    memory.save()
    assert DurationMemory(path).limit(ROLE_A) == 7200


def test_an_unwritable_file_only_loses_the_hints(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    memory = DurationMemory(blocker / "durations.json")  # parent is a file: cannot write
    memory.remember(ROLE_A, 7200)
    memory.save()  # no exception
    assert memory.limit(ROLE_A) == 7200


def test_concurrent_remember_and_save(tmp_path):
    path = tmp_path / "durations.json"
    memory = DurationMemory(path)
    roles = [f"arn:aws:iam::123456789012:role/R{i}" for i in range(16)]

    def work(role: str) -> None:
        memory.remember(role, 3600)
        memory.save()

    threads = [threading.Thread(target=work, args=(role,)) for role in roles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reloaded = DurationMemory(path)
    assert all(reloaded.limit(role) == 3600 for role in roles)


def test_duration_choices_default_to_the_smaller_of_config_and_session_duration() -> None:
    assert duration_choices(7200, 3600) == ([900, 3600, 7200], 3600)
    assert duration_choices(1800, 3600) == ([900, 1800], 1800)
    assert duration_choices(None, 5400)[1] == 5400


def test_duration_choices_offer_nothing_above_what_every_role_is_known_to_allow() -> None:
    values, default = duration_choices(43200, 43200, [3600, 7200])
    assert values == [900, 3600, 7200]
    assert default == 7200
    # One role with no known limit might allow the full SessionDuration: offer it.
    assert duration_choices(43200, 3600, [3600, None])[0][-1] == 43200
