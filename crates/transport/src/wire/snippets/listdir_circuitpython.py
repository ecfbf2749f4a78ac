def __belay_ls(d):
    for n in os.listdir(d):
        yield (n, os.stat((d if d != '/' else '') + '/' + n)[0])
