# Bytes from raw DEFLATE streams, each in base64 and at most 4 KiB before compression (so its
# back-references stay within a 4 KiB window: wbits 12). Defined when compressed data is first sent.
def _BZ(*c):
    import deflate, io
    return b''.join(deflate.DeflateIO(io.BytesIO(_Ba(s)), deflate.RAW, 12).read() for s in c)
