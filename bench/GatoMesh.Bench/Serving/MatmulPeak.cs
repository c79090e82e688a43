using System.Diagnostics;
using GatoMesh.Torch;

namespace GatoMesh.Bench.Serving;

/// <summary>The machine's matmul rate as the engine sees it: (256 x 256) @ (256 x 1024) through
/// GatoMesh.Torch in this process, with the process's torch and OpenBLAS thread settings (1 torch
/// thread), in fp32 (OpenBLAS) or bf16 (libtorch's oneDNN path). The median of 20 timed runs
/// after a warm-up.</summary>
internal static class MatmulPeak
{
    public static double Gflops(DType dtype = DType.Float32)
    {
        using var scope = DisposeScope.Begin();
        var x = Tensor.Randn([256, 256]).To(dtype);
        var y = Tensor.Randn([256, 1024]).To(dtype);
        for (var i = 0; i < 5; i++)
            using (x.MatMul(y)) { }
        var samples = new List<double>();
        for (var rep = 0; rep < 20; rep++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 10; i++)
                using (x.MatMul(y)) { }
            samples.Add(10 * 2.0 * 256 * 256 * 1024 / watch.Elapsed.TotalSeconds / 1e9);
        }
        return samples.Order().ElementAt(samples.Count / 2);
    }
}
