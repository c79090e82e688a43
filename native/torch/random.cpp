// Seeded generators and everything that draws from them: random tensors, in-place initializers,
// top-k and multinomial sampling. A null generator means libtorch's default one (Torch.ManualSeed).
#include "shim.h"
#include <ATen/CPUGeneratorImpl.h>

typedef at::Generator* gm_generator;

namespace {
inline c10::optional<at::Generator> gen(gm_generator g) {
  return g ? c10::optional<at::Generator>(*g) : c10::nullopt;
}
inline at::TensorOptions options(int8_t dtype, int8_t device_type, int device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(static_cast<at::DeviceType>(device_type), device_index);
}
}  // namespace

// A generator of its own, seeded; on CUDA a clone of the device's default generator, re-seeded
// (so the shim needs no CUDA headers and still builds against a CPU-only libtorch).
GM_API gm_generator gm_generator_new(uint64_t seed, int8_t device_type, int device_index) {
  GM_TRY(nullptr,
    auto device = at::Device(static_cast<at::DeviceType>(device_type), static_cast<at::DeviceIndex>(device_index));
    if (device.is_cpu()) return new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed));
    TORCH_CHECK(device.is_cuda(), "generators exist for cpu and cuda devices, not ", device);
    auto g = at::globalContext().defaultGenerator(device).clone();
    {
      std::lock_guard<std::mutex> lock(g.mutex());
      g.set_current_seed(seed);
    }
    return new at::Generator(std::move(g));
  )
}

GM_API void gm_generator_free(gm_generator g) { delete g; }

GM_API int gm_generator_set_seed(gm_generator g, uint64_t seed) {
  GM_STATUS(
    std::lock_guard<std::mutex> lock(g->mutex());
    g->set_current_seed(seed);
  )
}

GM_API gm_tensor gm_rand(const int64_t* dims, int n, gm_generator g, int8_t dtype, int8_t device_type, int device_index) {
  GM_TENSOR(at::rand(gm::dims(dims, n), gen(g), options(dtype, device_type, device_index)))
}

GM_API gm_tensor gm_randn(const int64_t* dims, int n, gm_generator g, int8_t dtype, int8_t device_type, int device_index) {
  GM_TENSOR(at::randn(gm::dims(dims, n), gen(g), options(dtype, device_type, device_index)))
}

GM_API gm_tensor gm_randint(int64_t low, int64_t high, const int64_t* dims, int n, gm_generator g, int8_t dtype,
                            int8_t device_type, int device_index) {
  GM_TENSOR(at::randint(low, high, gm::dims(dims, n), gen(g), options(dtype, device_type, device_index)))
}

// In-place initializers for parameters; they run without recording a graph.
GM_API int gm_uniform_(gm_tensor t, double from, double to, gm_generator g) {
  GM_STATUS(
    at::NoGradGuard no_grad;
    t->uniform_(from, to, gen(g));
  )
}

GM_API int gm_normal_(gm_tensor t, double mean, double std, gm_generator g) {
  GM_STATUS(
    at::NoGradGuard no_grad;
    t->normal_(mean, std, gen(g));
  )
}

GM_API int gm_topk(gm_tensor t, int64_t k, int64_t dim, int largest, int sorted, gm_tensor* values, gm_tensor* indices) {
  GM_STATUS(
    auto r = at::topk(*t, k, dim, largest != 0, sorted != 0);
    *values = gm::wrap(std::get<0>(r));
    *indices = gm::wrap(std::get<1>(r));
  )
}

GM_API gm_tensor gm_multinomial(gm_tensor probs, int64_t samples, int replacement, gm_generator g) {
  GM_TENSOR(at::multinomial(*probs, samples, replacement != 0, gen(g)))
}

// Inverted dropout with an explicit generator (at::dropout takes none): keeps each element with
// probability 1 - p and scales survivors by 1 / (1 - p); the identity when not training.
GM_API gm_tensor gm_dropout(gm_tensor x, double p, int training, gm_generator g) {
  GM_TENSOR(([&]() -> at::Tensor {
    TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
    if (!training || p == 0) return *x;
    if (p == 1) return at::mul(*x, at::zeros_like(*x));
    auto keep = at::empty_like(*x).bernoulli_(1 - p, gen(g));
    return at::mul(*x, keep.div_(1 - p));
  })())
}
