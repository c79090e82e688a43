using System.Text.Json;
using System.Text.Json.Serialization;

namespace GatoMesh.Runtime.Membership;

/// <summary>One silo of a local cluster: its membership address, ports and process. <see cref="HttpPort"/>
/// is its port for external clients (WebSocket, health, metrics), 0 when the silo has none.</summary>
public sealed record LocalSilo(string Address, int Port, int GatewayPort, LocalProcess Process, int HttpPort = 0);

/// <summary>
/// A running local development cluster as `gatomesh cluster up` records it in <c>.gatomesh/cluster.json</c>:
/// what `gatomesh cluster down` needs to stop it, and what a developer needs to reach it.
/// </summary>
public sealed record LocalCluster(string ClusterId, string Redis, LocalProcess RedisProcess, IReadOnlyList<LocalSilo> Silos)
{
    public const string FileName = "cluster.json";

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    /// <summary>The recorded cluster, or null if none is recorded.</summary>
    public static LocalCluster? Load(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), LocalClusterJson.Default.LocalCluster)
                ?? throw new LocalClusterException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new LocalClusterException($"{path} is not a cluster record ({e.Message}); remove it after stopping its processes by hand");
        }
    }

    internal void Save(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = PathIn(stateDirectory);
        // Write then rename, so a reader never sees half a record.
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, LocalClusterJson.Default.LocalCluster));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    internal static void Forget(string stateDirectory) => File.Delete(PathIn(stateDirectory));

    internal IEnumerable<LocalProcess> Processes => Silos.Select(s => s.Process).Append(RedisProcess);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LocalCluster))]
internal sealed partial class LocalClusterJson : JsonSerializerContext;
