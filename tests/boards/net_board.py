#!/usr/bin/env python3
"""A real MicroPython board behind a network protocol, on 127.0.0.1, for transport tests.

    net_board.py {telnet,webrepl,tcp} [--board unix|wasm] [--user U] [--password P]

The board (board.py --stdio, so it soft-reboots like a real one) starts once and survives
connections, like a networked board. The listening address is printed as `127.0.0.1:PORT` on the
first line of stdout; the server stops when its stdin closes.

- telnet: like MicroPython's telnet REPL (WiPy/ESP boards): option negotiation, `Login as:`,
  `Password:`, then the REPL; 0xFF bytes are escaped as IAC IAC in both directions.
- webrepl: MicroPython's WebREPL: a WebSocket upgrade, `Password: `, then `WebREPL connected`;
  REPL bytes travel in (unvalidated) text frames both ways.
- tcp: the raw REPL byte stream, as ser2net or `socket://` users know it.
"""
import argparse
import base64
import hashlib
import os
import struct
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
        # As MicroPython's telnet server: say so and ask again (the client gives up).
        conn.sendall(b"\r\nInvalid credentials, try again.\r\nLogin as: ")
        try:
            while conn.recv(1024):
                pass
        except OSError:
            pass
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


def quietly(handler, conn):
    """A client that vanishes mid-session is normal for a board: no traceback."""
    try:
        handler(conn)
    except (ConnectionError, OSError):
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
            threading.Thread(target=quietly, args=(handler, conn), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


def ws_accept(conn):
    """Server side of the WebSocket upgrade; returns leftover bytes after the request."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the upgrade")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    key = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    conn.sendall(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )
    return rest


def ws_send(conn, payload, opcode=0x1):
    """One unmasked frame, as MicroPython's WebREPL sends (text frames of raw REPL bytes)."""
    n = len(payload)
    if n < 126:
        header = bytes([0x80 | opcode, n])
    elif n < 65536:
        header = bytes([0x80 | opcode, 126]) + struct.pack(">H", n)
    else:
        header = bytes([0x80 | opcode, 127]) + struct.pack(">Q", n)
    conn.sendall(header + payload)


class WsFrames:
    """Reads client frames (masked, as RFC 6455 requires) and yields their payloads."""

    def __init__(self, conn, leftover):
        self.conn = conn
        self.buf = leftover

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk

    def next(self):
        while True:
            self._need(2)
            opcode = self.buf[0] & 0x0F
            length = self.buf[1] & 0x7F
            at = 2
            if length == 126:
                self._need(4)
                length = struct.unpack(">H", self.buf[2:4])[0]
                at = 4
            elif length == 127:
                self._need(10)
                length = struct.unpack(">Q", self.buf[2:10])[0]
                at = 10
            if not self.buf[1] & 0x80:
                raise ConnectionError("client frames must be masked")
            self._need(at + 4 + length)
            mask = self.buf[at:at + 4]
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.buf[at + 4:at + 4 + length]))
            self.buf = self.buf[at + 4 + length:]
            if opcode == 0x8:
                raise ConnectionError("closed by the client")
            if opcode in (0x0, 0x1, 0x2):
                return payload


def webrepl_session(conn, board, password):
    frames = WsFrames(conn, ws_accept(conn))
    ws_send(conn, b"Password: ")
    typed = b""
    while not typed.endswith(b"\r"):
        typed += frames.next()
    if typed[:-1] != password.encode():
        ws_send(conn, b"\r\nAccess denied\r\n")
        conn.close()
        return
    ws_send(conn, b"\r\nWebREPL connected\r\n>>> ")
    send = lambda data: ws_send(conn, data)
    board.attach(send)
    try:
        while True:
            board.write(frames.next())
    except (ConnectionError, OSError):
        pass
    finally:
        board.detach(send)
        conn.close()


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
        serve_socket(args, board, lambda c: webrepl_session(c, board, args.password))
    # Run until the test that started us closes our stdin.
    sys.stdin.buffer.read()
    board.proc.kill()


if __name__ == "__main__":
    main()
