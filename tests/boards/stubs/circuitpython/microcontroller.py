# CircuitPython's `microcontroller`: pins and the CPU (its temperature sensor reads 24-30 C).
class Pin:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "board." + self.name


class _Processor:
    frequency = 125000000
    _reads = 0

    @property
    def temperature(self):
        _Processor._reads += 1
        return 27.0 + (self._reads % 7 - 3) * 0.8


cpu = _Processor()


def reset():
    """Restart the board as from power-on: the board process ends on SIGUSR1, which board.py
    takes for a reset (cp_board.RESET_SIGNAL)."""
    from _cpreal import os

    os.system("kill -USR1 $PPID")
