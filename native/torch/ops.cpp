// Tensor operations: arithmetic, matmul, shape and indexing, reductions, comparisons, elementwise math.
// One entry point per libtorch call; the managed Tensor.*.cs files are the only callers.
#include "shim.h"
#include <vector>

namespace {
// A scalar crosses the ABI as a double plus a flag: integral scalars stay integral so that
// `long_tensor + 1` stays int64, as in PyTorch (a double exactly holds every index below 2^53).
inline at::Scalar scalar(double v, int integral) {
  return integral ? at::Scalar(static_cast<int64_t>(v)) : at::Scalar(v);
}

std::vector<at::Tensor> list(const gm_tensor* ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; i++) v.push_back(*ts[i]);
  return v;
}
}  // namespace

// ---- arithmetic ---------------------------------------------------------------------------------
GM_API gm_tensor gm_add(gm_tensor a, gm_tensor b, double alpha) { GM_TENSOR(at::add(*a, *b, alpha)) }
GM_API gm_tensor gm_sub(gm_tensor a, gm_tensor b, double alpha) { GM_TENSOR(at::sub(*a, *b, alpha)) }
GM_API gm_tensor gm_mul(gm_tensor a, gm_tensor b) { GM_TENSOR(at::mul(*a, *b)) }
GM_API gm_tensor gm_div(gm_tensor a, gm_tensor b) { GM_TENSOR(at::div(*a, *b)) }
GM_API gm_tensor gm_pow(gm_tensor a, gm_tensor b) { GM_TENSOR(at::pow(*a, *b)) }
GM_API gm_tensor gm_add_scalar(gm_tensor a, double v, int integral) { GM_TENSOR(at::add(*a, scalar(v, integral))) }
GM_API gm_tensor gm_sub_scalar(gm_tensor a, double v, int integral) { GM_TENSOR(at::sub(*a, scalar(v, integral))) }
GM_API gm_tensor gm_rsub_scalar(gm_tensor a, double v, int integral) { GM_TENSOR(at::rsub(*a, scalar(v, integral))) }
GM_API gm_tensor gm_mul_scalar(gm_tensor a, double v, int integral) { GM_TENSOR(at::mul(*a, scalar(v, integral))) }
GM_API gm_tensor gm_div_scalar(gm_tensor a, double v, int integral) { GM_TENSOR(at::div(*a, scalar(v, integral))) }
GM_API gm_tensor gm_rdiv_scalar(gm_tensor a, double v, int integral) { GM_TENSOR(at::reciprocal(*a).mul(scalar(v, integral))) }
GM_API gm_tensor gm_pow_scalar(gm_tensor a, double v, int integral) { GM_TENSOR(at::pow(*a, scalar(v, integral))) }
GM_API gm_tensor gm_neg(gm_tensor a) { GM_TENSOR(at::neg(*a)) }

GM_API int gm_add_(gm_tensor a, gm_tensor b, double alpha) { GM_STATUS(a->add_(*b, alpha);) }
GM_API int gm_add_scalar_(gm_tensor a, double v, int integral) { GM_STATUS(a->add_(scalar(v, integral));) }
GM_API int gm_mul_(gm_tensor a, gm_tensor b) { GM_STATUS(a->mul_(*b);) }
GM_API int gm_mul_scalar_(gm_tensor a, double v, int integral) { GM_STATUS(a->mul_(scalar(v, integral));) }
GM_API int gm_copy_(gm_tensor a, gm_tensor source) { GM_STATUS(a->copy_(*source);) }
GM_API int gm_fill_(gm_tensor a, double v, int integral) { GM_STATUS(a->fill_(scalar(v, integral));) }

// ---- products -----------------------------------------------------------------------------------
GM_API gm_tensor gm_matmul(gm_tensor a, gm_tensor b) { GM_TENSOR(at::matmul(*a, *b)) }
GM_API gm_tensor gm_bmm(gm_tensor a, gm_tensor b) { GM_TENSOR(at::bmm(*a, *b)) }
GM_API gm_tensor gm_baddbmm(gm_tensor input, gm_tensor a, gm_tensor b, double beta, double alpha) {
  GM_TENSOR(at::baddbmm(*input, *a, *b, beta, alpha))
}

