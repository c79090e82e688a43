using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>
/// <c>distributed.json</c> of a checkpoint written by data-parallel workers: beside
/// <c>trainer.json</c>, what else decides a step's math (the micro-batches), and how it was written
/// (world size, parallelism), which may change on resume. A checkpoint without it (the single-process
/// trainer's) counts as one micro-batch.
/// </summary>
internal sealed record DistributedRunState
{
    public const string FileName = "distributed.json";

    public required int MicroBatches { get; init; }
    public required int WorldSize { get; init; }
    public required DataParallelism Parallelism { get; init; }

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    public void Save(string dir)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json) + "\n");
        AtomicFile.Write(Path.Combine(dir, FileName), stream => stream.Write(bytes));
    }

    public static DistributedRunState? TryLoad(string dir)
    {
        var path = Path.Combine(dir, FileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<DistributedRunState>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty")
            : null;
    }
}
