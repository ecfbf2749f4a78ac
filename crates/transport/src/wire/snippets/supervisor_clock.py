# CircuitPython's board clock, for a board without time.ticks_ms (defined right after the helpers):
# supervisor.ticks_ms counts 29-bit milliseconds that wrap. Prints ticks_max.
import supervisor;_Bm=supervisor.ticks_ms
_Bs=lambda t,d:(t+d)&536870911
_Bd=lambda a,b:((a-b+268435456)&536870911)-268435456
_Br(_Bs(0,-1))
