__belay_ls = os.ilistdir
