// Raw element bytes of a tensor, for formats that stream them (safetensors): the managed side writes
// straight from the tensor's storage instead of copying it into a managed buffer first.
#include "shim.h"

// The address of the first element of a CPU, contiguous tensor (nullptr + error otherwise). Valid while
// the tensor handle lives and nobody resizes it.
GM_API const void* gm_tensor_data_ptr(gm_tensor t) {
  GM_TRY(nullptr,
    TORCH_CHECK(t->device().is_cpu(), "tensor is on ", t->device(), "; its bytes are readable only on the CPU");
    TORCH_CHECK(t->is_contiguous(), "tensor is not contiguous; call contiguous() first");
    return t->numel() == 0 ? static_cast<const void*>("") : t->data_ptr();
  )
}

// numel * element_size, or -1 + error.
GM_API int64_t gm_tensor_nbytes(gm_tensor t) {
  GM_TRY(-1, return t->numel() * static_cast<int64_t>(t->element_size());)
}
