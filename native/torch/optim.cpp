// Fused optimizer kernels: one native call per step over every parameter (an array of handles), so a
// step costs one ABI crossing, not one per tensor. All run under NoGradGuard: they mutate leaves.
#include "shim.h"
#include <cmath>
#include <vector>

namespace {
void check_state(const at::Tensor& p, const at::Tensor& state, const char* what, int i) {
  TORCH_CHECK(state.sizes() == p.sizes(), "parameter ", i, ": ", what, " has shape ", state.sizes(),
              " but the parameter has ", p.sizes());
  TORCH_CHECK(state.scalar_type() == p.scalar_type() && state.device() == p.device(), "parameter ", i, ": ", what,
              " is ", state.scalar_type(), " on ", state.device(), " but the parameter is ", p.scalar_type(), " on ",
              p.device());
}
}  // namespace

// AdamW (Loshchilov & Hutter 2019, algorithm 2; torch.optim.AdamW's arithmetic):
//   p <- p - lr*wd*p;  m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2;
//   p <- p - lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
// steps[i] is parameter i's own step count; it advances only when the parameter has a gradient (as
// torch's per-parameter state does). Everything is validated before anything is mutated, so a bad
// argument leaves parameters and state untouched.
GM_API int gm_adamw_step(gm_tensor* params, gm_tensor* exp_avg, gm_tensor* exp_avg_sq, int64_t* steps, int n,
                         double lr, double beta1, double beta2, double eps, double weight_decay) {
  GM_STATUS(
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; i++) {
      const auto& p = *params[i];
      TORCH_CHECK(at::isFloatingType(p.scalar_type()), "parameter ", i, " has dtype ", p.scalar_type(),
                  "; AdamW needs a floating-point parameter");
      check_state(p, *exp_avg[i], "exp_avg", i);
      check_state(p, *exp_avg_sq[i], "exp_avg_sq", i);
      const auto& g = p.grad();
      if (g.defined())
        TORCH_CHECK(g.sizes() == p.sizes(), "parameter ", i, ": gradient has shape ", g.sizes(),
                    " but the parameter has ", p.sizes());
    }
    for (int i = 0; i < n; i++) {
      auto& p = *params[i];
      const auto& g = p.grad();
      if (!g.defined()) continue;
      auto& m = *exp_avg[i];
      auto& v = *exp_avg_sq[i];
      int64_t t = ++steps[i];
      if (weight_decay != 0) p.mul_(1 - lr * weight_decay);
      m.mul_(beta1).add_(g, 1 - beta1);
      v.mul_(beta2).addcmul_(g, g, 1 - beta2);
      double bias1 = 1 - std::pow(beta1, static_cast<double>(t));
      double bias2 = 1 - std::pow(beta2, static_cast<double>(t));
      auto denom = (v.sqrt() / std::sqrt(bias2)).add_(eps);
      p.addcdiv_(m, denom, -lr / bias1);
    }
  )
}

// Scales every gradient by max_norm / total when the global L2 norm `total` of all gradients exceeds
// max_norm (torch.nn.utils.clip_grad_norm_ with its 1e-6 guard); smaller gradients are left exactly as
// they are. A non-finite total leaves the gradients alone: the caller sees it and skips the step.
GM_API int gm_clip_grad_norm(gm_tensor* params, int n, double max_norm, double* total_norm) {
  GM_STATUS(
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> grads;
    for (int i = 0; i < n; i++)
      if (params[i]->grad().defined()) grads.push_back(params[i]->grad());
    double sum_sq = 0;
    for (const auto& g : grads) {
      double norm = g.norm(2).item<double>();
      sum_sq += norm * norm;
    }
    double total = std::sqrt(sum_sq);
    *total_norm = total;
    double coefficient = max_norm / (total + 1e-6);
    if (std::isfinite(total) && coefficient < 1)
      for (auto& g : grads) g.mul_(coefficient);
  )
}
