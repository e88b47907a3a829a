"""The Flask "hello world" the serving benchmark compares every page with (bench/serve_bench.py):
served by the same gunicorn command, in the same run."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
