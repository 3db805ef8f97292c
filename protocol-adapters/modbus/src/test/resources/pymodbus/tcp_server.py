"""Modbus TCP server on Debian's python3-pymodbus (3.0.x), the independent implementation the
adapter is tested against. Run with /usr/bin/python3. Binds 127.0.0.1 on a free port, prints
"LISTENING <port>" and serves image.py's process image until its stdin closes (the test ends).
"""
import asyncio
import sys

from pymodbus.datastore import ModbusServerContext
from pymodbus.server import StartAsyncTcpServer

import image


async def main():
    context = ModbusServerContext(slaves=image.slave(), single=True)
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
