# A timed result: the board time in the middle of the evaluation (T<ticks>|), then the value.
# Defined with the first timed call.
def _Bt(t0,v):_Br(v,'T%d|'%_Bs(t0,_Bd(_Bm(),t0)>>1))
