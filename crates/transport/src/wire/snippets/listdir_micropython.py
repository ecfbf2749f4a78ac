_BL = os.ilistdir
