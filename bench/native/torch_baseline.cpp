// The C++ side of `bench torch`: the binding's two workloads run straight against libtorch.
// Usage: torch_baseline THREADS ADD_ITERATIONS MATMUL_ITERATIONS
// Prints one JSON object: add_ns (median ns per add of two 64-float tensors, result freed each time)
// and matmul_gflops (median GFLOP/s of 1024x1024x1024 fp32 matmul).
#include <torch/torch.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: torch_baseline THREADS ADD_ITERATIONS MATMUL_ITERATIONS\n");
    return 2;
  }
  at::set_num_threads(std::atoi(argv[1]));
  const long add_iterations = std::atol(argv[2]);
  const int matmul_iterations = std::atoi(argv[3]);
  using clock = std::chrono::steady_clock;
  torch::manual_seed(1);

  auto a = torch::randn({64}), b = torch::randn({64});
  std::vector<double> add_ns;
  for (int rep = 0; rep < 7; rep++) {
    auto start = clock::now();
    for (long i = 0; i < add_iterations; i++) {
      auto c = a + b;
    }
    add_ns.push_back(std::chrono::duration<double, std::nano>(clock::now() - start).count() / add_iterations);
  }

  auto x = torch::randn({1024, 1024}), y = torch::randn({1024, 1024});
  auto warm = x.matmul(y);
  std::vector<double> gflops;
  for (int rep = 0; rep < matmul_iterations; rep++) {
    auto start = clock::now();
    auto z = x.matmul(y);
    double seconds = std::chrono::duration<double>(clock::now() - start).count();
    gflops.push_back(2.0 * 1024 * 1024 * 1024 / seconds / 1e9);
  }
  std::printf("{\"add_ns\":%.1f,\"matmul_gflops\":%.2f}\n", median(add_ns), median(gflops));
  return 0;
}