// ---- elementwise math ---------------------------------------------------------------------------
GM_API gm_tensor gm_exp(gm_tensor a) { GM_TENSOR(at::exp(*a)) }
GM_API gm_tensor gm_log(gm_tensor a) { GM_TENSOR(at::log(*a)) }
GM_API gm_tensor gm_sqrt(gm_tensor a) { GM_TENSOR(at::sqrt(*a)) }
GM_API gm_tensor gm_rsqrt(gm_tensor a) { GM_TENSOR(at::rsqrt(*a)) }
GM_API gm_tensor gm_tanh(gm_tensor a) { GM_TENSOR(at::tanh(*a)) }
GM_API gm_tensor gm_sigmoid(gm_tensor a) { GM_TENSOR(at::sigmoid(*a)) }
GM_API gm_tensor gm_abs(gm_tensor a) { GM_TENSOR(at::abs(*a)) }
GM_API gm_tensor gm_floor(gm_tensor a) { GM_TENSOR(at::floor(*a)) }
GM_API gm_tensor gm_clamp(gm_tensor a, double min, int has_min, double max, int has_max) {
  GM_TENSOR(at::clamp(*a, has_min ? c10::optional<at::Scalar>(min) : c10::nullopt,
                      has_max ? c10::optional<at::Scalar>(max) : c10::nullopt))
}

// ---- comparisons and selection ------------------------------------------------------------------
// op: 0 eq, 1 ne, 2 lt, 3 le, 4 gt, 5 ge (the managed Comparison enum).
GM_API gm_tensor gm_compare(gm_tensor a, gm_tensor b, int op) {
  GM_TENSOR(([&] {
    switch (op) {
      case 0: return at::eq(*a, *b);
      case 1: return at::ne(*a, *b);
      case 2: return at::lt(*a, *b);
      case 3: return at::le(*a, *b);
      case 4: return at::gt(*a, *b);
      case 5: return at::ge(*a, *b);
    }
    TORCH_CHECK(false, "unknown comparison ", op);
  })())
}
GM_API gm_tensor gm_compare_scalar(gm_tensor a, double v, int integral, int op) {
  GM_TENSOR(([&] {
    auto s = scalar(v, integral);
    switch (op) {
      case 0: return at::eq(*a, s);
      case 1: return at::ne(*a, s);
      case 2: return at::lt(*a, s);
      case 3: return at::le(*a, s);
      case 4: return at::gt(*a, s);
      case 5: return at::ge(*a, s);
    }
    TORCH_CHECK(false, "unknown comparison ", op);
  })())
}
GM_API gm_tensor gm_logical_not(gm_tensor a) { GM_TENSOR(at::logical_not(*a)) }
GM_API int gm_allclose(gm_tensor a, gm_tensor b, double rtol, double atol, int* out) {
  GM_STATUS(*out = at::allclose(*a, *b, rtol, atol) ? 1 : 0;)
}
GM_API gm_tensor gm_masked_fill(gm_tensor a, gm_tensor mask, double v, int integral) {
  GM_TENSOR(a->masked_fill(*mask, scalar(v, integral)))
}
GM_API gm_tensor gm_where(gm_tensor condition, gm_tensor a, gm_tensor b) { GM_TENSOR(at::where(*condition, *a, *b)) }
GM_API gm_tensor gm_triu(gm_tensor a, int64_t diagonal) { GM_TENSOR(at::triu(*a, diagonal)) }
GM_API gm_tensor gm_tril(gm_tensor a, int64_t diagonal) { GM_TENSOR(at::tril(*a, diagonal)) }

