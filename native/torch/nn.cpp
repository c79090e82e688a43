// Neural-network functions (torch.nn.functional): linear, activations, normalizations, convolution,
// embedding and the masked cross-entropy Gato trains with (paper section 2.3: loss only on text and
// action tokens).
#include "shim.h"

namespace {
inline c10::optional<at::Tensor> opt(gm_tensor t) { return t ? c10::optional<at::Tensor>(*t) : c10::nullopt; }
}  // namespace

GM_API gm_tensor gm_linear(gm_tensor x, gm_tensor weight, gm_tensor bias) { GM_TENSOR(at::linear(*x, *weight, opt(bias))) }
GM_API gm_tensor gm_softmax(gm_tensor x, int64_t dim) { GM_TENSOR(at::softmax(*x, dim)) }
GM_API gm_tensor gm_log_softmax(gm_tensor x, int64_t dim) { GM_TENSOR(at::log_softmax(*x, dim)) }
GM_API gm_tensor gm_gelu(gm_tensor x, int tanh) { GM_TENSOR(at::gelu(*x, tanh ? "tanh" : "none")) }
GM_API gm_tensor gm_relu(gm_tensor x) { GM_TENSOR(at::relu(*x)) }

GM_API gm_tensor gm_layer_norm(gm_tensor x, const int64_t* shape, int n, gm_tensor weight, gm_tensor bias, double eps) {
  GM_TENSOR(at::layer_norm(*x, gm::dims(shape, n), opt(weight), opt(bias), eps))
}

GM_API gm_tensor gm_group_norm(gm_tensor x, int64_t groups, gm_tensor weight, gm_tensor bias, double eps) {
  GM_TENSOR(at::group_norm(*x, groups, opt(weight), opt(bias), eps))
}

GM_API gm_tensor gm_conv2d(gm_tensor x, gm_tensor weight, gm_tensor bias, int64_t stride_h, int64_t stride_w,
                           int64_t pad_h, int64_t pad_w, int64_t dil_h, int64_t dil_w, int64_t groups) {
  GM_TENSOR(at::conv2d(*x, *weight, opt(bias), {stride_h, stride_w}, {pad_h, pad_w}, {dil_h, dil_w}, groups))
}

GM_API gm_tensor gm_embedding(gm_tensor weight, gm_tensor ids) {
  GM_TENSOR(([&] {
    TORCH_CHECK(ids->scalar_type() == at::kLong || ids->scalar_type() == at::kInt,
                "embedding ids must be Int64 or Int32, got ", ids->scalar_type());
    return at::embedding(*weight, *ids);
  })())
}

// logits [N, V], targets [N] int64, mask [N] bool or float. Writes the mean of the per-token
// losses over masked positions (0 when the mask is empty) and every position's loss, unmasked.
GM_API int gm_masked_cross_entropy(gm_tensor logits, gm_tensor targets, gm_tensor mask, gm_tensor* loss,
                                   gm_tensor* per_token) {
  GM_STATUS(
    TORCH_CHECK(logits->dim() == 2, "logits must be [N, V], got ", logits->sizes());
    TORCH_CHECK(targets->scalar_type() == at::kLong, "targets must be Int64, got ", targets->scalar_type());
    TORCH_CHECK(targets->dim() == 1 && targets->size(0) == logits->size(0),
                "targets must be [N] = [", logits->size(0), "], got ", targets->sizes());
    TORCH_CHECK(mask->scalar_type() == at::kBool || at::isFloatingType(mask->scalar_type()),
                "mask must be Bool or floating point, got ", mask->scalar_type());
    TORCH_CHECK(mask->sizes() == targets->sizes(), "mask must be [N] = [", logits->size(0), "], got ", mask->sizes());
    auto per = at::cross_entropy_loss(*logits, *targets, {}, at::Reduction::None);
    auto weights = mask->to(per.scalar_type());
    auto mean = at::sum(per * weights) / at::clamp_min(at::sum(weights), 1);
    *loss = gm::wrap(mean);
    *per_token = gm::wrap(per);
  )
}
