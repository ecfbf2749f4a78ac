#!/usr/bin/env python3
"""A local Python package index of real wheels, for the host-package tests (standard library only).

    index_server.py [--wheels DIR]... [--port N] [--no-stdin] [--format both|html|json]
                    [--no-metadata] [--yanked NAME==VERSION]... [--no-yanked] [--bad-hash FILE]...
                    [--bad-metadata-hash FILE]...
                    [--slow SECONDS] [--rate BYTES_PER_SECOND] [--hold FILE]

It serves the wheels and sdists of its folders (default: ${BELAY_PYPI_WHEELS:-~/.cache/belay-pypi-wheels},
filled by tests/pypi/install.sh; a later --wheels folder wins for a file name) over HTTP on
127.0.0.1, prints the port as its first line on stdout, and serves until its stdin closes (a test
that dies takes its server with it) or it is killed; --no-stdin serves until killed.
INDEX_SERVER_LOG=1 logs each request on stderr.

What it serves (BASE = http://127.0.0.1:PORT):
- BASE/simple/: the root listing; BASE/simple/<name>/: a project's files (PEP 503 names: another
  spelling is redirected to the normalized one, 301). As PEP 503 HTML (`#sha256=` fragments,
  `data-requires-python`, `data-yanked`, and PEP 658/714 `data-dist-info-metadata` and
  `data-core-metadata`), or as PEP 691 JSON (`requires-python`, `yanked`, `core-metadata`,
  `dist-info-metadata`, `hashes`, `size`, PEP 700 `versions`) when the Accept header prefers
  `application/vnd.pypi.simple.v1+json`. Hrefs alternate between absolute and relative URLs.
  --format html: always HTML, whatever the Accept header; --format json: JSON only (406 for a
  client that does not accept it).
- BASE/files/<file>: the wheels; BASE/files/<file>.metadata: their METADATA (PEP 658), unless
  --no-metadata (then neither the files nor the attributes exist).
- BASE/links/: a flat page of links to every file (what `--find-links URL` reads).

Test modes: --yanked NAME==VERSION marks that release's files yanked (default: humanize==4.17.0;
--no-yanked: none); --bad-hash FILE advertises a wrong sha256 for FILE (its bytes are served
unchanged); --bad-metadata-hash FILE does the same for FILE's PEP 658 metadata; --slow SECONDS waits that long before each file's body; --rate paces every answer's body at
that many bytes a second (a slow link to a real index, for bench/pip.py); --hold FILE sends the
first half of FILE, prints `held FILE` on stdout and sends nothing more until the server stops
(a test interrupts its client then).
"""
import argparse
import hashlib
import html
import http.server
import json
import os
import re
import signal
import sys
import tarfile
import threading
import time
import zipfile
from email.parser import HeaderParser
from urllib.parse import unquote, urlsplit

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"
# What each acceptable media type gives: JSON, or HTML under that Content-Type.
MEDIA = {
    JSON_TYPE: "json",
    "application/vnd.pypi.simple.latest+json": "json",
    HTML_TYPE: HTML_TYPE,
    "application/vnd.pypi.simple.latest+html": HTML_TYPE,
    "text/html": "text/html",
    "*/*": "text/html",
}
DEFAULT_YANKED = ["humanize==4.17.0"]
YANK_REASON = "yanked by the test index"


def default_wheels():
    return os.environ.get("BELAY_PYPI_WHEELS") or os.path.expanduser("~/.cache/belay-pypi-wheels")


def normalize(name):
    """PEP 503 name normalization."""
    return re.sub(r"[-_.]+", "-", name).lower()


SDIST = (".tar.gz", ".zip")


def sdist_metadata(path):
    """An sdist's PKG-INFO (in its top folder)."""
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            name = next(n for n in z.namelist() if re.fullmatch(r"[^/]+/PKG-INFO", n))
            return z.read(name)
    with tarfile.open(path) as t:
        member = next(m for m in t.getmembers() if re.fullmatch(r"[^/]+/PKG-INFO", m.name))
        return t.extractfile(member).read()


