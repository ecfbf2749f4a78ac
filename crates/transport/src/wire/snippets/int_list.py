# A list from a packed little-endian array of type code t, in base64 (defined when first sent).
def _Bi(t, b):
    return list(_By(t, _Ba(b)))
# A list of ints packed the same way, in the narrowest type, for a result (I<code><base64>); None
# when the list holds anything else or ints past 32 bits.
def _BI(v):
    for x in v:
        if type(x) is not int:return
    a,b=min(v),max(v)
    for c,n in(('b',128),('h',32768),('i',2147483648)):
        if -n<=a and b<n:return'I'+c+_Bb(bytes(_By(c,v))).decode().strip()
