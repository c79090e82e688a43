using GatoMesh.Bench;

// One benchmark per first argument; each measures against a baseline in the same run and writes
// bench/results/<name>.json. bench/run.sh builds everything and runs them by name.
return args.FirstOrDefault() switch
{
    "tokens" => TokensBenchmark.Run(args[1..]),
    "torch" => TorchBindingBenchmark.Run(args[1..]),
    "model" => GatoMesh.Bench.Model.ModelBenchmark.Run(args[1..]),
    "serving" => GatoMesh.Bench.Serving.ServingBenchmark.Run(args[1..]),
    "engine" => GatoMesh.Bench.Engine.EngineBenchmark.Run(args[1..]),
    "gpu" => GatoMesh.Bench.Gpu.GpuCheck.Run(args[1..]),
    "agreement" => GatoMesh.Bench.Engine.PrecisionAgreement.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: GatoMesh.Bench tokens [--seconds S] [--out FILE] | torch [THREADS] | model [--points BxC,...] [--decode-steps N] [--attention-threads N] | serving [--presets P,...] [--agents N,...] [--baseline-agents N,...] [--seconds S] [--no-goodput] | engine [--presets P,...] [--tasks T,...] [--precisions fp32,bf16] [--agents N,...] | agreement [--presets P,...] [--tasks T,...] [--episodes N] [--steps N]");
    return 2;
}
