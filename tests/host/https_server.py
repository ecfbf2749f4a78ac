"""A local HTTPS server for the `ssl` and https download tests: a test CA and a certificate for
localhost signed by it, made with openssl, then every `GET` answered with a fixed text.

    https_server.py DIR   (writes DIR/cert.pem, the CA certificate clients trust, and the server's
                           files; prints the port, serves until stdin closes)
"""
import http.server
import os
import ssl
import subprocess
import sys
import threading

folder = sys.argv[1]
# A small CA (cert.pem: what clients trust) and the server's own certificate signed by it, as a
# real server has: certificate checkers such as webpki refuse a CA certificate used by a server.
cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "ca-key.pem")
leaf, leaf_key = os.path.join(folder, "server.pem"), os.path.join(folder, "server-key.pem")
request = os.path.join(folder, "server.csr")
extensions = os.path.join(folder, "server.ext")


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=belay-run test CA",
        "-keyout", key, "-out", cert)
openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", leaf_key, "-out", request)
with open(extensions, "w") as f:
    f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
openssl("x509", "-req", "-in", request, "-CA", cert, "-CAkey", key, "-CAcreateserial", "-days", "1",
        "-extfile", extensions, "-out", leaf)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello over TLS"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(leaf, leaf_key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
