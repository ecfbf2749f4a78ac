import time

print("sleeping", flush=True)
try:
    time.sleep(30)
except KeyboardInterrupt:
    print("caught KeyboardInterrupt")
