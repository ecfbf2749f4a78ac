"""Belay 0.30.1's own CLI (`belay ARGS...`), with one change for the tests: GitHub's and GitLab's
raw file hosts are replaced by the test server when BELAY_RUN_GITHUB_RAW / BELAY_RUN_GITLAB name it
(the variables belay-run reads for the same purpose), so that `github:` and `gitlab:` dependencies
come from tests/packages/index_server.py for Belay as for belay-run; and BELAY_TEST_ROOT moves
every board destination under a folder (belay-run's `install --root`). Without them it is `belay`.

    tests/packages/.venv/bin/python tests/packages/belay_mirrored.py update
"""
import os
import sys

from belay.packagemanager.downloaders._github import GitHubUrl
from belay.packagemanager.downloaders._gitlab import GitLabUrl


def mirror(cls, real_base, variable):
    """Make cls.raw_url start with $variable instead of real_base."""
    original = cls.raw_url

    def raw_url(self):
        url = original.fget(self)
        base = os.environ.get(variable)
        if base and url.startswith(real_base):
            return base.rstrip("/") + url[len(real_base) :]
        return url

    cls.raw_url = property(raw_url)


mirror(GitHubUrl, "https://raw.githubusercontent.com", "BELAY_RUN_GITHUB_RAW")
mirror(GitLabUrl, "https://gitlab.com", "BELAY_RUN_GITLAB")


def under_root(variable):
    """With $variable set, every Device.sync destination moves under that board folder (what
    belay-run's `install --root` does): Belay's install can then run on the unix test board,
    whose files are the host's, without touching the host's /lib. Nothing else changes (the
    destinations Belay's install uses keep their keep/ignore defaults: none is "/" but the
    single-file main.py sync, which deletes nothing)."""
    import belay

    original = belay.Device.sync

    def sync(self, folder, dst="/", *args, **kwargs):
        root = os.environ.get(variable)
        if root:
            dst = root.rstrip("/") + ("" if dst == "/" else dst)
        elif os.environ.get(variable + "_REQUIRED"):
            sys.exit(f"belay_mirrored.py: {variable} is required and not set")
        return original(self, folder, dst, *args, **kwargs)

    belay.Device.sync = sync


under_root("BELAY_TEST_ROOT")

if __name__ == "__main__":
    from belay.cli.main import run_app

    sys.argv[0] = "belay"
    sys.exit(run_app())
