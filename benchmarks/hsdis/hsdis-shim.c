/*
 * hsdis-amd64.so for JDK 17 on top of Debian's libhsdis0-fcml, so that
 * `-prof perfasm` (and -XX:+PrintAssembly) print instructions instead of raw bytes.
 *
 * Debian 12's libhsdis.so.0 (FCML) exports only the old entry point, decode_instructions(start,
 * end, ...), which reads the code at its own address. JDK 17 looks up decode_instructions_virtual,
 * which also passes the buffer holding the code and its length. HotSpot passes the code where it
 * lies (buffer == start_va), so forwarding the buffer's bounds to the old entry point is exact.
 *
 * Build and use (docs/benchmarks.md):
 *   apt-get install libhsdis0-fcml gcc
 *   gcc -O2 -shared -fPIC -o /tmp/hsdis/hsdis-amd64.so benchmarks/hsdis/hsdis-shim.c -ldl
 *   LD_LIBRARY_PATH=/tmp/hsdis java -jar benchmarks/target/benchmarks.jar ... -prof perfasm
 */
#include <dlfcn.h>
#include <stdint.h>

typedef void *(*event_callback)(void *stream, const char *event, void *arg);
typedef int (*printf_callback)(void *stream, const char *format, ...);
typedef void *(*decode_fn)(void *start, void *end, event_callback, void *event_stream,
                           printf_callback, void *printf_stream, const char *options);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer,
                                  uintptr_t length, event_callback event, void *event_stream,
                                  printf_callback printf_fn, void *printf_stream,
                                  const char *options, int newline) {
  static decode_fn decode;
  (void)start_va;
  (void)end_va;
  (void)newline;
  if (decode == 0) {
    void *lib = dlopen("libhsdis.so.0", RTLD_NOW);
    if (lib == 0) {
      return 0; /* HotSpot then prints raw bytes, as without any hsdis */
    }
    decode = (decode_fn)dlsym(lib, "decode_instructions");
    if (decode == 0) {
      return 0;
    }
  }
  return decode(buffer, buffer + length, event, event_stream, printf_fn, printf_stream, options);
}
