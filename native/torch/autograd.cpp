// Autograd: requires_grad, backward, grad, detach and the thread-local grad mode.
#include "shim.h"
#include <ATen/autocast_mode.h>

GM_API int gm_tensor_requires_grad(gm_tensor t) { return t->requires_grad() ? 1 : 0; }
GM_API int gm_tensor_set_requires_grad(gm_tensor t, int value) { GM_STATUS(t->requires_grad_(value != 0);) }

// The accumulated gradient, or nullptr with no error recorded when there is none.
GM_API gm_tensor gm_tensor_grad(gm_tensor t) {
  GM_TRY(nullptr,
    const auto& g = t->grad();
    return g.defined() ? gm::wrap(g) : nullptr;
  )
}

GM_API int gm_tensor_set_grad(gm_tensor t, gm_tensor grad) { GM_STATUS(t->mutable_grad() = grad ? *grad : at::Tensor();) }
GM_API int gm_tensor_zero_grad(gm_tensor t) {
  GM_STATUS(
    auto& g = t->mutable_grad();
    if (g.defined()) g.zero_();
  )
}

// Backward from `t` (a scalar unless `grad_output` is given).
GM_API int gm_tensor_backward(gm_tensor t, gm_tensor grad_output, int retain_graph) {
  GM_STATUS(t->backward(grad_output ? *grad_output : at::Tensor(), retain_graph != 0);)
}

GM_API gm_tensor gm_tensor_detach(gm_tensor t) { GM_TENSOR(t->detach()) }

// Grad mode is thread-local in libtorch; the managed NoGradScope sets it around synchronous work.
GM_API int gm_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
GM_API void gm_set_grad_enabled(int enabled) { at::GradMode::set_enabled(enabled != 0); }

// Autocast (libtorch's mixed precision) on CPU or CUDA: thread-local like grad mode. While enabled,
// matrix products (linear, matmul, conv) on that device run in `dtype` (bfloat16) on bfloat16 copies
// of their fp32 inputs (an input already in bfloat16 is used as it is), and ops that need the range
// (cross-entropy, ...) run in fp32; autograd records the casts, so gradients reach the fp32 weights.
// The managed AutocastScope enters and exits on one thread. Exit clears the cast-weight cache when the
// outermost scope ends: a cached bfloat16 copy would otherwise outlive the optimizer's update of its
// weight. libtorch 2.4 replaced the per-device setters with device-generic ones.
namespace {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(at::DeviceType device) { return at::autocast::is_autocast_enabled(device); }
at::ScalarType autocast_dtype(at::DeviceType device) { return at::autocast::get_autocast_dtype(device); }
void set_autocast(at::DeviceType device, bool enabled, at::ScalarType dtype) {
  at::autocast::set_autocast_dtype(device, dtype);
  at::autocast::set_autocast_enabled(device, enabled);
}
#else
bool autocast_enabled(at::DeviceType device) {
  return device == at::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
}
at::ScalarType autocast_dtype(at::DeviceType device) {
  return device == at::kCPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
}
void set_autocast(at::DeviceType device, bool enabled, at::ScalarType dtype) {
  if (device == at::kCPU) {
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(enabled);
  }
}
#endif
at::DeviceType autocast_device(int8_t device_type) {
  auto device = static_cast<at::DeviceType>(device_type);
  TORCH_CHECK(device == at::kCPU || device == at::kCUDA, "autocast runs on cpu or cuda, not ", device);
  return device;
}
}  // namespace

GM_API int gm_autocast_enter(int8_t device_type, int8_t dtype, int* previous_enabled, int8_t* previous_dtype) {
  GM_STATUS(
    auto device = autocast_device(device_type);
    *previous_enabled = autocast_enabled(device) ? 1 : 0;
    *previous_dtype = static_cast<int8_t>(autocast_dtype(device));
    set_autocast(device, true, static_cast<at::ScalarType>(dtype));
    at::autocast::increment_nesting();
  )
}

GM_API int gm_autocast_exit(int8_t device_type, int previous_enabled, int8_t previous_dtype) {
  GM_STATUS(
    auto device = autocast_device(device_type);
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_autocast(device, previous_enabled != 0, static_cast<at::ScalarType>(previous_dtype));
  )
}

GM_API int gm_autocast_enabled(int8_t device_type) {
  return autocast_enabled(static_cast<at::DeviceType>(device_type)) ? 1 : 0;
}
