# CircuitPython's `os`: what CircuitPython has (no ilistdir: hosts list folders with listdir and
# stat; no system, putenv, mount...), the unix port's functions underneath.
from os import chdir, getcwd, getenv, listdir, mkdir, remove, rename, rmdir, sep, stat, statvfs, urandom
from collections import namedtuple as _namedtuple

unlink = remove
_uname = _namedtuple("uname_result", ("sysname", "nodename", "release", "version", "machine"))


def uname():
    return _uname("linux", "linux", "10.3.0", "10.3.0 on 2026-11-23", "linux [GCC 12.2.0]")


def sync():
    pass
