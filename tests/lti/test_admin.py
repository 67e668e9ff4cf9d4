"""Admin → LTI: registering a platform from the console, with what the LMS's form needs shown."""

from __future__ import annotations

import re

from ..support.helpers import login, post

FORM = {
    "name": "Clinic Moodle",
    "issuer": "https://moodle.clinic.example",
    "client_id": "AbC123",
    "auth_login_url": "https://moodle.clinic.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.clinic.example/mod/lti/token.php",
    "key_set_url": "https://moodle.clinic.example/mod/lti/certs.php",
    "deployment_ids": "1\n7",
}


def test_an_admin_registers_a_platform_and_removes_a_deployment_then_it(app, make_user):
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin.email)
    page = client.get("/admin/lti/").get_data(as_text=True)
    assert "http://localhost/lti/login" in page and "http://localhost/lti/jwks" in page and "None yet" in page
    response = post(client, "/admin/lti/", FORM, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Registered Clinic Moodle." in page and "deployments 1, 7" in page
    post(client, "/admin/lti/1/remove", {"deployment_id": "7"})
    assert re.search(r"deployments 1\s+<form", client.get("/admin/lti/").get_data(as_text=True))
    post(client, "/admin/lti/1/remove")
    assert "None yet" in client.get("/admin/lti/").get_data(as_text=True)


def test_the_form_refuses_what_cannot_work_and_keeps_what_was_typed(app, make_user):
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin.email)
    response = post(client, "/admin/lti/", {**FORM, "key_set_url": "http://moodle.clinic.example/certs.php"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The public keyset URL must be an https:// address" in page and 'value="AbC123"' in page
    response = post(client, "/admin/lti/", {**FORM, "deployment_ids": " "})
    assert response.status_code == 400 and "at least one deployment id" in response.get_data(as_text=True)
