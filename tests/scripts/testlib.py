"""Helpers shared by the host test scripts (their folder is on sys.path)."""


def expect(exc, fn):
    """Call `fn`; it must raise `exc`, which is returned."""
    try:
        fn()
    except exc as e:
        return e
    raise AssertionError(f"{exc.__name__} not raised")
