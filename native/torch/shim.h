// The conventions every libgatomesh_torch entry point follows (TorchSharp's THS* pattern, smaller):
// - a tensor crosses the ABI as an owned `at::Tensor*` (gm_tensor); gm_tensor_free releases it;
// - every entry point catches C++ exceptions and records the message in a thread-local string;
//   it then returns a failure value (nullptr for handles, -1 for status codes) and the managed side
//   raises TorchException with gm_last_error()'s text;
// - shapes cross as (const int64_t* dims, int ndim).
#pragma once
#include <torch/torch.h>
#include <string>

#define GM_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* gm_tensor;

namespace gm {
void set_error(const char* message);

inline gm_tensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }
inline at::IntArrayRef dims(const int64_t* d, int n) { return at::IntArrayRef(d, static_cast<size_t>(n)); }
}  // namespace gm

// Body of an entry point that returns `fail` after recording the message of any C++ exception.
#define GM_TRY(fail, ...)                                                   \
  try {                                                                     \
    __VA_ARGS__                                                             \
  } catch (const c10::Error& e) {                                           \
    gm::set_error(e.what_without_backtrace());                              \
    return fail;                                                            \
  } catch (const std::exception& e) {                                       \
    gm::set_error(e.what());                                                \
    return fail;                                                            \
  } catch (...) {                                                           \
    gm::set_error("unknown C++ exception");                                 \
    return fail;                                                            \
  }

// Shorthands: an entry point returning a new tensor, or a status (0 ok, -1 failed).
#define GM_TENSOR(...) GM_TRY(nullptr, return gm::wrap(__VA_ARGS__);)
#define GM_STATUS(...) GM_TRY(-1, __VA_ARGS__ return 0;)
