import os
_BL = os.ilistdir
