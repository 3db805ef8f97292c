# A stand-in for systemd's notification socket: binds an AF_UNIX datagram socket at argv[1] and
# prints every message it receives on one line (the message's own newlines as " | ").
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("BOUND", flush=True)
while True:
    data, _ = s.recvfrom(65536)
    print(data.decode("utf-8", "replace").replace("\n", " | "), flush=True)