class Dist:
    """One wheel or sdist file: where it is, its hash, its metadata (a wheel's METADATA, an
    sdist's PKG-INFO) and what that says. PEP 658 metadata is served for wheels only."""

    def __init__(self, path):
        self.path = path
        self.filename = os.path.basename(path)
        with open(path, "rb") as f:
            data = f.read()
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.sdist = self.filename.endswith(SDIST)
        if self.sdist:
            info = sdist_metadata(path)
        else:
            with zipfile.ZipFile(path) as z:
                name = next(n for n in z.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
                info = z.read(name)
        self.metadata = None if self.sdist else info
        self.metadata_sha256 = hashlib.sha256(info).hexdigest()
        headers = HeaderParser().parsestr(info.decode("utf-8"))
        self.name = headers["Name"]
        self.version = headers["Version"]
        self.requires_python = headers.get("Requires-Python")
        self.yanked = None  # a reason (str) when yanked
        self.advertised_sha256 = self.sha256


def load(folders, yanked, bad_hash):
    """project (normalized) -> [Dist], and file name -> Dist."""
    files = {}
    for folder in folders:
        for entry in sorted(os.listdir(folder)):
            if entry.endswith((".whl",) + SDIST):
                files[entry] = Dist(os.path.join(folder, entry))
    projects = {}
    for dist in sorted(files.values(), key=lambda d: d.filename):
        projects.setdefault(normalize(dist.name), []).append(dist)
        if f"{normalize(dist.name)}=={dist.version}" in yanked:
            dist.yanked = YANK_REASON
        if dist.filename in bad_hash:
            dist.advertised_sha256 = hashlib.sha256(b"not " + dist.sha256.encode()).hexdigest()
    return projects, files


def choose(accept, fmt):
    """The answer's kind for an Accept header: "json", an HTML Content-Type, or None (406)."""
    if fmt == "html":
        return "text/html"
    offers = []
    for i, part in enumerate((accept or "text/html").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media in MEDIA and q > 0:
            offers.append((-q, i, MEDIA[media]))
    if fmt == "json":
        offers = [o for o in offers if o[2] == "json"]
    return min(offers)[2] if offers else None


class Index:
    def __init__(self, args):
        yanked = set() if args.no_yanked else {normalize_pin(p) for p in (args.yanked or DEFAULT_YANKED)}
        self.projects, self.files = load(args.wheels or [default_wheels()], yanked, set(args.bad_hash))
        for name in args.bad_metadata_hash:
            dist = self.files[name]
            dist.metadata_sha256 = hashlib.sha256(b"not " + dist.metadata_sha256.encode()).hexdigest()
        self.args = args

    def href(self, dist, i, host, relative):
        """A file's URL: absolute for every other file, else relative to the page (`relative`)."""
        url = f"http://{host}/files/{dist.filename}" if i % 2 else f"{relative}files/{dist.filename}"
        return url

    def project_html(self, key, host):
        lines = [f"<!DOCTYPE html>\n<html><head><title>Links for {html.escape(key)}</title></head><body>"]
        lines.append(f"<h1>Links for {html.escape(key)}</h1>")
        for i, dist in enumerate(self.projects[key]):
            lines.append(self.anchor(dist, i, host, "../../"))
        lines.append("</body></html>\n")
        return "\n".join(lines)

    def anchor(self, dist, i, host, relative):
        attrs = [f'href="{html.escape(self.href(dist, i, host, relative))}#sha256={dist.advertised_sha256}"']
        if dist.requires_python:
            attrs.append(f'data-requires-python="{html.escape(dist.requires_python)}"')
        if dist.yanked is not None:
            attrs.append(f'data-yanked="{html.escape(dist.yanked)}"')
        if not self.args.no_metadata and not dist.sdist:
            for attr in ("data-dist-info-metadata", "data-core-metadata"):
                attrs.append(f'{attr}="sha256={dist.metadata_sha256}"')
        return f"<a {' '.join(attrs)}>{html.escape(dist.filename)}</a><br/>"

    def project_json(self, key, host):
        files = []
        for i, dist in enumerate(self.projects[key]):
            entry = {
                "filename": dist.filename,
                "url": self.href(dist, i, host, "../../"),
                "hashes": {"sha256": dist.advertised_sha256},
                "size": dist.size,
                "yanked": dist.yanked if dist.yanked is not None else False,
            }
            if dist.requires_python:
                entry["requires-python"] = dist.requires_python
            if not self.args.no_metadata and not dist.sdist:
                entry["core-metadata"] = {"sha256": dist.metadata_sha256}
                entry["dist-info-metadata"] = {"sha256": dist.metadata_sha256}
            files.append(entry)
        versions = sorted({d.version for d in self.projects[key]})
        return {"meta": {"api-version": "1.1"}, "name": key, "versions": versions, "files": files}

    def root_html(self):
        links = [f'<a href="{key}/">{key}</a><br/>' for key in sorted(self.projects)]
        return "<!DOCTYPE html>\n<html><head><title>Simple index</title></head><body>\n" + "\n".join(links) + "\n</body></html>\n"

    def root_json(self):
        return {"meta": {"api-version": "1.1"}, "projects": [{"name": key} for key in sorted(self.projects)]}

    def links_html(self):
        dists = sorted(self.files.values(), key=lambda d: d.filename)
        anchors = [f'<a href="../files/{d.filename}#sha256={d.advertised_sha256}">{d.filename}</a><br/>' for d in dists]
        return "<!DOCTYPE html>\n<html><head><title>Links</title></head><body>\n" + "\n".join(anchors) + "\n</body></html>\n"


def normalize_pin(pin):
    name, _, version = pin.partition("==")
    if not version:
        raise SystemExit(f"index_server.py: --yanked wants NAME==VERSION, not {pin!r}")
    return f"{normalize(name)}=={version}"


class Handler(http.server.BaseHTTPRequestHandler):
    index = None  # set by main
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        if os.environ.get("INDEX_SERVER_LOG"):
            sys.stderr.write("index_server: %s\n" % (format % args))

    def do_HEAD(self):
        self.route(body=False)

    def do_GET(self):
        self.route(body=True)

    def route(self, body):
        path = unquote(urlsplit(self.path).path)
        host = self.headers.get("Host") or "127.0.0.1:%d" % self.server.server_address[1]
        index = self.index
        if path in ("/simple", "/simple/"):
            return self.page(index.root_html, index.root_json, body)
        m = re.fullmatch(r"/simple/([^/]+)/?", path)
        if m:
            key = normalize(m.group(1))
            if key not in index.projects:
                return self.send_error(404, "No such project")
            if m.group(1) != key or not path.endswith("/"):
                return self.redirect(f"/simple/{key}/")
            return self.page(lambda: index.project_html(key, host), lambda: index.project_json(key, host), body)
        if path in ("/links", "/links/"):
            return self.reply(200, "text/html", index.links_html().encode(), body)
        m = re.fullmatch(r"/files/([^/]+)", path)
        if m:
            return self.file(m.group(1), body)
        self.send_error(404, "Not found")

    def page(self, make_html, make_json, body):
        kind = choose(self.headers.get("Accept"), self.index.args.format)
        if kind is None:
            return self.send_error(406, "This index answers only " + JSON_TYPE)
        if kind == "json":
            data = json.dumps(make_json(), indent=1).encode()
            return self.reply(200, JSON_TYPE, data, body)
        self.reply(200, kind, make_html().encode(), body)

    def file(self, name, body):
        index = self.index
        served = index.files.get(name[: -len(".metadata")])
        if name.endswith(".metadata") and not index.args.no_metadata and served and served.metadata:
            return self.reply(200, "binary/octet-stream", index.files[name[: -len(".metadata")]].metadata, body)
        dist = index.files.get(name)
        if dist is None:
            return self.send_error(404, "No such file")
        with open(dist.path, "rb") as f:
            data = f.read()
        if index.args.slow and body:
            time.sleep(index.args.slow)
        if index.args.hold == name and body:
            return self.hold(data)
        self.reply(200, "application/octet-stream", data, body)

    def hold(self, data):
        """Send half of `data`, say so on stdout, then nothing more until the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        with PRINT_LOCK:
            print("held", self.index.args.hold, flush=True)
        STOPPING.wait()
        self.close_connection = True

    def redirect(self, location):
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def reply(self, status, content_type, data, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not body:
            return
        rate = self.index.args.rate
        if not rate:
            self.wfile.write(data)
            return
        # A paced link: RATE bytes a second, in pieces of at most 1/50 s.
        piece = max(1, rate // 50)
        for at in range(0, len(data), piece):
            chunk = data[at : at + piece]
            self.wfile.write(chunk)
            self.wfile.flush()
            time.sleep(len(chunk) / rate)


PRINT_LOCK = threading.Lock()
STOPPING = threading.Event()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheels", action="append", help="a folder of wheels (repeatable)")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    ap.add_argument("--no-stdin", action="store_true", help="serve until killed, not until stdin closes")
    ap.add_argument("--format", choices=["both", "html", "json"], default="both")
    ap.add_argument("--no-metadata", action="store_true", help="no PEP 658 metadata files")
    ap.add_argument("--yanked", action="append", metavar="NAME==VERSION")
    ap.add_argument("--no-yanked", action="store_true")
    ap.add_argument("--bad-hash", action="append", default=[], metavar="FILE")
    ap.add_argument("--bad-metadata-hash", action="append", default=[], metavar="FILE")
    ap.add_argument("--slow", type=float, default=0.0, metavar="SECONDS")
    ap.add_argument("--rate", type=int, default=0, metavar="BYTES_PER_SECOND")
    ap.add_argument("--hold", metavar="FILE")
    args = ap.parse_args()

    Handler.index = Index(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    # Everything that ends it sets STOPPING (which also lets held answers go): stdin's end,
    # SIGTERM, Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: STOPPING.set())
    if not args.no_stdin:
        threading.Thread(target=stop_at_end_of_stdin, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        STOPPING.wait()
    except KeyboardInterrupt:
        STOPPING.set()
    server.shutdown()


def stop_at_end_of_stdin():
    sys.stdin.buffer.read()
    STOPPING.set()

if __name__ == "__main__":
    main()
