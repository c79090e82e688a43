// torch.distributed through libtorch's c10d: a TCPStore for rendezvous and a ProcessGroupGloo for the
// collectives. Every collective waits on its work, so the managed side sees a synchronous call whose
// failure (a peer gone, a timeout) arrives as c10d's own message through gm_last_error.
// Built with Gloo only when CMake found gloo's headers (GATOMESH_GLOO); without them the entry points
// exist and report that, so the rest of the shim still builds against a libtorch shipped without them.
#include "shim.h"

#ifdef GATOMESH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace {
constexpr int kBackendGloo = 0;
constexpr int kReduceSum = 0;
constexpr int kReduceAverage = 1;
}  // namespace

// 1 when this build can create a group on `backend` (0 Gloo, 1 NCCL), else 0.
GM_API int gm_distributed_has_backend(int backend) {
#ifdef GATOMESH_GLOO
  return backend == kBackendGloo ? 1 : 0;
#else
  return 0;
#endif
}

#ifdef GATOMESH_GLOO
struct gm_process_group {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

// Joins a group of `world_size` processes. Rank 0 hosts the TCPStore on host:port; every rank's Gloo
// device binds to 127.0.0.1 (GatoMesh groups are single-host, loopback only: docs/DISTRIBUTED.md).
// Blocks until every rank has joined or `timeout_ms` passes.
GM_API gm_process_group* gm_process_group_create(const char* host, int port, int rank, int world_size,
                                                 int64_t timeout_ms) {
  GM_TRY(nullptr,
    TORCH_CHECK(world_size >= 1, "world size ", world_size, " is not positive");
    TORCH_CHECK(rank >= 0 && rank < world_size, "rank ", rank, " is outside [0, ", world_size, ")");
    TORCH_CHECK(port > 0 && port < 65536, "port ", port, " is outside (0, 65536)");
    auto timeout = std::chrono::milliseconds(timeout_ms);
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(port);
    store_options.isServer = rank == 0;
    store_options.numWorkers = world_size;
    store_options.waitWorkers = true;
    store_options.timeout = timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(std::string(host), store_options);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    options->threads = 2;
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world_size, options);
    return new gm_process_group{std::move(store), std::move(group)};
  )
}

GM_API void gm_process_group_free(gm_process_group* g) { delete g; }

GM_API int gm_process_group_allreduce(gm_process_group* g, gm_tensor t, int op) {
  GM_STATUS(
    TORCH_CHECK(op == kReduceSum || op == kReduceAverage, "unknown reduce op ", op);
    TORCH_CHECK(op != kReduceAverage || at::isFloatingType(t->scalar_type()), "Average needs a floating-point tensor, not ",
                t->scalar_type());
    std::vector<at::Tensor> tensors{*t};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    g->group->allreduce(tensors, options)->wait();
    // Gloo has no average: sum, then divide by the world size.
    if (op == kReduceAverage) {
      at::NoGradGuard no_grad;
      t->div_(g->group->getSize());
    }
  )
}

GM_API int gm_process_group_broadcast(gm_process_group* g, gm_tensor t, int root) {
  GM_STATUS(
    TORCH_CHECK(root >= 0 && root < g->group->getSize(), "root ", root, " is outside [0, ", g->group->getSize(), ")");
    std::vector<at::Tensor> tensors{*t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    g->group->broadcast(tensors, options)->wait();
  )
}

GM_API int gm_process_group_barrier(gm_process_group* g) { GM_STATUS(g->group->barrier()->wait();) }

// Every rank's `input`, stacked along a new leading dimension of size world_size (rank order).
GM_API gm_tensor gm_process_group_allgather(gm_process_group* g, gm_tensor input) {
  GM_TRY(nullptr,
    std::vector<at::Tensor> inputs{*input};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < g->group->getSize(); r++) outputs[0].push_back(at::empty_like(*input));
    g->group->allgather(outputs, inputs)->wait();
    return gm::wrap(at::stack(outputs[0]));
  )
}

GM_API int gm_process_group_rank(gm_process_group* g) { return g->group->getRank(); }
GM_API int gm_process_group_size(gm_process_group* g) { return g->group->getSize(); }

#else
struct gm_process_group {};

namespace {
constexpr const char* kNoGloo = "this libgatomesh_torch was built without Gloo (no gloo headers were found)";
}

GM_API gm_process_group* gm_process_group_create(const char*, int, int, int, int64_t) {
  gm::set_error(kNoGloo);
  return nullptr;
}
GM_API void gm_process_group_free(gm_process_group* g) { delete g; }
GM_API int gm_process_group_allreduce(gm_process_group*, gm_tensor, int) { gm::set_error(kNoGloo); return -1; }
GM_API int gm_process_group_broadcast(gm_process_group*, gm_tensor, int) { gm::set_error(kNoGloo); return -1; }
GM_API int gm_process_group_barrier(gm_process_group*) { gm::set_error(kNoGloo); return -1; }
GM_API gm_tensor gm_process_group_allgather(gm_process_group*, gm_tensor) { gm::set_error(kNoGloo); return nullptr; }
GM_API int gm_process_group_rank(gm_process_group*) { return -1; }
GM_API int gm_process_group_size(gm_process_group*) { return -1; }
#endif
