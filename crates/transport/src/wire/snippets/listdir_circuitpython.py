import os
def _BL(d):
    for n in os.listdir(d):
        yield (n, os.stat((d if d != '/' else '') + '/' + n)[0])
