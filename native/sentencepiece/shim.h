// The conventions every libgatomesh_sentencepiece entry point follows (the same idea as
// native/torch/shim.h, without torch):
// - a processor crosses the ABI as an owned opaque pointer (gm_spm); gm_spm_free releases it;
// - every entry point catches C++ exceptions, and turns a failed sentencepiece::util::Status into
//   a message, recorded in a thread-local string; it then returns a failure value (nullptr for
//   handles, -1 for counts and status codes) and the managed side raises SentencePieceException
//   with gm_spm_last_error()'s text.
#pragma once
#include <sentencepiece_processor.h>
#include <exception>
#include <string>

#define GM_API extern "C" __attribute__((visibility("default")))

typedef sentencepiece::SentencePieceProcessor* gm_spm;

namespace gm {
void set_spm_error(const std::string& message);

// Throws the status's message so GM_SPM_TRY records it like any other failure.
struct status_error : std::exception {
  std::string message;
  explicit status_error(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};
inline void check(const sentencepiece::util::Status& status) {
  if (!status.ok()) throw status_error(status.ToString());
}
}  // namespace gm

// Body of an entry point that returns `fail` after recording the message of any C++ exception.
#define GM_SPM_TRY(fail, ...)                                               \
  try {                                                                     \
    __VA_ARGS__                                                             \
  } catch (const std::exception& e) {                                       \
    gm::set_spm_error(e.what());                                            \
    return fail;                                                            \
  } catch (...) {                                                           \
    gm::set_spm_error("unknown C++ exception");                             \
    return fail;                                                            \
  }
