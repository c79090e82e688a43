// Tensor lifetime, creation from and copy to host memory, metadata, devices and threads.
#include "shim.h"
#include <cstring>

GM_API void gm_tensor_free(gm_tensor t) { delete t; }

GM_API gm_tensor gm_tensor_from_data(const void* data, const int64_t* dims, int ndim, int8_t dtype, int8_t device_type,
                                     int device_index) {
  GM_TENSOR(([&] {
    auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
    auto cpu = at::empty(gm::dims(dims, ndim), options);
    if (cpu.numel() > 0) std::memcpy(cpu.data_ptr(), data, cpu.numel() * cpu.element_size());
    auto device = at::Device(static_cast<at::DeviceType>(device_type), static_cast<at::DeviceIndex>(device_index));
    return device.is_cpu() ? cpu : cpu.to(device);
  })())
}

// Copies the tensor's elements, in row-major order, into `out` (capacity `bytes`).
GM_API int gm_tensor_copy_to(gm_tensor t, void* out, int64_t bytes) {
  GM_STATUS(
    auto cpu = t->to(at::kCPU).contiguous();
    int64_t need = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    TORCH_CHECK(need <= bytes, "destination holds ", bytes, " bytes but the tensor has ", need);
    if (need > 0) std::memcpy(out, cpu.data_ptr(), need);
  )
}

// Copies the tensor's elements converted to `dtype`, in row-major order, into `out` (capacity `bytes`):
// one call for a device's or a bfloat16 tensor's values as host floats.
GM_API int gm_tensor_copy_to_as(gm_tensor t, int8_t dtype, void* out, int64_t bytes) {
  GM_STATUS(
    auto cpu = t->to(at::kCPU, static_cast<at::ScalarType>(dtype)).contiguous();
    int64_t need = cpu.numel() * static_cast<int64_t>(cpu.element_size());
    TORCH_CHECK(need <= bytes, "destination holds ", bytes, " bytes but the tensor has ", need);
    if (need > 0) std::memcpy(out, cpu.data_ptr(), need);
  )
}

// PyTorch's `t.data = source`: `t` takes `source`'s storage, dtype and device, keeping its identity (a
// module's parameter handle stays valid), as nn.Module.to() converts parameters.
GM_API int gm_tensor_set_data(gm_tensor t, gm_tensor source) { GM_STATUS(t->set_data(*source);) }

GM_API gm_tensor gm_tensor_empty(const int64_t* dims, int ndim, int8_t dtype, int8_t device_type, int device_index) {
  GM_TENSOR(at::empty(gm::dims(dims, ndim), at::TensorOptions()
                                                .dtype(static_cast<at::ScalarType>(dtype))
                                                .device(static_cast<at::DeviceType>(device_type), device_index)))
}

GM_API gm_tensor gm_tensor_full(const int64_t* dims, int ndim, double value, int8_t dtype, int8_t device_type,
                                int device_index) {
  GM_TENSOR(at::full(gm::dims(dims, ndim), value,
                     at::TensorOptions()
                         .dtype(static_cast<at::ScalarType>(dtype))
                         .device(static_cast<at::DeviceType>(device_type), device_index)))
}

GM_API int gm_tensor_ndim(gm_tensor t) { return static_cast<int>(t->dim()); }

GM_API int gm_tensor_sizes(gm_tensor t, int64_t* out, int capacity) {
  GM_STATUS(
    TORCH_CHECK(capacity >= t->dim(), "shape buffer too small");
    for (int64_t i = 0; i < t->dim(); i++) out[i] = t->size(i);
  )
}

GM_API int64_t gm_tensor_numel(gm_tensor t) { return t->numel(); }
GM_API int8_t gm_tensor_dtype(gm_tensor t) { return static_cast<int8_t>(t->scalar_type()); }
GM_API int8_t gm_tensor_device_type(gm_tensor t) { return static_cast<int8_t>(t->device().type()); }
GM_API int gm_tensor_device_index(gm_tensor t) { return t->device().index(); }

GM_API gm_tensor gm_tensor_to(gm_tensor t, int8_t dtype, int8_t device_type, int device_index) {
  GM_TENSOR(t->to(at::Device(static_cast<at::DeviceType>(device_type), static_cast<at::DeviceIndex>(device_index)),
                  static_cast<at::ScalarType>(dtype)))
}

GM_API int gm_tensor_item(gm_tensor t, double* out) { GM_STATUS(*out = t->item<double>();) }

GM_API gm_tensor gm_tensor_clone(gm_tensor t) { GM_TENSOR(t->clone()) }
GM_API gm_tensor gm_tensor_contiguous(gm_tensor t) { GM_TENSOR(t->contiguous()) }

// The version string libtorch was built as (e.g. "1.13.1").
GM_API const char* gm_torch_version() {
  static const std::string version = [] {
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
  }();
  return version.c_str();
}

GM_API int gm_cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }
GM_API int gm_get_num_threads() { return at::get_num_threads(); }
GM_API int gm_set_num_threads(int n) { GM_STATUS(at::set_num_threads(n);) }
GM_API void gm_manual_seed(uint64_t seed) { torch::manual_seed(seed); }
