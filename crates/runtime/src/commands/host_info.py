# `belay-run info --host`: what this binary embeds. argv[1] is `belay-run --version`'s text.
import sys

print("belay-run", sys.argv[1])
print("Python", sys.version.split()[0], "as", sys.implementation.name, "(" + sys.version.splitlines()[-1].strip("[]") + ")")
print("platform", sys.platform)


def available(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False


features = []
if available("sqlite3"):
    import sqlite3

    features.append("sqlite3 (SQLite " + sqlite3.sqlite_version + ")")
if available("ssl"):
    import ssl

    # The provider belay-run installs (src/tls.rs); ssl.OPENSSL_VERSION is RustPython's fixed text.
    features.append("ssl (rustls with ring; system certificates, then the bundled set)")
print("features", ", ".join(features) or "none")
native = sorted(sys.builtin_module_names)
print(f"compiled-in modules ({len(native)}):", " ".join(native))
print(
    "standard library: frozen into the binary (no files needed);"
    " left out: tkinter, turtle, turtledemo, idlelib (RustPython has no _tkinter)"
)
