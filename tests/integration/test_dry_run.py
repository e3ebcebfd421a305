"""A dry run goes through a real worker's pipeline and stores nothing."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.runtime.dry_run import run_dry
from service.storage.models import Comment, Site
from tests.support import Process


def test_dry_run_answers_the_pipeline_decision_without_storing(
    app: Flask, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    with app.app_context():
        held = run_dry("demo", {"body": "see http://a.example http://b.example http://c.example"})
        clean = run_dry("demo", {"body": "A fair point about the budget."})
    assert held["action"] == "hold"
    assert any(v["filter_id"] == "links" and v["spans"] for v in held["verdicts"])
    assert clean["action"] == "publish"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 0
