"""Modbus TCP server on Debian's python3-pymodbus (3.0.x), the independent implementation the
adapter is tested against. Run with /usr/bin/python3. Binds 127.0.0.1 on a free port, prints
"LISTENING <port>" and serves until its stdin closes (the test ends).

The process image (0-based addresses, zero_mode=True, blocks sized exactly so that anything
outside them answers exception 02 ILLEGAL_DATA_ADDRESS):
  holding registers 0-19:
     0-1  float32 123.456, big-endian words        (0x42F6 0xE979)
     2-3  float32 123.456, little-endian words     (0xE979 0x42F6)
     4    int16 -2
     5    uint16 65535
     6-7  int32 -100000, big-endian words
     8-9  uint32 3000000000, little-endian words
    10-13 float64 -0.5, big-endian words
    14-19 zero, for writes
  input registers 0-3: 0 = 1234, 1 = 0x8001 (bits 0 and 15)
  coils 0-7: 1 on
  discrete inputs 0-7: 2 on
"""
import asyncio
import struct
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncTcpServer


def words(fmt, value, little_words=False):
    raw = struct.pack(fmt, value)
    ws = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
    return ws[::-1] if little_words else ws


def image():
    hr = (words(">f", 123.456) + words(">f", 123.456, little_words=True)
          + words(">h", -2) + words(">H", 65535)
          + words(">i", -100000) + words(">I", 3000000000, little_words=True)
          + words(">d", -0.5) + [0] * 6)
    assert len(hr) == 20
    ir = [1234, 0x8001, 0, 0]
    co = [False, True] + [False] * 6
    di = [False, False, True] + [False] * 5
    return ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, hr),
        ir=ModbusSequentialDataBlock(0, ir),
        co=ModbusSequentialDataBlock(0, co),
        di=ModbusSequentialDataBlock(0, di),
        zero_mode=True,
    )


async def main():
    context = ModbusServerContext(slaves=image(), single=True)
    server = await StartAsyncTcpServer(
        context=context, address=("127.0.0.1", 0), defer_start=True)
    serving = asyncio.create_task(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    print(f"LISTENING {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.shutdown()
    serving.cancel()


if __name__ == "__main__":
    asyncio.run(main())
