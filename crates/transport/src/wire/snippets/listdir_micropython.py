_BL = __import__('os').ilistdir
