"""Standard input and output relayed to a TCP board: a Windows program an `exec:` port can run
under wine (tests/cross.sh), where a Linux board process cannot get the pipes.

    relay.py HOST PORT
"""
import os
import socket
import sys
import threading

sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))


def to_board():
    while True:
        data = os.read(0, 4096)
        if not data:
            break
        sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)


threading.Thread(target=to_board, daemon=True).start()
while True:
    data = sock.recv(4096)
    if not data:
        break
    os.write(1, data)
