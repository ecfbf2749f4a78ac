def _BL(d, os=__import__('os')):
    for n in os.listdir(d):
        yield (n, os.stat((d if d != '/' else '') + '/' + n)[0])
