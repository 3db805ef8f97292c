"""Modbus RTU slaves on Debian's python3-pymodbus (3.0.x), the independent implementation the RTU
adapter is tested against. Run with /usr/bin/python3 rtu_server.py PORT UNIT [UNIT...]: serves
image.py's process image (one copy per unit) on the serial port PORT (one end of a socat pty
pair) with the RTU framer, 19200 baud 8N1, prints "SERVING" and runs until its stdin closes.
Unit ids it does not serve get no answer (ignore_missing_slaves), as on a real bus.

8N1, not the Modbus default 8E1: pyserial 3.5 cannot set even parity together with a read timeout
on a pty (tcsetattr fails with EINVAL), and pymodbus always passes a timeout. A pty ignores the
line settings anyway.
"""
import asyncio
import sys

from pymodbus.datastore import ModbusServerContext
from pymodbus.server import StartAsyncSerialServer
from pymodbus.transaction import ModbusRtuFramer

import image


async def main():
    port = sys.argv[1]
    units = [int(u) for u in sys.argv[2:]] or [1]
    context = ModbusServerContext(slaves={u: image.slave() for u in units}, single=False)
    # StartAsyncSerialServer defaults to the ASCII framer: the RTU framer must be passed
    server = await StartAsyncSerialServer(
        context=context, framer=ModbusRtuFramer, port=port, baudrate=19200, bytesize=8,
        parity="N", stopbits=1, ignore_missing_slaves=True, defer_start=True)
    await server.start()
    serving = asyncio.create_task(server.serve_forever())
    print("SERVING", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.shutdown()
    serving.cancel()


if __name__ == "__main__":
    asyncio.run(main())
