// The native heap's size, for tests that prove tensors do not leak (libtorch's CPU allocator
// takes its memory from malloc; large blocks are mmapped and counted in hblkhd).
#include "shim.h"
#include <malloc.h>

GM_API int64_t gm_native_heap_bytes() {
  struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}
