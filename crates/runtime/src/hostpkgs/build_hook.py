# One PEP 517 hook, run by `belay-run -I -c` in the source tree (docs/host-packages.md, "Source
# distributions"): argv is BACKEND HOOK OUT RESULT PATH...; the PATHs (the build environment, the
# backend-path folders) go first on sys.path, and the hook's return value is written to RESULT as
# JSON. A hook the backend does not have gives [] (PEP 517's default for the get_requires hooks).
import json
import sys

backend, hook, out, result = sys.argv[1:5]
sys.path[0:0] = sys.argv[5:]
module, _, attribute = backend.partition(":")
target = __import__(module, fromlist=["_"])
for part in filter(None, attribute.split(".")):
    target = getattr(target, part)
function = getattr(target, hook, None)
if function is None:
    value = []
elif hook == "build_wheel":
    value = function(out, {})
else:
    value = function({})
with open(result, "w") as f:
    json.dump(value, f)
