# A list from a packed little-endian array of type code t, in base64 (defined when first sent).
def _Bi(t, b):
    return list(_By(t, _Ba(b)))
