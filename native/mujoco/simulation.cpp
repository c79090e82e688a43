// Load, reset, control, step and read MuJoCo simulations through a flat C ABI (see shim.h).
#include "shim.h"

#include <cstring>
#include <mutex>

namespace {
thread_local std::string last_error;

// MuJoCo's default error handler exits the process; ours throws so the entry point reports it.
void throw_mujoco_error(const char* message) { throw gm::mujoco_error(message); }

void install_error_handler() {
  static std::once_flag once;
  std::call_once(once, [] { mju_user_error = throw_mujoco_error; });
}

gm_mj load(const char* filename, const mjVFS* vfs) {
  install_error_handler();
  char error[1000] = "";
  mjModel* model = mj_loadXML(filename, vfs, error, sizeof error);
  if (!model) throw gm::mujoco_error(error[0] ? error : "mj_loadXML failed without a message");
  mjData* data = mj_makeData(model);
  if (!data) {
    mj_deleteModel(model);
    throw gm::mujoco_error("mj_makeData failed");
  }
  mj_forward(model, data);
  return new gm_simulation{model, data};
}

// Copies min(count, capacity) values and returns count, so a caller can size its buffer.
int copy_out(const mjtNum* source, int count, double* out, int capacity) {
  std::memcpy(out, source, sizeof(double) * static_cast<size_t>(count < capacity ? count : capacity));
  return count;
}

void copy_in(mjtNum* target, int count, const double* values, int length, const char* what) {
  if (length != count)
    throw gm::mujoco_error(std::string(what) + " has " + std::to_string(count) + " values, got " +
                           std::to_string(length));
  std::memcpy(target, values, sizeof(double) * static_cast<size_t>(count));
}

// A diverged simulation (NaN or huge accelerations) is reset by MuJoCo with a warning; we report
// it rather than let a policy keep acting on a state that silently jumped.
void check_warnings(const mjData* data) {
  static const char* names[] = {"inertia", "contact list full", "constraints full", "visual geoms full",
                                "bad qpos", "bad qvel", "bad qacc", "bad ctrl"};
  for (int i = mjWARN_BADQPOS; i <= mjWARN_BADCTRL; ++i)
    if (data->warning[i].number > 0)
      throw gm::mujoco_error(std::string("simulation diverged (") + names[i] + ") at time " +
                             std::to_string(data->time));
}
}  // namespace

void gm::set_mj_error(const std::string& message) { last_error = message; }

// The message of the last failed call on this thread. Valid until the next failure on this thread.
GM_API const char* gm_mj_last_error() { return last_error.c_str(); }

// Loads an MJCF model from its XML text (through a one-file virtual file system).
GM_API gm_mj gm_mj_load_xml_string(const char* xml) {
  GM_MJ_TRY(nullptr, {
    install_error_handler();
    mjVFS vfs;
    mj_defaultVFS(&vfs);
    const int size = static_cast<int>(std::strlen(xml));
    if (mj_makeEmptyFileVFS(&vfs, "model.xml", size) != 0) throw gm::mujoco_error("cannot allocate the VFS file");
    std::memcpy(vfs.filedata[0], xml, static_cast<size_t>(size));
    try {
      gm_mj simulation = load("model.xml", &vfs);
      mj_deleteVFS(&vfs);
      return simulation;
    } catch (...) {
      mj_deleteVFS(&vfs);
      throw;
    }
  })
}

GM_API gm_mj gm_mj_load_xml_file(const char* path) { GM_MJ_TRY(nullptr, return load(path, nullptr);) }

GM_API void gm_mj_free(gm_mj simulation) {
  if (!simulation) return;
  mj_deleteData(simulation->data);
  mj_deleteModel(simulation->model);
  delete simulation;
}

// Sizes: 0 nq, 1 nv, 2 nu, 3 nsensordata.
GM_API int gm_mj_size(gm_mj simulation, int which) {
  GM_MJ_TRY(-1, {
    const mjModel* m = simulation->model;
    switch (which) {
      case 0: return m->nq;
      case 1: return m->nv;
      case 2: return m->nu;
      case 3: return m->nsensordata;
      default: throw gm::mujoco_error("unknown size " + std::to_string(which));
    }
  })
}

GM_API double gm_mj_timestep(gm_mj simulation) { return simulation->model->opt.timestep; }

GM_API double gm_mj_time(gm_mj simulation) { return simulation->data->time; }

// Back to the model's initial state (qpos0, zero velocity, zero controls), then forward kinematics.
GM_API int gm_mj_reset(gm_mj simulation) {
  GM_MJ_TRY(-1, {
    mj_resetData(simulation->model, simulation->data);
    mj_forward(simulation->model, simulation->data);
    return 0;
  })
}

// Sets qpos and qvel (lengths nq and nv) and recomputes positions and sensors.
GM_API int gm_mj_set_state(gm_mj simulation, const double* qpos, int nq, const double* qvel, int nv) {
  GM_MJ_TRY(-1, {
    copy_in(simulation->data->qpos, simulation->model->nq, qpos, nq, "qpos");
    copy_in(simulation->data->qvel, simulation->model->nv, qvel, nv, "qvel");
    mj_forward(simulation->model, simulation->data);
    return 0;
  })
}

GM_API int gm_mj_set_ctrl(gm_mj simulation, const double* ctrl, int nu) {
  GM_MJ_TRY(-1, {
    copy_in(simulation->data->ctrl, simulation->model->nu, ctrl, nu, "ctrl");
    return 0;
  })
}

// Advances `substeps` physics steps with the current controls; the sensors then read the new state.
GM_API int gm_mj_step(gm_mj simulation, int substeps) {
  GM_MJ_TRY(-1, {
    if (substeps < 1) throw gm::mujoco_error("substeps must be positive, got " + std::to_string(substeps));
    for (int i = 0; i < substeps; ++i) mj_step(simulation->model, simulation->data);
    check_warnings(simulation->data);
    mj_forward(simulation->model, simulation->data);
    return 0;
  })
}

GM_API int gm_mj_qpos(gm_mj simulation, double* out, int capacity) {
  GM_MJ_TRY(-1, return copy_out(simulation->data->qpos, simulation->model->nq, out, capacity);)
}

GM_API int gm_mj_qvel(gm_mj simulation, double* out, int capacity) {
  GM_MJ_TRY(-1, return copy_out(simulation->data->qvel, simulation->model->nv, out, capacity);)
}

GM_API int gm_mj_sensordata(gm_mj simulation, double* out, int capacity) {
  GM_MJ_TRY(-1, return copy_out(simulation->data->sensordata, simulation->model->nsensordata, out, capacity);)
}
