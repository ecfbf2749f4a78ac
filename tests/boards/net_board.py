#!/usr/bin/env python3
"""A real MicroPython board behind a network protocol, on 127.0.0.1, for transport tests.

    net_board.py {telnet,webrepl,tcp} [--board unix|wasm] [--user U] [--password P]

The board (board.py --stdio, so it soft-reboots like a real one) starts once and survives
connections, like a networked board. The listening address is printed as `127.0.0.1:PORT` on the
first line of stdout; the server stops when its stdin closes.

- telnet: like MicroPython's telnet REPL (WiPy/ESP boards): option negotiation, `Login as:`,
  `Password:`, then the REPL; 0xFF bytes are escaped as IAC IAC in both directions.
- webrepl: MicroPython's WebREPL over websockets: `Password: `, then `WebREPL connected`, REPL
  bytes in websocket frames.
- tcp: the raw REPL byte stream, as ser2net or `socket://` users know it.
"""
import argparse
import os
import socket
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3


class BoardProcess:
    """One board on pipes; one client at a time is bridged to it."""

    def __init__(self, kind):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "board.py"), kind, "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.lock = threading.Lock()
        self.client_send = None
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        while True:
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                os._exit(0)
            with self.lock:
                send = self.client_send
            if send is not None:
                try:
                    send(data)
                except OSError:
                    pass

    def attach(self, send):
        with self.lock:
            self.client_send = send

    def detach(self, send):
        with self.lock:
            if self.client_send is send:
                self.client_send = None

    def write(self, data):
        self.proc.stdin.write(data)


def read_line(conn, strip_telnet):
    """Read one CR/LF terminated line (telnet option answers removed)."""
    buf = bytearray()
    while True:
        b = conn.recv(1)
        if not b:
            raise ConnectionError("closed during login")
        c = b[0]
        if strip_telnet and c == IAC:
            cmd = conn.recv(1)[0]
            if cmd in (DO, DONT, WILL, WONT):
                conn.recv(1)
            continue
        if c in (10, 13):
            if buf:
                # swallow the LF of a CR LF
                return bytes(buf)
            continue
        buf.append(c)


def telnet_session(conn, board, user, password):
    conn.sendall(bytes([IAC, WILL, ECHO, IAC, WILL, SGA]))
    conn.sendall(b"MicroPython telnet server\r\nLogin as: ")
    got_user = read_line(conn, True)
    conn.sendall(b"\r\nPassword: ")
    got_password = read_line(conn, True)
    if got_user != user.encode() or got_password != password.encode():
        conn.sendall(b"\r\nInvalid credentials, try again.\r\n")
        conn.close()
        return
    conn.sendall(b'\r\nLogin succeeded!\r\nType "help()" for more information.\r\n\r\n')

    def send(data):
        conn.sendall(data.replace(b"\xff", b"\xff\xff"))

    board.attach(send)
    try:
        pending = b""
        while True:
            data = conn.recv(65536)
            if not data:
                break
            data = pending + data
            pending = b""
            out = bytearray()
            i = 0
            while i < len(data):
                c = data[i]
                if c != IAC:
                    out.append(c)
                    i += 1
                    continue
                if i + 1 >= len(data):
                    pending = data[i:]
                    break
                cmd = data[i + 1]
                if cmd == IAC:
                    out.append(IAC)
                    i += 2
                elif cmd in (DO, DONT, WILL, WONT):
                    if i + 2 >= len(data):
                        pending = data[i:]
                        break
                    i += 3
                else:
                    i += 2
            if out:
                board.write(bytes(out))
    finally:
        board.detach(send)
        conn.close()


def tcp_session(conn, board):
    board.attach(conn.sendall)
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            board.write(data)
    finally:
        board.detach(conn.sendall)
        conn.close()


def serve_socket(args, board, handler):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen()
    print("127.0.0.1:%d" % srv.getsockname()[1], flush=True)

    def accept():
        while True:
            conn, _ = srv.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=handler, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


def serve_webrepl(args, board):
    from websockets.sync.server import serve

    def handler(ws):
        ws.send("Password: ")
        typed = ""
        while not typed.endswith("\r"):
            msg = ws.recv()
            typed += msg if isinstance(msg, str) else msg.decode()
        if typed[:-1] != args.password:
            ws.send("\r\nAccess denied\r\n")
            ws.close()
            return
        ws.send("\r\nWebREPL connected\r\n>>> ")

        def send(data):
            ws.send(data)  # binary frames, as bytes

        board.attach(send)
        try:
            for msg in ws:
                board.write(msg.encode("latin-1") if isinstance(msg, str) else msg)
        except Exception:
            pass
        finally:
            board.detach(send)

    server = serve(handler, "127.0.0.1", args.port, compression=None)
    print("127.0.0.1:%d" % server.socket.getsockname()[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("protocol", choices=["telnet", "webrepl", "tcp"])
    ap.add_argument("--board", default="unix", choices=["unix", "wasm"])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user", default="micro")
    ap.add_argument("--password", default="python")
    args = ap.parse_args()

    board = BoardProcess(args.board)
    if args.protocol == "telnet":
        serve_socket(args, board, lambda c: telnet_session(c, board, args.user, args.password))
    elif args.protocol == "tcp":
        serve_socket(args, board, lambda c: tcp_session(c, board))
    else:
        serve_webrepl(args, board)
    # Run until the test that started us closes our stdin.
    sys.stdin.buffer.read()
    board.proc.kill()


if __name__ == "__main__":
    main()
