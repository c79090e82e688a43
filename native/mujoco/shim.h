// The conventions every libgatomesh_mujoco entry point follows (the same idea as
// native/torch/shim.h, without torch):
// - a simulation (one mjModel and its mjData) crosses the ABI as an owned opaque pointer (gm_mj);
//   gm_mj_free releases it;
// - every entry point catches C++ exceptions, MuJoCo's own errors (mju_user_error, raised as an
//   exception) and its load messages into a thread-local string; it then returns a failure value
//   (nullptr for handles, -1 for counts and status codes) and the managed side raises
//   MujocoException with gm_mj_last_error()'s text.
#pragma once
#include <mujoco/mujoco.h>
#include <exception>
#include <string>

#define GM_API extern "C" __attribute__((visibility("default")))

struct gm_simulation {
  mjModel* model;
  mjData* data;
};
typedef gm_simulation* gm_mj;

namespace gm {
void set_mj_error(const std::string& message);

struct mujoco_error : std::exception {
  std::string message;
  explicit mujoco_error(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};
}  // namespace gm

// Body of an entry point that returns `fail` after recording the message of any C++ exception.
#define GM_MJ_TRY(fail, ...)                                                \
  try {                                                                     \
    __VA_ARGS__                                                             \
  } catch (const std::exception& e) {                                       \
    gm::set_mj_error(e.what());                                             \
    return fail;                                                            \
  } catch (...) {                                                           \
    gm::set_mj_error("unknown C++ exception");                              \
    return fail;                                                            \
  }
