def inner():
    raise ValueError("boom on the host")


inner()
