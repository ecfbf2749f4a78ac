import time

try:
    print("sleeping", flush=True)
    time.sleep(30)
except KeyboardInterrupt:
    print("caught KeyboardInterrupt")
