using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using GatoMesh.Tokens;

namespace GatoMesh.Bench;

/// <summary>
/// Timesteps encoded per second on one core (one thread, no parallelism), for
/// (a) the baseline: an observation of 32 continuous values, and
/// (b) one 64x64 RGB image (16 patches of 768 floats) plus 32 continuous values; goal: 50,000/s.
/// Each timestep is encoded into one reused <see cref="TokenBuffer"/> (the session's steady state),
/// observation plus separator, evaluation patch positions. Both run in the same process, interleaved
/// over several rounds; the median and the best round are reported, with bytes allocated per timestep.
/// <c>dotnet run --project bench/GatoMesh.Bench -c Release -- tokens [--seconds S] [--out FILE]</c>
/// writes bench/results/tokens.json.
/// </summary>
public static class TokensBenchmark
{
    public static int Run(string[] args)
    {
        var seconds = 1.0;
        var output = Path.Combine(BenchResults.RepoRoot(), "bench", "results", "tokens.json");
        for (var i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--out": output = args[++i]; break;
                default: Console.Error.WriteLine($"tokens: unknown argument {args[i]} (--seconds S, --out FILE)"); return 2;
            }

        var space = new TokenSpace();
        var random = new SeededRandom(1);
        var values = Enumerable.Range(0, 32).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var pixels = Enumerable.Range(0, 64 * 64 * 3).Select(_ => (byte)random.NextInt(256)).ToArray();
        var continuousOnly = new Case("a: 32 continuous values",
            new TimestepEncoder(new EmbodimentSpec("state", [FieldSpec.Continuous("state", 32)], [FieldSpec.Continuous("act", 4)]), space),
            new Observation().SetContinuous("state", values));
        var imageAndValues = new Case("b: 64x64 RGB image + 32 continuous values",
            new TimestepEncoder(new EmbodimentSpec("camera", [FieldSpec.Image("camera", 64, 64), FieldSpec.Continuous("state", 32)], [FieldSpec.Continuous("act", 4)]), space),
            new Observation().SetImage("camera", ImageValue.FromHwc(pixels, 64, 64)).SetContinuous("state", values));

        Console.Error.WriteLine($"tokens: {seconds:0.#} s per case per round, 5 rounds, one thread");
        foreach (var c in new[] { continuousOnly, imageAndValues })
            c.Measure(0.2); // warm-up: tiered JIT reaches its optimized code
        const int rounds = 5;
        for (var round = 0; round < rounds; round++)
            foreach (var c in new[] { continuousOnly, imageAndValues })
                c.Rounds.Add(c.Measure(seconds));

        var a = continuousOnly.Median;
        var b = imageAndValues.Median;
        var result = new JsonObject
        {
            ["benchmark"] = "tokens",
            ["unit"] = "timesteps per second per core",
            ["machine"] = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}",
            ["threads"] = 1,
            ["seconds_per_round"] = seconds,
            ["rounds"] = rounds,
            ["baseline_a_32_continuous"] = Report(continuousOnly),
            ["b_64x64_image_plus_32_continuous"] = Report(imageAndValues),
            ["b_over_a"] = Math.Round(b.PerSecond / a.PerSecond, 4),
            ["goal_b_per_second"] = 50_000,
            ["goal_met"] = b.PerSecond >= 50_000,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine(result.ToJsonString());
        Console.Error.WriteLine($"tokens: (a) {a.PerSecond:N0}/s, (b) {b.PerSecond:N0}/s (goal 50,000), b/a {b.PerSecond / a.PerSecond:0.###}; wrote {output}");
        return 0;
    }

    static JsonObject Report(Case c) => new()
    {
        ["case"] = c.Name,
        ["tokens_per_timestep"] = c.Tokens,
        ["timesteps_per_second"] = Math.Round(c.Median.PerSecond),
        // On a shared machine the fastest round is the closest to an uncontended core.
        ["timesteps_per_second_best_round"] = Math.Round(c.Rounds.Max(r => r.PerSecond)),
        ["microseconds_per_timestep"] = Math.Round(1e6 / c.Median.PerSecond, 3),
        ["bytes_allocated_per_timestep"] = Math.Round(c.Median.BytesPerTimestep, 1),
        ["rounds_per_second"] = new JsonArray(c.Rounds.Select(r => (JsonNode)Math.Round(r.PerSecond)).ToArray()),
    };

    readonly record struct Round(double PerSecond, double BytesPerTimestep);

    sealed class Case(string name, TimestepEncoder encoder, Observation observation)
    {
        readonly TokenBuffer buffer = new();

        public string Name { get; } = name;
        public List<Round> Rounds { get; } = [];
        public int Tokens => buffer.Count;
        public Round Median => Rounds.OrderBy(r => r.PerSecond).ElementAt(Rounds.Count / 2);

        public Round Measure(double seconds)
        {
            var clock = Stopwatch.StartNew();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            long count = 0;
            var limit = (long)(seconds * Stopwatch.Frequency);
            while (clock.ElapsedTicks < limit)
            {
                // Check the clock every 256 timesteps so the loop measures encoding, not the timer.
                for (var i = 0; i < 256; i++)
                {
                    buffer.Clear();
                    encoder.Encode(observation, null, buffer);
                }
                count += 256;
            }
            var elapsed = clock.Elapsed.TotalSeconds;
            return new Round(count / elapsed, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count);
        }
    }
}
