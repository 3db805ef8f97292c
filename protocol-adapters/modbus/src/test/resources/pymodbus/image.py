"""The process image the pymodbus interop servers serve (tcp_server.py, rtu_server.py). 0-based
addresses, zero_mode=True, blocks sized exactly so that anything outside them answers exception
02 ILLEGAL_DATA_ADDRESS. Values are laid out with Python's struct module, independently of the
adapter's codec.

  holding registers 0-59:
     0-1  float32 123.456, big-endian words        (0x42F6 0xE979)
     2-3  float32 123.456, little-endian words     (0xE979 0x42F6)
     4    int16 -2
     5    uint16 65535
     6-7  int32 -100000, big-endian words
     8-9  uint32 3000000000, little-endian words
    10-13 float64 -0.5, big-endian words
    14-19 zero, for writes
    20-21 int32 -100000, little-endian words
    22-23 uint32 3000000000, big-endian words
    24-27 float64 -0.5, little-endian words
    28-31 int64 -1234567890123, big-endian words
    32-35 int64 -1234567890123, little-endian words
    36    0xA500: uint16 165 with byte_order little
    37-39 zero
    40-59 zero, for writes
  input registers 0-3: 0 = 1234, 1 = 0x8001 (bits 0 and 15), 2-3 float32 -1.5 little-endian words
  coils 0-7: 1 on
  discrete inputs 0-7: 2 on
"""
import struct

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext


def words(fmt, value, little_words=False):
    raw = struct.pack(fmt, value)
    ws = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
    return ws[::-1] if little_words else ws


def holding():
    hr = (words(">f", 123.456) + words(">f", 123.456, little_words=True)
          + words(">h", -2) + words(">H", 65535)
          + words(">i", -100000) + words(">I", 3000000000, little_words=True)
          + words(">d", -0.5) + [0] * 6
          + words(">i", -100000, little_words=True) + words(">I", 3000000000)
          + words(">d", -0.5, little_words=True)
          + words(">q", -1234567890123) + words(">q", -1234567890123, little_words=True)
          + [0xA500, 0, 0, 0]
          + [0] * 20)
    assert len(hr) == 60, len(hr)
    return hr


def slave():
    ir = [1234, 0x8001] + words(">f", -1.5, little_words=True)
    co = [False, True] + [False] * 6
    di = [False, False, True] + [False] * 5
    return ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, holding()),
        ir=ModbusSequentialDataBlock(0, ir),
        co=ModbusSequentialDataBlock(0, co),
        di=ModbusSequentialDataBlock(0, di),
        zero_mode=True,
    )
