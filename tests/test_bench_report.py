"""``make bench --update``: a partial rerun merged into the recorded results."""

from bench import report


def _run(commit: str, p50: float, redmine_p50: float) -> dict:
    return {
        "machine": {
            "date": "2026-12-04T08:00:00+00:00",
            "commit": commit,
            "load_average_start": [0.1, 0.1, 0.1],
            "load_average_end": [0.2, 0.2, 0.2],
        },
        "pages": [{"page": "list", "size": 100000, "p50_ms": p50}],
        "missing": [],
        "digests": {},
        "redmine": {"100000": {"list": {"p50_ms": redmine_p50, "p95_ms": 1.0, "rps_8": 8.0}}},
    }


def test_a_rerun_with_redmine_compares_with_redmine_measured_in_that_run():
    merged = report.merge(_run("old", 41.7, 203.1), _run("new", 19.7, 155.9))
    assert merged["pages"] == [{"page": "list", "size": 100000, "p50_ms": 19.7}]
    assert merged["redmine"]["100000"]["list"]["p50_ms"] == 155.9
    assert "Redmine at 100,000" in merged["updates"][-1]["rows"]


def test_a_rerun_without_redmine_keeps_the_recorded_redmine():
    new = _run("new", 19.7, 0) | {"redmine": {}}
    merged = report.merge(_run("old", 41.7, 203.1), new)
    assert merged["redmine"]["100000"]["list"]["p50_ms"] == 203.1
