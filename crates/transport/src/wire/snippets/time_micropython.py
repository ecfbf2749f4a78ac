import time
__belay_monotonic = time.ticks_ms
__belay_ticks_diff = time.ticks_diff
__belay_ticks_add = time.ticks_add
__belay_r(__belay_ticks_add(0, -1))
