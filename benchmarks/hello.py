"""The framework floor for `benchmarks/pages.py`: a bare Flask app served by the same gunicorn settings.

`gunicorn -c deploy/gunicorn.conf.py benchmarks.hello:app`
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
