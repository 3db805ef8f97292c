#!/usr/bin/python3
# Copied verbatim from the Node-RED anchor harness (../shared/anchors/nodered/harness/slave.py) so that
# both systems read the same slave; e2e.py --nodered puts this file into the anchor copy it runs.
"""Modbus TCP slave (pymodbus 3.0.0, Debian) with an in-process updater.

Holding-register layout per unit id (zero-based addresses, zero_mode=True):
  0..99    : 100 "sensor" values (uint16), changed by the updater
  100..103 : change timestamp, microseconds since epoch, 64-bit, big-endian words
  104..105 : change sequence number, 32-bit
  106..109 : read timestamp (us, 64-bit) stamped by the datablock at the moment a
             request reads it -> lets the client compute poll->MQTT pipeline latency
The updater changes all sensor values of every unit at random intervals uniform in
[--upd-min-ms, --upd-max-ms] (default 200..300 ms, i.e. 4 changes/s on average);
randomised so that the (change -> next poll) wait is not phase-locked to the poll timer.
"""
import argparse, asyncio, logging, math, os, random, signal, sys, time

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.server import StartAsyncTcpServer, ServerAsyncStop

NREG = 100
R_TC, R_SEQ, R_TR, TOTAL = 100, 104, 106, 110
STATS = {"reads": 0}


def words64(x):
    return [(x >> 48) & 0xFFFF, (x >> 32) & 0xFFFF, (x >> 16) & 0xFFFF, x & 0xFFFF]


class StampingBlock(ModbusSequentialDataBlock):
    """Sequential block that writes the current time into R_TR..R_TR+3 on every read."""

    def getValues(self, address, count=1):
        STATS["reads"] += 1
        if address <= R_TR + 3 and address + count > R_TR:
            now = time.time_ns() // 1000
            self.values[R_TR:R_TR + 4] = words64(now)
        return super().getValues(address, count)


def make_unit(i):
    blk = StampingBlock(0, [0] * TOTAL)
    tiny = ModbusSequentialDataBlock(0, [0] * 8)
    return ModbusSlaveContext(hr=blk, di=tiny, co=tiny, ir=tiny, zero_mode=True), blk


async def updater(blocks, upd_min, upd_max, seed):
    rnd = random.Random(seed)
    # each register: own period 5..30 s and phase -> alarms toggle every few seconds
    params = [[(rnd.uniform(5, 30), rnd.uniform(0, 2 * math.pi)) for _ in range(NREG)]
              for _ in blocks]
    seq = 0
    t0 = time.time()
    while True:
        await asyncio.sleep(rnd.uniform(upd_min, upd_max) / 1000.0)
        seq = (seq + 1) & 0xFFFFFFFF
        t = time.time() - t0
        for b, prm in zip(blocks, params):
            vals = [max(0, min(65535, int(32768 + 24000 * math.sin(2 * math.pi * t / per + ph)
                                          + rnd.uniform(-500, 500)))) for per, ph in prm]
            now = time.time_ns() // 1000  # stamp right before the (atomic) update
            b.values[0:NREG] = vals
            b.values[R_TC:R_TC + 4] = words64(now)
            b.values[R_SEQ:R_SEQ + 2] = [(seq >> 16) & 0xFFFF, seq & 0xFFFF]


async def stats_printer(path):
    while True:
        await asyncio.sleep(1.0)
        if path:
            with open(path, "w") as f:
                f.write(str(STATS["reads"]) + "\n")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=15020)
    ap.add_argument("--units", type=int, default=1)
    ap.add_argument("--upd-min-ms", type=float, default=200)
    ap.add_argument("--upd-max-ms", type=float, default=300)
    ap.add_argument("--stats-file", default="")
    a = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    slaves, blocks = {}, []
    for u in range(1, a.units + 1):
        ctx, blk = make_unit(u)
        slaves[u] = ctx
        blocks.append(blk)
    context = ModbusServerContext(slaves=slaves, single=False)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(ServerAsyncStop()))
    asyncio.ensure_future(updater(blocks, a.upd_min_ms, a.upd_max_ms, 42))
    asyncio.ensure_future(stats_printer(a.stats_file))
    print(f"slave listening {a.host}:{a.port} units=1..{a.units}", flush=True)
    await StartAsyncTcpServer(context=context, address=(a.host, a.port), allow_reuse_address=True)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
