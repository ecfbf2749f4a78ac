@micropython.native
def _Be(a, b): return a + b
@micropython.viper
def _Be(a, b): return a + b
del _Be
