# A list from the bytes of a packed little-endian array of type code t; with f, the array holds
# the differences between neighbours after the first value f (defined when first sent).
def _Bi(t, b, f=None):
    a = _By(t, b)
    if f is None:
        return list(a)
    r = [f]
    for x in a:
        f += x
        r.append(f)
    return r
# The narrowest array type code that holds the ints of v (None: past 32 bits).
def _BC(v):
    a,b=min(v),max(v)
    for c,n in(('b',128),('h',32768),('i',2147483648)):
        if -n<=a and b<n:return c
# A list of ints packed the same way for a result: I<code><base64> (the values), or
# D<code><first>,<base64> (the differences between neighbours, when they pack narrower); None
# when the list holds anything else or ints past 32 bits.
def _BI(v):
    for x in v:
        if type(x) is not int:return
    c=_BC(v)
    if not c:return
    d=[v[i]-v[i-1]for i in range(1,len(v))]
    e=_BC(d)
    if e and e<c:return'D%s%d,'%(e,v[0])+_Bb(bytes(_By(e,d))).decode().strip()
    return'I'+c+_Bb(bytes(_By(c,v))).decode().strip()
