using System.Text.Json;
using System.Text.Json.Serialization;

namespace GatoMesh.Cli.Commands.Bench;

/// <summary>The figures of one <c>gatomesh bench runtime</c> run (the fields of the old runtime's benchmark, plus context).</summary>
internal sealed record RuntimeBenchResult
{
    public static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public required int Silos { get; init; }
    public required int Grains { get; init; }
    /// <summary>Grain-to-grain calls between activations on the same silo, summed over silos.</summary>
    public required double LocalCallsPerS { get; init; }
    /// <summary>Grain-to-grain calls from a grain on one silo to a grain on another.</summary>
    public required double RemoteCallsPerS { get; init; }
    /// <summary>99th percentile of client calls through a gateway (client, gateway and owner hops).</summary>
    public required double P99CallMs { get; init; }
    /// <summary>Grains with more than one activation cluster-wide, summed before and after the kill.</summary>
    public required int DuplicateActivations { get; init; }
    /// <summary>From SIGKILL of one silo to every grain answering again.</summary>
    public required double RecoveryS { get; init; }
    /// <summary>The counter grains that lived on the killed silo: the ones recovery had to reactivate elsewhere.</summary>
    public required int GrainsOnKilledSilo { get; init; }
    [JsonPropertyName("machine")]
    public required string Machine { get; init; }
    /// <summary>The 1-minute load average when the run started (/proc/loadavg): the machine is shared, so
    /// figures are only comparable between runs at similar load.</summary>
    [JsonPropertyName("load_average_1m")]
    public required double LoadAverage1m { get; init; }
}
