// Autograd: requires_grad, backward, grad, detach and the thread-local grad mode.
#include "shim.h"

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
