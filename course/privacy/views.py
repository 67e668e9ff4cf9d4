"""A trainee's own data: download it all as JSON, or delete the account (confirmed with the password)."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from ..clock import utcnow
from ..identity.forms import DeleteAccountForm
from ..identity.services import WrongPassword
from ..identity.signed_in import own_record
from ..identity.views import bp
from ..web import limits
from . import data_rights


def json_download(data: dict, filename: str) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/account/data.json")
@login_required
def export_data():
    data = {"exported_at": utcnow().isoformat() + "Z", **data_rights.export(current_user.id)}
    return json_download(data, "my-course-data.json")


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        limits.password_guess(current_user.email)  # counted before the (deliberately slow) check
        try:
            data_rights.erase_own(own_record(), form.password.data)
        except WrongPassword as error:
            form.password.errors.append(error.message)
            return render_template("accounts/delete.html", form=form), 400
        except data_rights.Conflict as error:
            form.password.errors.append(error.message)
            return render_template("accounts/delete.html", form=form), error.status
        logout_user()
        flash("Your account is deleted and your personal data erased. Thank you for taking the course.", "success")
        return redirect(url_for("learning.home"), 303)
    return render_template("accounts/delete.html", form=form), 400 if form.is_submitted() else 200
