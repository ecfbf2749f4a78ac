"""A wrong password is refused with belay.AuthenticationError, and the password is not shown."""
import sys

import belay

try:
    belay.Device(sys.argv[1], password="wrong-secret")
except belay.AuthenticationError as e:
    assert "wrong-secret" not in str(e), str(e)
    print("refused:", e)
else:
    raise AssertionError("a wrong password was accepted")
