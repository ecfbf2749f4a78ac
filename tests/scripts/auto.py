import belay

try:
    belay.Device()
except (belay.DeviceNotFoundError, belay.InsufficientSpecifierError) as e:
    print(type(e).__name__, str(e), sep=": ")