// ---- reductions ---------------------------------------------------------------------------------
GM_API gm_tensor gm_sum(gm_tensor a) { GM_TENSOR(at::sum(*a)) }
GM_API gm_tensor gm_sum_dim(gm_tensor a, int64_t dim, int keepdim) { GM_TENSOR(at::sum(*a, {dim}, keepdim != 0)) }
GM_API gm_tensor gm_mean(gm_tensor a) { GM_TENSOR(at::mean(*a)) }
GM_API gm_tensor gm_mean_dim(gm_tensor a, int64_t dim, int keepdim) { GM_TENSOR(at::mean(*a, {dim}, keepdim != 0)) }
GM_API gm_tensor gm_max(gm_tensor a) { GM_TENSOR(at::max(*a)) }
GM_API int gm_max_dim(gm_tensor a, int64_t dim, int keepdim, gm_tensor* values, gm_tensor* indices) {
  GM_STATUS(
    auto r = at::max(*a, dim, keepdim != 0);
    *values = gm::wrap(std::get<0>(r));
    *indices = gm::wrap(std::get<1>(r));
  )
}
GM_API gm_tensor gm_cumsum(gm_tensor a, int64_t dim) { GM_TENSOR(at::cumsum(*a, dim)) }
GM_API gm_tensor gm_argmax(gm_tensor a, int64_t dim, int has_dim, int keepdim) {
  GM_TENSOR(at::argmax(*a, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}

// ---- shape --------------------------------------------------------------------------------------
GM_API gm_tensor gm_view(gm_tensor a, const int64_t* dims, int n) { GM_TENSOR(a->view(gm::dims(dims, n))) }
GM_API gm_tensor gm_reshape(gm_tensor a, const int64_t* dims, int n) { GM_TENSOR(a->reshape(gm::dims(dims, n))) }
GM_API gm_tensor gm_expand(gm_tensor a, const int64_t* dims, int n) { GM_TENSOR(a->expand(gm::dims(dims, n))) }
GM_API gm_tensor gm_permute(gm_tensor a, const int64_t* dims, int n) { GM_TENSOR(a->permute(gm::dims(dims, n))) }
GM_API gm_tensor gm_transpose(gm_tensor a, int64_t d0, int64_t d1) { GM_TENSOR(a->transpose(d0, d1)) }
GM_API gm_tensor gm_unsqueeze(gm_tensor a, int64_t dim) { GM_TENSOR(a->unsqueeze(dim)) }
GM_API gm_tensor gm_squeeze(gm_tensor a) { GM_TENSOR(a->squeeze()) }
GM_API gm_tensor gm_squeeze_dim(gm_tensor a, int64_t dim) { GM_TENSOR(a->squeeze(dim)) }
GM_API gm_tensor gm_flatten(gm_tensor a, int64_t start, int64_t end) { GM_TENSOR(a->flatten(start, end)) }
GM_API gm_tensor gm_narrow(gm_tensor a, int64_t dim, int64_t start, int64_t length) {
  GM_TENSOR(a->narrow(dim, start, length))
}
GM_API gm_tensor gm_cat(const gm_tensor* ts, int n, int64_t dim) { GM_TENSOR(at::cat(list(ts, n), dim)) }
GM_API gm_tensor gm_stack(const gm_tensor* ts, int n, int64_t dim) { GM_TENSOR(at::stack(list(ts, n), dim)) }

// ---- indexing -----------------------------------------------------------------------------------
GM_API gm_tensor gm_index_select(gm_tensor a, int64_t dim, gm_tensor index) { GM_TENSOR(at::index_select(*a, dim, *index)) }
GM_API gm_tensor gm_gather(gm_tensor a, int64_t dim, gm_tensor index) { GM_TENSOR(at::gather(*a, dim, *index)) }
// Writes `source`'s slices into `a` at `index` along `dim` (KV-cache rows).
GM_API int gm_index_copy_(gm_tensor a, int64_t dim, gm_tensor index, gm_tensor source) {
  GM_STATUS(a->index_copy_(dim, *index, *source);)
}

// ---- creation -----------------------------------------------------------------------------------
GM_API gm_tensor gm_arange(double start, double end, double step, int8_t dtype, int8_t device_type, int device_index) {
  GM_TENSOR(at::arange(start, end, step, at::TensorOptions()
                                            .dtype(static_cast<at::ScalarType>(dtype))
                                            .device(static_cast<at::DeviceType>(device_type), device_index)))
}
