"""`sift moderators create … --token` prints a token, as its last word, that works on the API."""

from __future__ import annotations

import subprocess

from flask.testing import FlaskClient

from service.storage.models import Site
from tests.support import BIN


def test_created_moderators_token_is_the_last_word_and_opens_the_queue(
    client: FlaskClient, site: Site, service_env: dict[str, str]
) -> None:
    created = subprocess.run(
        [
            str(BIN / "sift"),
            "moderators",
            "create",
            "eve@example.org",
            "--site",
            "demo",
            "--role",
            "admin",
            "--password",
            "long enough pass",
            "--token",
        ],
        env=service_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.split()[-1]
    assert token.startswith("sift_mod_")
    answer = client.get("/v1/moderation/queue", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json["counts"]["held"] == 0
    sites = client.get("/v1/admin/sites", headers={"Authorization": f"Bearer {token}"}).json["sites"]
    assert [entry["name"] for entry in sites] == ["demo"]

    unknown = subprocess.run(
        [str(BIN / "sift"), "moderators", "create", "eve@example.org", "--site", "nowhere"],
        env=service_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode != 0 and "no site named 'nowhere'" in unknown.stderr
